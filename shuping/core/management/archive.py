"""Backup archives for `shuping backup FILE` / `shuping restore FILE` (REL-6, SEC-8).

One tar.gz holds everything but the keys:

    manifest.json        format version, created_at, database vendor, applied migrations, and per table
                         its columns, row count and SHA-256 of its data file; per media file its size and
                         SHA-256
    manifest.sig         HMAC-SM3 of manifest.json under a key derived from SHUPING_DATA_KEY
    data/NNNN-<table>.jsonl   one JSON array per row, columns in manifest order, rows by primary key,
                         tables in foreign-key dependency order
    media/<name>         every file of the default storage (SHUPING_MEDIA_ROOT or S3-compatible)

Rows are read and written with raw SQL, never through model save(): encrypted columns stay ciphertext,
blind indexes and the audit hash chain are copied byte for byte, and no signal or audit event fires. Each
value is written in one canonical, database-neutral form (datetimes as UTC ISO 8601, decimals as fixed
strings, UUIDs hyphenated, binary as base64, JSON as sorted compact text), so the same content gives the
same checksum on SQLite and PostgreSQL and an archive from one restores into the other.

The keys (SHUPING_SECRET_KEY, SHUPING_DATA_KEY) are NOT in the archive: back them up separately
(docs/deployment.md). Without the data key, encrypted columns cannot be read and the manifest signature
cannot be checked.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import posixpath
import tarfile
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.duration import duration_microseconds
from django.utils.translation import gettext as _

from shuping.audit.choices import Source
from shuping.audit.guard import maintenance
from shuping.audit.services import AuditTarget, record
from shuping.core import crypto, uploads
from shuping.core.errors import DomainError

FORMAT = "shuping-backup"
FORMAT_VERSION = 1
SIGNATURE_LABEL = "backup-manifest"
#: Server-side sessions are not backed up: after a restore everybody signs in again.
EXCLUDED_TABLES = frozenset({"django_session"})
#: Tables that `migrate` fills by itself; their rows do not make a database "non-empty".
SEEDED_TABLES = frozenset({"django_content_type", "auth_permission"})
BATCH = 1000


class BackupError(DomainError):
    """The archive cannot be written or restored; the message says why (in Chinese)."""


@dataclass(frozen=True)
class TableSpec:
    """One database table of a concrete model: its columns and how each value is converted."""

    model: type[models.Model]
    table: str
    fields: tuple[models.Field, ...]
    order_by: tuple[str, ...]

    @property
    def columns(self) -> list[str]:
        return [_column(field) for field in self.fields]


def _column(field: models.Field) -> str:
    """A concrete field's column (Django types it optional: fields without a column are not concrete)."""
    if field.column is None:
        raise ValueError(f"{field!r} has no column")
    return field.column


# ---------------------------------------------------------------------------------------------- tables


def _value_field(field: models.Field) -> models.Field:
    """The field whose type decides the stored value: a foreign key stores its target's value."""
    while field.is_relation:
        target = getattr(field, "target_field", None)
        if target is None:
            break
        field = target
    return field


def table_specs(using: str = DEFAULT_DB_ALIAS) -> list[TableSpec]:
    """Every table of an installed concrete model, parents before the tables that refer to them.

    Cycles (a table referring to itself, or two tables to each other) are broken arbitrarily: foreign
    keys are deferred to the end of the restore transaction on both SQLite and PostgreSQL.
    """
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    by_table: dict[str, type[models.Model]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped or meta.db_table in EXCLUDED_TABLES:
            continue
        if meta.db_table in existing:
            by_table.setdefault(meta.db_table, model)

    depends: dict[str, set[str]] = {}
    for table, model in by_table.items():
        depends[table] = {
            field.related_model._meta.db_table
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model is not None
        } & set(by_table) - {table}

    ordered: list[str] = []
    done: set[str] = set()
    visiting: set[str] = set()

    def visit(table: str) -> None:
        if table in done or table in visiting:
            return
        visiting.add(table)
        for parent in sorted(depends[table]):
            visit(parent)
        visiting.discard(table)
        done.add(table)
        ordered.append(table)

    for table in sorted(by_table):
        visit(table)

    specs = []
    for table in ordered:
        model = by_table[table]
        fields = tuple(f for f in model._meta.concrete_fields if not getattr(f, "generated", False))
        pk = model._meta.pk
        order_by = (pk.column,) if pk is not None and pk.column else tuple(_column(f) for f in fields)
        specs.append(TableSpec(model=model, table=table, fields=fields, order_by=order_by))
    return specs


# ------------------------------------------------------------------------------------ canonical values


def canonical_value(field: models.Field, value: Any) -> Any:
    """A stored value in its database-neutral JSON form (see the module docstring)."""
    if value is None:
        return None
    field = _value_field(field)
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return bool(value)
    if kind in {"AutoField", "BigAutoField", "SmallAutoField"} or kind.endswith("IntegerField"):
        return int(value)
    if kind == "FloatField":
        return float(value)
    if kind == "DecimalField":
        number = Decimal(str(value))
        if field.decimal_places is not None:  # type: ignore[attr-defined]
            number = number.quantize(Decimal(1).scaleb(-field.decimal_places))  # type: ignore[attr-defined]
        return format(number, "f")
    if kind == "DateTimeField":
        moment = value if isinstance(value, datetime) else parse_datetime(str(value))
        if moment is None:
            raise BackupError(_("无法识别的时间值：%(value)s") % {"value": value})
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)  # Django stores UTC on SQLite
        return moment.astimezone(UTC).isoformat()
    if kind == "DateField":
        return value.isoformat() if isinstance(value, date) else str(value)[:10]
    if kind == "TimeField":
        return value.isoformat() if isinstance(value, time) else str(value)
    if kind == "DurationField":
        return duration_microseconds(value) if isinstance(value, timedelta) else int(value)
    if kind == "UUIDField":
        return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
    if kind == "BinaryField" or isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "JSONField":
        parsed = json.loads(value) if isinstance(value, str) else value
        return json.dumps(parsed, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return str(value)


def database_value(field: models.Field, value: Any, connection: BaseDatabaseWrapper) -> Any:
    """The query parameter that stores `value` (canonical form) on this connection."""
    if value is None:
        return None
    field = _value_field(field)
    kind = field.get_internal_type()
    ops = connection.ops
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value(datetime.fromisoformat(value))
    if kind == "DateField":
        return ops.adapt_datefield_value(date.fromisoformat(value))
    if kind == "TimeField":
        return ops.adapt_timefield_value(time.fromisoformat(value))
    if kind == "DecimalField":
        return ops.adapt_decimalfield_value(
            Decimal(value),
            field.max_digits,  # type: ignore[attr-defined]
            field.decimal_places,  # type: ignore[attr-defined]
        )
    if kind == "DurationField":
        return models.DurationField().get_db_prep_value(timedelta(microseconds=value), connection)
    if kind == "UUIDField":
        return models.UUIDField().get_db_prep_value(uuid.UUID(value), connection)
    if kind == "BinaryField":
        return models.BinaryField().get_db_prep_value(base64.b64decode(value), connection)
    if kind == "JSONField":
        return ops.adapt_json_value(json.loads(value), None)
    return value


def _encode_row(values: Iterable[Any]) -> bytes:
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def table_lines(spec: TableSpec, using: str = DEFAULT_DB_ALIAS) -> Iterator[bytes]:
    """The table's rows as canonical JSON lines, by primary key (streamed, a batch at a time)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    sql = "SELECT {} FROM {} ORDER BY {}".format(  # noqa: S608 — identifiers from model metadata
        ", ".join(quote(c) for c in spec.columns),
        quote(spec.table),
        ", ".join(quote(c) for c in spec.order_by),
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(BATCH):
            for row in rows:
                yield _encode_row(canonical_value(f, v) for f, v in zip(spec.fields, row, strict=True))


def table_checksum(spec: TableSpec, using: str = DEFAULT_DB_ALIAS) -> tuple[int, str]:
    """(row count, SHA-256 of the canonical lines) of one table as it is now."""
    digest = hashlib.sha256()
    count = 0
    for line in table_lines(spec, using):
        digest.update(line)
        count += 1
    return count, digest.hexdigest()


def database_checksums(using: str = DEFAULT_DB_ALIAS) -> dict[str, dict[str, Any]]:
    """{table: {"rows": n, "sha256": hex}} for every backed-up table — what the manifest records."""
    result = {}
    for spec in table_specs(using):
        rows, sha = table_checksum(spec, using)
        result[spec.table] = {"rows": rows, "sha256": sha}
    return result


# ------------------------------------------------------------------------------------------ media files


def storage_files(storage: Storage | None = None, prefix: str = "") -> list[str]:
    """Every file name in the storage, recursively, sorted (forward slashes)."""
    storage = storage or default_storage
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:
        return []
    names = [posixpath.join(prefix, name) if prefix else name for name in files]
    for directory in directories:
        names.extend(storage_files(storage, posixpath.join(prefix, directory) if prefix else directory))
    return sorted(names)


def _file_sha256(handle: Any) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def media_checksums(storage: Storage | None = None) -> dict[str, dict[str, Any]]:
    """{name: {"size": n, "sha256": hex}} of every stored file."""
    storage = storage or default_storage
    result = {}
    for name in storage_files(storage):
        with storage.open(name, "rb") as handle:
            size, sha = _file_sha256(handle)
        result[name] = {"size": size, "sha256": sha}
    return result


# ------------------------------------------------------------------------------------------ migrations


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connections[using])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _sign(manifest_bytes: bytes) -> str:
    return crypto.hmac_sm3(SIGNATURE_LABEL, manifest_bytes).hex()


# ---------------------------------------------------------------------------------------------- backup


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def create_backup(path: str | os.PathLike[str], *, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Write the archive to `path` and return its manifest.

    The tables are read in one transaction (REPEATABLE READ on PostgreSQL, a write lock on SQLite), so the
    archive is a consistent snapshot while the site keeps serving reads.
    """
    connection = connections[using]
    target = Path(path)
    created_at = timezone.now()
    tables: list[dict[str, Any]] = []
    # Inside an outer transaction (tests) the isolation level is already fixed; the snapshot is that one.
    nested = connection.in_atomic_block
    with tempfile.TemporaryDirectory(prefix="shuping-backup-") as scratch:
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql" and not nested:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            migrations = applied_migrations(using)
            for index, spec in enumerate(table_specs(using), start=1):
                name = f"data/{index:04d}-{spec.table}.jsonl"
                digest = hashlib.sha256()
                rows = 0
                with open(Path(scratch) / f"{index:04d}.jsonl", "wb") as out:
                    for line in table_lines(spec, using):
                        out.write(line)
                        digest.update(line)
                        rows += 1
                tables.append(
                    {
                        "table": spec.table,
                        "model": spec.model._meta.label,
                        "file": name,
                        "columns": spec.columns,
                        "rows": rows,
                        "sha256": digest.hexdigest(),
                    }
                )
        media = media_checksums()
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": created_at.isoformat(),
            "database": {"vendor": connection.vendor},
            "migrations": migrations,
            "tables": tables,
            "media": [{"name": name, **info} for name, info in media.items()],
            "keys_included": False,
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        mtime = created_at.timestamp()
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, "manifest.json", manifest_bytes, mtime)
            _add_bytes(archive, "manifest.sig", _sign(manifest_bytes).encode("ascii"), mtime)
            for index, entry in enumerate(tables, start=1):
                info = archive.gettarinfo(str(Path(scratch) / f"{index:04d}.jsonl"), arcname=entry["file"])
                info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
                with open(Path(scratch) / f"{index:04d}.jsonl", "rb") as handle:
                    archive.addfile(info, handle)
            for entry in manifest["media"]:
                with default_storage.open(entry["name"], "rb") as handle:
                    data = handle.read()
                if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                    raise BackupError(_("备份期间文件被修改：%(name)s，请重试") % {"name": entry["name"]})
                _add_bytes(archive, "media/" + entry["name"], data, mtime)
        os.chmod(partial, 0o600)
        partial.replace(target)
    return manifest


# --------------------------------------------------------------------------------------------- restore


def _safe_member_name(name: str) -> bool:
    parts = name.split("/")
    return not name.startswith("/") and ".." not in parts and "" not in parts and "\\" not in name


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    """The archive's manifest after checking its signature and format; BackupError otherwise."""
    # The upload gate for backups (INT-1): the manifest and its signature are the first two members; they are
    # read from the tar headers' sizes, capped, before anything else in the archive is inflated or trusted.
    try:
        first, second = archive.next(), archive.next()
        if first is None or second is None or (first.name, second.name) != ("manifest.json", "manifest.sig"):
            raise KeyError("manifest")
        if first.size > uploads.BACKUP_MAX_MANIFEST or second.size > 1024:
            raise BackupError(
                _("备份清单超过 %(size)d MB 的上限，拒绝恢复")
                % {"size": uploads.BACKUP_MAX_MANIFEST // uploads.MB}
            )
        manifest_bytes = archive.extractfile(first).read()  # type: ignore[union-attr]
        signature = archive.extractfile(second).read().decode("ascii").strip()  # type: ignore[union-attr]
    except (KeyError, AttributeError, UnicodeDecodeError, tarfile.TarError) as exc:
        raise BackupError(_("不是述评备份文件：缺少清单或签名")) from exc
    if not crypto.constant_time_equal(signature, _sign(manifest_bytes)):
        raise BackupError(_("备份清单签名不符：备份文件已被改动，或数据密钥与备份时不同，拒绝恢复"))
    manifest = json.loads(manifest_bytes)
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("不支持的备份格式版本：%(version)s") % {"version": manifest.get("format_version")}
        )
    return manifest


def verify_archive(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Every member is listed in the manifest with the same SHA-256, and nothing else is there."""
    expected = {entry["file"]: entry["sha256"] for entry in manifest["tables"]}
    expected.update({"media/" + entry["name"]: entry["sha256"] for entry in manifest["media"]})
    seen: set[str] = set()
    # Lazily, so an archive padded with unlisted members is refused at the first one, not after all headers.
    for member in archive:
        if member.name in {"manifest.json", "manifest.sig"}:
            continue
        if not member.isfile() or not _safe_member_name(member.name) or member.name not in expected:
            raise BackupError(_("备份文件含有清单之外的内容：%(name)s，拒绝恢复") % {"name": member.name})
        sha = _file_sha256(archive.extractfile(member))[1]
        if sha != expected[member.name]:
            raise BackupError(
                _("备份文件校验失败：%(name)s 的内容与清单不符，拒绝恢复") % {"name": member.name}
            )
        seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(_("备份文件不完整，缺少：%(name)s") % {"name": missing[0]})


def non_empty_tables(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Backed-up tables holding rows, apart from what `migrate` puts there by itself."""
    connection = connections[using]
    quote = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for spec in table_specs(using):
            if spec.table in SEEDED_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {quote(spec.table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                found.append(spec.table)
    return found


def _wipe_tables(specs: list[TableSpec], using: str) -> None:
    connection = connections[using]
    tables = [spec.table for spec in specs] + sorted(
        EXCLUDED_TABLES & set(connection.introspection.table_names())
    )
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=False)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with pending deferred foreign-key checks from earlier statements of
            # an enclosing transaction: run those checks now, then defer again for the load.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for statement in statements:
            cursor.execute(statement)


def _load_table(spec: TableSpec, entry: dict[str, Any], handle: Any, using: str) -> None:
    connection = connections[using]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 — identifiers from model metadata
        quote(spec.table), ", ".join(quote(c) for c in spec.columns), ", ".join(["%s"] * len(spec.columns))
    )
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for line in handle:
            values = json.loads(line)
            batch.append([database_value(f, v, connection) for f, v in zip(spec.fields, values, strict=True)])
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def restore_backup(
    path: str | os.PathLike[str], *, using: str = DEFAULT_DB_ALIAS, force: bool = False
) -> dict[str, Any]:
    """Restore the archive into this (migrated) database and the default storage; return the manifest.

    Refuses — changing nothing — an archive whose signature or any checksum does not match, one made at
    another migration state, and a database or storage that already holds data unless `force`, which
    wipes them first. After loading, foreign keys are checked, PostgreSQL sequences reset, and every
    table's checksum and every file's SHA-256 compared with the manifest; any difference rolls the
    database back.
    """
    connection = connections[using]
    try:
        archive = tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(_("无法读取备份文件：%(error)s") % {"error": exc}) from exc
    with archive:
        manifest = read_manifest(archive)
        verify_archive(archive, manifest)
        if applied_migrations(using) != manifest["migrations"]:
            raise BackupError(_("备份时的数据库结构版本与当前不同：请先安装相同版本并执行 migrate，再恢复"))
        specs = {spec.table: spec for spec in table_specs(using)}
        archived = {entry["table"]: entry for entry in manifest["tables"]}
        if set(specs) != set(archived):
            raise BackupError(_("备份中的数据表与当前数据库不一致，拒绝恢复"))
        for table, entry in archived.items():
            if entry["columns"] != specs[table].columns:
                raise BackupError(_("数据表 %(table)s 的列与备份不一致，拒绝恢复") % {"table": table})
        if not force:
            occupied = non_empty_tables(using)
            if occupied or storage_files():
                raise BackupError(
                    _("目标数据库或文件存储中已有数据（%(what)s）：恢复只能在空库上进行，或加 --force 先清空")
                    % {"what": ", ".join(occupied[:3]) or _("文件")}
                )
        ordered = [specs[entry["table"]] for entry in manifest["tables"]]
        # Replacing the whole database replaces the audit log too: the one place besides pruning that
        # passes the append-only triggers (INT-2).
        with transaction.atomic(using=using), maintenance(using):
            _wipe_tables(ordered, using)
            for spec in ordered:
                entry = archived[spec.table]
                _load_table(spec, entry, archive.extractfile(entry["file"]), using)
            connection.check_constraints(table_names=[spec.table for spec in ordered])
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), [s.model for s in ordered]):
                    cursor.execute(statement)
            for spec in ordered:
                rows, sha = table_checksum(spec, using)
                entry = archived[spec.table]
                if (rows, sha) != (entry["rows"], entry["sha256"]):
                    raise BackupError(
                        _("恢复后数据表 %(table)s 的校验和与备份不符，已回滚") % {"table": spec.table}
                    )
            # The restore itself is the first row after the restored chain (INT-3), in its transaction.
            record(
                actor=None,
                action="core.restore",
                target=AuditTarget(
                    type="core.backup", id=str(manifest["created_at"])[:64], label=os.path.basename(path)
                ),
                source=Source.CLI,
                detail={
                    "tables": len(ordered),
                    "rows": sum(entry["rows"] for entry in manifest["tables"]),
                    "files": len(manifest["media"]),
                    "forced": force,
                },
            )
            _restore_media(archive, manifest)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # ids may differ from the ones cached before the restore
    return manifest


def _restore_media(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    for name in storage_files():
        default_storage.delete(name)
    for entry in manifest["media"]:
        data = archive.extractfile("media/" + entry["name"]).read()  # type: ignore[union-attr]
        saved = default_storage.save(entry["name"], ContentFile(data))
        if saved != entry["name"]:
            raise BackupError(_("文件无法按原名恢复：%(name)s") % {"name": entry["name"]})
    restored = media_checksums()
    expected = {
        entry["name"]: {"size": entry["size"], "sha256": entry["sha256"]} for entry in manifest["media"]
    }
    if restored != expected:
        raise BackupError(_("恢复后的文件与备份清单不符"))
