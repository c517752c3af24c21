"""Bulk import of organizations (ORG-4): every row validated in memory (every fault collected), the tree
resolved in topological order, ids reserved in one statement, rows written in bulk (COPY on PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from ..choices import AdminLevel, OrgKind
from ..models import Organization, path_segment
from ..tabular import Table, UnreadableFile, parse_bool, parse_date, read_table, unneutralise
from .base import (
    CHUNK,
    LOOKUP_CHUNK,
    MAX_DEPTH,
    ORG_COLUMNS,
    ORG_REQUIRED,
    ImportRejected,
    ImportResult,
    Progress,
    RowError,
    check_header,
    error_order,
    in_chunks,
    kind_lookup,
    level_lookup,
    no_progress,
    record_audit,
    scope_prefixes,
)


@dataclass
class _OrgRow:
    number: int
    code: str
    name: str
    short_name: str
    kind: str
    admin_level: str
    parent_code: str
    is_central_soe: bool
    is_central_financial: bool
    valid_from_on: Any
    valid_to_on: Any
    note: str
    # Filled while resolving the tree:
    pk: int = 0
    parent_index: int = -1  # index of the parent row in the file, or -1
    parent_id: int | None = None  # an existing parent's id
    path: str = ""
    depth: int = 0


def _parse_org_rows(table: Table, progress: Progress) -> tuple[list[_OrgRow], list[RowError]]:
    """Row-level checks that need no database: required cells, choices, booleans, dates, lengths."""
    positions, errors = check_header(table, ORG_COLUMNS, ORG_REQUIRED)
    if errors:
        return [], errors
    kinds, levels = kind_lookup(), level_lookup()
    kind_hint = "、".join(str(label) for _value, label in OrgKind.choices)
    level_hint = "、".join(str(label) for _value, label in AdminLevel.choices)
    max_code = Organization._meta.get_field("code").max_length
    max_name = Organization._meta.get_field("name").max_length
    max_short = Organization._meta.get_field("short_name").max_length
    max_note = Organization._meta.get_field("note").max_length
    total = len(table.rows)
    rows: list[_OrgRow] = []
    add = errors.append
    # Each row padded once, a missing optional column pointing at the trailing blank: plain indexing in
    # the loop (this loop is the import's hot path at national scale).
    width = len(table.header)
    at = {column: positions.get(column, width) for column in ORG_COLUMNS}
    i_code, i_name, i_short, i_kind, i_level, i_parent, i_soe, i_fin, i_from, i_to, i_note = (
        at[c] for c in ORG_COLUMNS
    )
    unescape = unneutralise
    dates_seen: dict[str, Any] = {}
    for position, (number, raw_cells) in enumerate(table.rows, start=1):
        cells = raw_cells + [""] * (width + 1 - len(raw_cells))
        code = unescape(cells[i_code]).strip()
        name = unescape(cells[i_name])
        short_name = unescape(cells[i_short])
        kind_text = cells[i_kind].strip()
        level_text = cells[i_level].strip()
        parent_code = unescape(cells[i_parent]).strip()
        if not code:
            add(RowError(number, "组织代码", _("必填项为空")))
        elif len(code) > max_code:  # type: ignore[operator]
            add(RowError(number, "组织代码", _("长度不能超过 %(n)s 个字符") % {"n": max_code}))
        if not name.strip():
            add(RowError(number, "组织名称", _("必填项为空")))
        elif len(name) > max_name:  # type: ignore[operator]
            add(RowError(number, "组织名称", _("长度不能超过 %(n)s 个字符") % {"n": max_name}))
        if len(short_name) > max_short:  # type: ignore[operator]
            add(RowError(number, "简称", _("长度不能超过 %(n)s 个字符") % {"n": max_short}))
        kind = kinds.get(kind_text) or kinds.get(kind_text.replace(" ", ""), "")
        if not kind_text:
            add(RowError(number, "类型", _("必填项为空")))
        elif not kind:
            add(
                RowError(
                    number,
                    "类型",
                    _("无法识别的类型「%(value)s」，应为：%(hint)s")
                    % {"value": kind_text, "hint": kind_hint},
                )
            )
        level = AdminLevel.NONE.value
        if level_text:
            level = levels.get(level_text) or levels.get(level_text.replace(" ", ""), "")
            if not level:
                add(
                    RowError(
                        number,
                        "行政层级",
                        _("无法识别的行政层级「%(value)s」，应为：%(hint)s")
                        % {"value": level_text, "hint": level_hint},
                    )
                )
        flags = []
        for column, index in (("是否中央企业", i_soe), ("是否中管金融企业", i_fin)):
            raw = cells[index]
            try:
                flags.append(parse_bool(raw))
            except ValueError:
                add(RowError(number, column, _("应填写“是”或“否”，而不是「%(value)s」") % {"value": raw}))
                flags.append(False)
        for column, flag in zip(("是否中央企业", "是否中管金融企业"), flags, strict=True):
            if flag and kind and kind != OrgKind.SOE_COMMITTEE:
                add(
                    RowError(
                        number,
                        column,
                        _("只有“%(soe)s”类型的组织才能填写“是”") % {"soe": OrgKind.SOE_COMMITTEE.label},
                    )
                )
        note = unescape(cells[i_note])
        if len(note) > max_note:  # type: ignore[operator]
            add(RowError(number, "备注", _("长度不能超过 %(n)s 个字符") % {"n": max_note}))
        dates = []
        for column, index in (("生效日期", i_from), ("失效日期", i_to)):
            raw = cells[index]
            try:
                # A national file repeats a few thousand distinct dates: parse each once.
                if raw not in dates_seen:
                    dates_seen[raw] = parse_date(raw)
                dates.append(dates_seen[raw])
            except ValueError:
                add(
                    RowError(
                        number,
                        column,
                        _("日期「%(value)s」无效，应为 YYYY-MM-DD 格式") % {"value": raw.strip()},
                    )
                )
                dates.append(None)
        if dates[0] and dates[1] and dates[1] < dates[0]:
            add(RowError(number, "失效日期", _("失效日期早于生效日期")))
        if parent_code and parent_code == code:
            add(RowError(number, "上级组织代码", _("上级组织不能是本组织自身")))
            parent_code = ""
        rows.append(
            _OrgRow(
                number,
                code,
                name,
                short_name,
                kind,
                level,
                parent_code,
                flags[0],
                flags[1],
                dates[0],
                dates[1],
                note,
            )
        )
        if position % CHUNK == 0 or position == total:
            progress(
                position,
                total,
                _("正在校验：第 %(done)s / %(total)s 行") % {"done": position, "total": total},
            )
    return rows, errors


def _resolve_tree(rows: list[_OrgRow], actor: Any, errors: list[RowError]) -> list[int]:
    """Database checks and the tree: duplicate codes, parents, scope, cycles, depth.

    Returns the row indexes in topological order (parents first).
    """
    add = errors.append
    index_of: dict[str, int] = {}
    for index, row in enumerate(rows):
        if not row.code:
            continue
        first = index_of.get(row.code)
        if first is not None:
            add(
                RowError(
                    row.number, "组织代码", _("与第 %(row)s 行的组织代码重复") % {"row": rows[first].number}
                )
            )
        else:
            index_of[row.code] = index
    # Codes that already exist.
    codes = list(index_of)
    for chunk in in_chunks(codes, LOOKUP_CHUNK):
        for code in Organization.objects.filter(code__in=chunk).values_list("code", flat=True):
            row = rows[index_of[code]]
            add(RowError(row.number, "组织代码", _("组织代码「%(code)s」已存在于系统中") % {"code": code}))
    # Parents: in the file (any order) or in the database (and within the importer's scope).
    prefixes = scope_prefixes(actor)
    outside = sorted({r.parent_code for r in rows if r.parent_code and r.parent_code not in index_of})
    existing: dict[str, tuple[int, str, int]] = {}
    for chunk in in_chunks(outside, LOOKUP_CHUNK):
        for pk, code, path, depth in Organization.objects.filter(code__in=chunk).values_list(
            "pk", "code", "path", "depth"
        ):
            if prefixes is None or any(path.startswith(p) for p in prefixes):
                existing[code] = (pk, path, depth)
    children: dict[int, list[int]] = {}
    roots: list[int] = []
    for index, row in enumerate(rows):
        if not row.parent_code:
            if prefixes is not None:
                add(RowError(row.number, "上级组织代码", _("必填项为空：只能在您管理的组织之下导入")))
            roots.append(index)
        elif row.parent_code in index_of:
            row.parent_index = index_of[row.parent_code]
            children.setdefault(row.parent_index, []).append(index)
        elif row.parent_code in existing:
            row.parent_id, row.path, row.depth = existing[row.parent_code]
            row.depth += 1
            roots.append(index)
        else:
            add(
                RowError(
                    row.number,
                    "上级组织代码",
                    _("上级组织代码「%(code)s」在本文件和系统中都不存在，或不在您的管理范围内")
                    % {"code": row.parent_code},
                )
            )
    # Topological order from the roots; a row never reached sits on (or under) a cycle.
    order: list[int] = []
    stack = list(reversed(roots))
    for index in roots:
        if rows[index].parent_id is None:
            rows[index].depth = 0
    while stack:
        index = stack.pop()
        order.append(index)
        row = rows[index]
        if row.depth >= MAX_DEPTH:
            add(RowError(row.number, "上级组织代码", _("组织层级超过 %(n)s 级，无法保存") % {"n": MAX_DEPTH}))
        for child in children.get(index, ()):
            rows[child].depth = row.depth + 1
            stack.append(child)
    if len(order) < len(rows):
        reached = set(order)
        reported: set[int] = set()
        for start in range(len(rows)):
            if start in reached or start in reported or rows[start].parent_index < 0:
                continue
            # Walk up until the chain repeats: the repeated part is the cycle.
            seen: dict[int, int] = {}
            walk: list[int] = []
            index = start
            while index >= 0 and index not in seen and index not in reported and index not in reached:
                seen[index] = len(walk)
                walk.append(index)
                index = rows[index].parent_index
            if index in seen:
                cycle = walk[seen[index] :]
                chain = " → ".join([rows[i].code for i in cycle] + [rows[cycle[0]].code])
                for member in cycle:
                    add(
                        RowError(
                            rows[member].number,
                            "上级组织代码",
                            _("上级关系形成循环：%(chain)s") % {"chain": chain},
                        )
                    )
                reported.update(cycle)
            reported.update(walk)
    return order


def _reserve_ids(count: int) -> list[int]:
    """Reserve `count` primary keys in one statement, inside the caller's transaction."""
    table = Organization._meta.db_table
    pk_column = Organization._meta.pk.column  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk_column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        # SQLite: the transaction began IMMEDIATE, so we hold the write lock; AUTOINCREMENT never reuses an
        # id (a deleted organization's path segment may live on in campaign snapshots), so start past both
        # the highest id and the sequence.
        cursor.execute(f'SELECT COALESCE(MAX("{pk_column}"), 0) FROM "{table}"')  # noqa: S608 - table name from _meta
        highest = cursor.fetchone()[0]
        try:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
        except Exception:  # no AUTOINCREMENT table yet
            found = None
        start = max(highest, found[0] if found else 0) + 1
        return list(range(start, start + count))


def _write_rows(rows: list[_OrgRow], order: list[int], progress: Progress) -> None:
    fields = [f for f in Organization._meta.concrete_fields]
    columns = [f.column for f in fields]
    table = Organization._meta.db_table
    # Fields the import does not set take their model default (so a column added later still works).
    defaults = {f.attname: f.get_default() for f in fields}
    total = len(order)
    adapt_date = connection.ops.adapt_datefield_value  # bound once: `connection` is a per-thread proxy

    def values(row: _OrgRow) -> list[Any]:
        data = dict(defaults)
        data.update(
            id=row.pk,
            name=row.name,
            short_name=row.short_name,
            code=row.code,
            kind=row.kind,
            admin_level=row.admin_level,
            parent_id=row.parent_id,
            path=row.path,
            depth=row.depth,
            is_central_soe=row.is_central_soe,
            is_central_financial=row.is_central_financial,
            valid_from_on=adapt_date(row.valid_from_on),
            valid_to_on=adapt_date(row.valid_to_on),
            note=row.note,
        )
        return [data[f.attname] for f in fields]

    column_list = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f'COPY "{table}" ({column_list}) FROM STDIN') as copy:
                for done, index in enumerate(order, start=1):
                    copy.write_row(values(rows[index]))
                    if done % CHUNK == 0 or done == total:
                        progress(
                            done,
                            total,
                            _("正在写入：%(done)s / %(total)s 个组织") % {"done": done, "total": total},
                        )
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f'INSERT INTO "{table}" ({column_list}) VALUES ({placeholders})'  # noqa: S608 - names from _meta
        for start in range(0, total, CHUNK):
            batch = [values(rows[i]) for i in order[start : start + CHUNK]]
            cursor.executemany(sql, batch)
            done = min(start + CHUNK, total)
            progress(done, total, _("正在写入：%(done)s / %(total)s 个组织") % {"done": done, "total": total})


def _read(
    rows_or_path: str | Path | bytes | IO[bytes] | Table, progress: Progress
) -> tuple[list[_OrgRow], list[RowError]]:
    try:
        table = rows_or_path if isinstance(rows_or_path, Table) else read_table(rows_or_path)
    except UnreadableFile as unreadable:
        return [], [
            RowError(
                1,
                _("文件"),
                unreadable.refusal
                or _("无法读取文件：请上传 .xlsx 或 .csv（UTF-8 或 GBK 编码）格式的模板文件"),
            )
        ]
    if not table.header:
        return [], [RowError(1, _("文件"), _("文件为空：第一行应为模板中的列名"))]
    rows, errors = _parse_org_rows(table, progress)
    if not rows and not errors:
        errors.append(RowError(2, _("文件"), _("文件中没有数据行")))
    return rows, errors


def validate_organizations(
    *,
    rows_or_path: str | Path | bytes | IO[bytes] | Table,
    actor: Any = None,
    progress: Progress | None = None,
) -> list[RowError]:
    """Check a file without writing anything: every fault found (empty when the file would import)."""
    progress = progress or no_progress
    rows, errors = _read(rows_or_path, progress)
    if rows:
        _resolve_tree(rows, actor, errors)
    return sorted(errors, key=error_order)


def import_organizations(
    *,
    rows_or_path: str | Path | bytes | IO[bytes] | Table,
    actor: Any = None,
    progress: Progress | None = None,
    filename: str = "",
) -> ImportResult:
    """Import organizations from an .xlsx / .csv in the template's columns — all rows or none (ORG-4).

    `rows_or_path` is a path, the file's bytes, an open binary file, or an already-read `Table`.
    `actor` is the signed-in user (web upload: rows must fall inside their granted subtrees) or None
    for the command line. `progress(done, total, message)` is called during validation and writing.
    Raises `ImportRejected` listing every faulty row (row, column, reason); nothing is written then.

    The file is parsed and checked row by row before the transaction opens (on SQLite the transaction
    holds the write lock); the database checks, id reservation and the writes share one transaction.
    """
    progress = progress or no_progress
    rows, errors = _read(rows_or_path, progress)
    with transaction.atomic():
        order = _resolve_tree(rows, actor, errors) if rows else []
        if errors:
            raise ImportRejected(errors)
        progress(0, len(rows), _("正在分配编号并计算组织路径"))
        ids = _reserve_ids(len(rows))
        for pk, index in zip(ids, order, strict=True):
            row = rows[index]
            row.pk = pk
            if row.parent_index >= 0:
                parent = rows[row.parent_index]  # earlier in `order`, so its path is already known
                row.parent_id, row.path = parent.pk, parent.path
            row.path += path_segment(pk)
        try:
            with transaction.atomic():
                _write_rows(rows, order, progress)
        except IntegrityError as exc:  # a concurrent import took a code between our check and the write
            raise ImportRejected(
                [RowError(1, _("组织代码"), _("写入时发现组织代码冲突，请重新导入"))]
            ) from exc
        record_audit(actor, len(rows), filename)
    return ImportResult(created=len(rows), codes=[rows[i].code for i in order])
