"""The upload gate (INT-1): every file a user sends enters the system here, and nowhere else.

A view never touches `request.FILES`; it calls `receive()` (or `receive_all()`) with the profile of what it
expects. The gate checks, before anything is parsed or saved:

- the size announced by the upload, then the bytes actually read (a chunked read that stops one byte past
  the limit, so a lying client costs at most the limit);
- the file type by its suffix;
- for zip containers (.docx, .xlsx): the central directory only — entry count, summed uncompressed size,
  the compression ratio of every sizeable entry, and the size of each XML part — before a single byte is
  inflated. Python's zipfile never inflates an entry past the size its directory declares, so these
  declared figures bound what any later reader (python-docx, openpyxl, our own) can inflate.

XML inside uploads is parsed through defusedxml (`iterparse_xml()`), which refuses entity declarations
(billion laughs, external entities); openpyxl picks defusedxml up by itself once it is installed, which
this module asserts at import. A refusal is an `UploadRefused` (a DomainError) with a Chinese message that
names the limit; services raise it before writing, so nothing is saved.

Services that parse bytes handed to them by the CLI or a job call `check_bytes()` / `open_zip()` again:
the check is cheap (it reads the central directory) and makes the door the same for every route.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

import openpyxl.xml
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

from .errors import DomainError

# openpyxl parses workbook XML with defusedxml when it is importable; an .xlsx must never be parsed otherwise.
assert openpyxl.xml.DEFUSEDXML, "openpyxl must parse through defusedxml (INT-1): install defusedxml"

MB = 1024 * 1024
#: Entries smaller than this may have any ratio (a tiny XML part of repeated tags compresses 200:1 and is
#: harmless); above it the ratio counts.
RATIO_FLOOR_BYTES = 1 * MB
_CHUNK = 64 * 1024


class UploadRefused(DomainError):
    """An upload the gate refuses: too large, the wrong type, an archive bomb, XML with entities."""

    def __init__(self, message: str, *, field: str | None = "file", code: str = "upload_refused") -> None:
        super().__init__(message, field=field, code=code)


@dataclass(frozen=True)
class Profile:
    """What one route accepts. Sizes in bytes; `archive` means a zip container checked from its directory."""

    label: str
    max_bytes: int
    suffixes: tuple[str, ...] = ()
    archive: bool = False
    max_entries: int = 0
    max_uncompressed: int = 0
    max_ratio: int = 0
    max_xml_part: int = 0


#: A signed report (.docx): text, a scanned signature page or two.
REPORT_DOCX = Profile(
    label="述职报告",
    max_bytes=10 * MB,
    suffixes=(".docx",),
    archive=True,
    max_entries=500,
    max_uncompressed=40 * MB,
    max_ratio=100,
    max_xml_part=8 * MB,
)
#: Organization, people and secretaryship imports: large files, read in the worker (openpyxl read-only).
ORG_IMPORT = Profile(
    label="导入表格",
    max_bytes=200 * MB,
    suffixes=(".xlsx", ".csv"),
    archive=True,
    max_entries=2000,
    max_uncompressed=1024 * MB,
    max_ratio=100,
    max_xml_part=1024 * MB,
)
#: Inspection findings (.xlsx), read in the request.
FINDINGS_XLSX = Profile(
    label="反馈问题表格",
    max_bytes=5 * MB,
    suffixes=(".xlsx",),
    archive=True,
    max_entries=500,
    max_uncompressed=50 * MB,
    max_ratio=100,
    max_xml_part=40 * MB,
)
#: Rectification evidence: stored as is (SM3-stamped), never parsed.
EVIDENCE = Profile(label="佐证材料", max_bytes=20 * MB)
#: Field-work photos: stored as is after a magic-number check by the service.
PHOTO = Profile(label="照片", max_bytes=8 * MB)
#: An offline venue's sealed results file (JSON), checked and signature-verified by the service.
OFFLINE_RESULTS = Profile(label="离线会场结果文件", max_bytes=5 * MB)

#: An offline venue pack (JSON, loaded on the venue laptop by `shuping offline load`).
OFFLINE_PACK = Profile(label="离线会场包", max_bytes=50 * MB)
#: A `shuping backup` archive (tar.gz) for `shuping restore`: members and sizes from the tar headers.
BACKUP_MAX_MEMBERS = 1_000_000
BACKUP_MAX_MANIFEST = 64 * MB

PROFILES = (REPORT_DOCX, ORG_IMPORT, FINDINGS_XLSX, EVIDENCE, PHOTO, OFFLINE_RESULTS, OFFLINE_PACK)


class Upload:
    """A file that passed the gate: its base name (as the user named it), its size, and its content.

    `data` reads the bytes (already known to be within the limit); `file` is the binary file object, for
    large imports that are saved to storage without being held in memory.
    """

    def __init__(self, name: str, file: IO[bytes], size: int) -> None:
        self.name = name
        self.file = file
        self.size = size
        self._data: bytes | None = None

    @property
    def data(self) -> bytes:
        if self._data is None:
            self.file.seek(0)
            self._data = self.file.read(self.size + 1)[: self.size]
        return self._data

    def open(self) -> IO[bytes]:
        """A named binary file object over the content, from its start (for services that take a file)."""
        handle = io.BytesIO(self.data)
        handle.name = self.name  # type: ignore[attr-defined]
        return handle


def _megabytes(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size // 1024} KB"


def _too_large(profile: Profile) -> UploadRefused:
    return UploadRefused(
        f"{profile.label}文件超过 {_megabytes(profile.max_bytes)} 的上限，已拒绝，未保存任何内容。",
        code="too_large",
    )


def _check_suffix(name: str, profile: Profile) -> None:
    if profile.suffixes and PurePath(name).suffix.lower() not in profile.suffixes:
        raise UploadRefused(
            f"{profile.label}只接受 {' 或 '.join(profile.suffixes)} 文件。", code="wrong_type"
        )


def _measure(file: Any, limit: int, profile: Profile) -> int:
    """The real size of `file`, reading at most one byte past `limit` (a size the client lied about)."""
    file.seek(0)
    total = 0
    while True:
        chunk = file.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise _too_large(profile)
    file.seek(0)
    return total


def check_zip(data: bytes | IO[bytes], profile: Profile) -> None:
    """Refuse a zip whose central directory announces a bomb — before anything is inflated.

    `data` is the bytes or a seekable binary file (zipfile reads only the end record and the directory).
    """
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise UploadRefused(
            f"无法读取该{profile.label}文件（不是有效的 {'/'.join(profile.suffixes)} 文件），请确认文件未损坏。",
            code="unreadable",
        ) from error
    try:
        _check_directory(archive.infolist(), profile)
    finally:
        # Closing a ZipFile opened over a caller's file object leaves that file open.
        archive.close()
        if source is not data:
            source.close()
        else:
            source.seek(0)


def _check_directory(entries: list[zipfile.ZipInfo], profile: Profile) -> None:
    if len(entries) > profile.max_entries:
        raise UploadRefused(
            f"{profile.label}文件包含 {len(entries)} 个压缩条目，超过 {profile.max_entries} 个的上限，已拒绝。",
            code="too_many_entries",
        )
    total = sum(entry.file_size for entry in entries)
    if total > profile.max_uncompressed:
        raise UploadRefused(
            f"{profile.label}文件解压后共 {_megabytes(total)}，超过 {_megabytes(profile.max_uncompressed)} "
            "的上限（疑似压缩炸弹），已拒绝，未保存任何内容。",
            code="too_large_uncompressed",
        )
    for entry in entries:
        if entry.file_size > RATIO_FLOOR_BYTES and entry.file_size > profile.max_ratio * max(
            entry.compress_size, 1
        ):
            raise UploadRefused(
                f"{profile.label}文件中的“{entry.filename[:60]}”压缩比超过 {profile.max_ratio}:1 的上限"
                "（疑似压缩炸弹），已拒绝，未保存任何内容。",
                code="compression_ratio",
            )
        if entry.filename.lower().endswith((".xml", ".rels")) and entry.file_size > profile.max_xml_part:
            raise UploadRefused(
                f"{profile.label}文件中的“{entry.filename[:60]}”解压后 {_megabytes(entry.file_size)}，"
                f"超过 {_megabytes(profile.max_xml_part)} 的上限，已拒绝，未保存任何内容。",
                code="xml_part_too_large",
            )


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def check_bytes(data: bytes, profile: Profile, *, name: str = "") -> None:
    """The gate for bytes that did not come through `receive()` (CLI, jobs, services called directly)."""
    if len(data) > profile.max_bytes:
        raise _too_large(profile)
    if name:
        _check_suffix(name, profile)
    if profile.archive and (is_zip(data) or name.lower().endswith((".docx", ".xlsx"))):
        check_zip(data, profile)


def open_zip(data: bytes, profile: Profile) -> zipfile.ZipFile:
    """The zip after the gate's checks; its entries inflate no further than the checked sizes."""
    if len(data) > profile.max_bytes:
        raise _too_large(profile)
    check_zip(data, profile)
    return zipfile.ZipFile(io.BytesIO(data))


def receive(request: Any, field: str, profile: Profile) -> Upload | None:
    """The one file field `field` of the request, through the gate; None when no file was sent."""
    file = request.FILES.get(field)
    if file is None:
        return None
    return _admit(file, profile, field)


def receive_all(request: Any, field: str, profile: Profile, *, max_files: int = 20) -> list[Upload]:
    """Every file sent under `field` (a multiple file input), each through the gate."""
    files = request.FILES.getlist(field)
    if len(files) > max_files:
        raise UploadRefused(f"一次最多上传 {max_files} 个{profile.label}文件。", field=field, code="too_many")
    return [_admit(file, profile, field) for file in files]


def _admit(file: Any, profile: Profile, field: str) -> Upload:
    try:
        return _check_upload(file, profile)
    except UploadRefused as refused:
        refused.field = field
        raise


def _check_upload(file: Any, profile: Profile) -> Upload:
    name = PurePath(getattr(file, "name", "") or "upload").name[-150:]
    _check_suffix(name, profile)
    announced = getattr(file, "size", None)
    if announced is not None and announced > profile.max_bytes:
        raise _too_large(profile)
    size = _measure(file, profile.max_bytes, profile)
    if not size:
        raise UploadRefused(f"{profile.label}文件是空的。", code="empty")
    head = file.read(4)
    file.seek(0)
    if profile.archive and (is_zip(head) or name.lower().endswith((".docx", ".xlsx"))):
        check_zip(file, profile)
    return Upload(name=name, file=file, size=size)


class CappedReader(io.RawIOBase):
    """A read-only stream that refuses to deliver more than `limit` bytes (bounded parsing)."""

    def __init__(self, stream: IO[bytes], limit: int, message: str) -> None:
        self._stream = stream
        self._left = limit
        self._message = message

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(min(len(buffer), self._left + 1))
        if len(data) > self._left:
            raise UploadRefused(self._message, code="too_large_uncompressed")
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def iterparse_xml(stream: IO[bytes], *, limit: int, label: str) -> Iterator[tuple[str, Any]]:
    """(event, element) pairs for "start" and "end" from XML read through defusedxml, at most `limit` bytes.

    Entity declarations (billion laughs) and external references are refused as UploadRefused.
    """
    capped = io.BufferedReader(
        CappedReader(stream, limit, f"{label}中的 XML 超过 {_megabytes(limit)} 的上限，已拒绝。")
    )
    try:
        yield from SafeElementTree.iterparse(capped, events=("start", "end"))
    except DefusedXmlException as error:
        raise UploadRefused(
            f"{label}中含有不允许的 XML 实体或外部引用（可能是恶意文件），已拒绝，未保存任何内容。",
            code="xml_entities",
        ) from error
    except SafeElementTree.ParseError as error:
        raise UploadRefused(f"无法读取该{label}文件，请确认文件未损坏。", code="unreadable") from error
