"""REL-6 / SEC-8 backup drill: dump → wipe → restore gives identical content checksums, files included;
the audit chain verifies afterwards; a tampered archive is refused and changes nothing."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from shuping.audit.verify import verify_chain
from shuping.core.management.archive import (
    database_checksums,
    media_checksums,
    non_empty_tables,
    storage_files,
)
from shuping.orgs.models import Person
from shuping.orgs.services import create_person


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _populate(world) -> Person:
    person = create_person(actor=world.organizer_staff, name="张三", phone="138 0000 1234", position="书记")
    default_storage.save("reports/originals/2025/述职报告.pdf", ContentFile(b"%PDF-1.7 fake report\n" * 50))
    default_storage.save("jobs/results/导出结果.xlsx", ContentFile(bytes(range(256)) * 20))
    default_storage.save("top.txt", ContentFile("顶层文件".encode()))
    return person


#: The audit tables gain the restore's own row (INT-3); everything else comes back byte for byte.
AUDIT_TABLES = ("audit_auditevent", "audit_chainhead")


def _data_tables() -> dict:
    return {table: sums for table, sums in database_checksums().items() if table not in AUDIT_TABLES}


def _restore_is_the_last_audit_row(rows_before: int) -> None:
    from shuping.audit.models import AuditEvent

    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None
    assert (last.action, last.target_type, last.source) == ("core.restore", "core.backup", "cli")
    assert last.actor_name.startswith("命令行 restore：")
    assert AuditEvent.objects.count() == rows_before + 1


def _raw_phone(person_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM orgs_person WHERE id = %s", [person_id])
        return cursor.fetchone()[0]


def _wipe() -> None:
    """What a lost server leaves: a freshly migrated database and an empty file storage."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # flush's TRUNCATE refuses pending deferred FK checks
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    for name in storage_files():
        default_storage.delete(name)


@pytest.mark.req("REL-6", "SEC-8")
def test_dump_wipe_restore_gives_identical_tables_and_files(world, media, tmp_path):
    person = _populate(world)
    ciphertext = _raw_phone(person.pk)
    tables_before = database_checksums()
    files_before = media_checksums()
    assert tables_before["orgs_person"]["rows"] == 1
    assert tables_before["audit_auditevent"]["rows"] > 0
    assert len(files_before) == 3

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    _wipe()
    assert database_checksums() != tables_before
    assert media_checksums() == {}

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "恢复完成" in out.getvalue()
    assert _data_tables() == {t: v for t, v in tables_before.items() if t not in AUDIT_TABLES}
    _restore_is_the_last_audit_row(tables_before["audit_auditevent"]["rows"])
    assert media_checksums() == files_before
    # Raw rows: the encrypted column is the very same ciphertext, and still decrypts with the data key.
    assert _raw_phone(person.pk) == ciphertext
    assert Person.objects.get(pk=person.pk).phone == "138 0000 1234"
    assert verify_chain().ok
    call_command("audit", "verify", stdout=io.StringIO())


@pytest.mark.req("REL-6")
def test_the_manifest_lists_every_table_with_counts_and_checksums_and_no_keys(
    world, media, tmp_path, settings
):
    _populate(world)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = tar.getnames()
        blob = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())
    assert manifest["format_version"] == 1
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["keys_included"] is False
    tables = [entry["table"] for entry in manifest["tables"]]
    # Dependency order: organizations before the people and grants that refer to them.
    assert tables.index("accounts_user") < tables.index("accounts_rolegrant")
    assert "django_session" not in tables
    assert {entry["name"] for entry in manifest["media"]} == set(storage_files())
    assert all(entry["file"] in names for entry in manifest["tables"])
    for secret in (settings.SECRET_KEY, settings.SHUPING_DATA_KEY):
        assert secret.encode() not in blob
    assert b"138 0000 1234" not in blob


@pytest.mark.req("REL-6")
def test_restore_refuses_a_database_that_holds_data_unless_forced(world, media, tmp_path):
    _populate(world)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    before = database_checksums()
    with pytest.raises(CommandError, match="已有数据"):
        call_command("restore", str(archive))
    assert database_checksums() == before

    create_person(actor=None, name="李四")  # changed after the backup
    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert _data_tables() == {t: v for t, v in before.items() if t not in AUDIT_TABLES}
    _restore_is_the_last_audit_row(before["audit_auditevent"]["rows"])
    assert not Person.objects.filter(name="李四").exists()


def _rewrite(archive: Path, target: Path, change) -> None:
    """Copy the archive, letting `change(name, data) -> data | None` alter or drop members."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            extracted = source.extractfile(member)
            assert extracted is not None, member.name  # the archive holds regular files only
            data = change(member.name, extracted.read())
            if data is None:
                continue
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))


@pytest.mark.req("REL-6", "SEC-8")
def test_a_tampered_archive_is_refused_and_nothing_is_written(world, media, tmp_path):
    person = _populate(world)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    _wipe()
    empty = database_checksums()

    def edit_row(name: str, data: bytes) -> bytes:
        if name.endswith("-orgs_person.jsonl"):
            return data.replace(str(person.pk).encode(), str(person.pk + 100).encode(), 1)
        return data

    def edit_file(name: str, data: bytes) -> bytes:
        return data + b"x" if name == "media/top.txt" else data

    def forge_manifest(name: str, data: bytes) -> bytes:
        # Change a row AND recompute its checksum in the manifest: only the signature can catch it.
        return edit_row(name, data) if name != "manifest.json" else data

    def drop_file(name: str, data: bytes) -> bytes | None:
        return None if name == "media/top.txt" else data

    cases = {"row": (edit_row, "校验失败"), "file": (edit_file, "校验失败"), "dropped": (drop_file, "不完整")}
    for label, (change, message) in cases.items():
        tampered = tmp_path / f"{label}.tar.gz"
        _rewrite(archive, tampered, change)
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(tampered))

    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        rows = next(
            tar.extractfile(m).read() for m in tar.getmembers() if m.name.endswith("-orgs_person.jsonl")
        )
    for entry in manifest["tables"]:
        if entry["table"] == "orgs_person":
            entry["sha256"] = hashlib.sha256(edit_row("x-orgs_person.jsonl", rows)).hexdigest()
    forged = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    tampered = tmp_path / "forged.tar.gz"
    _rewrite(archive, tampered, lambda n, d: forged if n == "manifest.json" else forge_manifest(n, d))
    with pytest.raises(CommandError, match="签名不符"):
        call_command("restore", str(tampered))

    assert database_checksums() == empty
    assert storage_files() == []
    assert not non_empty_tables()
    call_command("restore", str(archive), stdout=io.StringIO())  # the genuine archive still restores
    assert Person.objects.filter(pk=person.pk).exists()
