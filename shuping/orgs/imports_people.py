"""Import of people and secretaryships from .xlsx / .csv templates (ORG-3, ORG-4).

Shares the reading, fault reporting and all-or-nothing rule of `imports.py` (organizations).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from shuping.core.errors import DomainError

from .imports.base import (
    LOOKUP_CHUNK,
    ImportRejected,
    ImportResult,
    Progress,
    RowError,
    cell_of,
    check_header,
    in_chunks,
    label_lookup,
    no_progress,
    record_audit_named,
    scope_prefixes,
)
from .models import Organization
from .tabular import Table, UnreadableFile, parse_date, read_table, unneutralise

# --- people and secretaryships (ORG-3, ORG-4) ----------------------------------------------------------
#
# These files are small (a county has a few hundred secretaries), so each row is written through the
# orgs services — the same checks as the pages (one secretary per post at a time …) — inside one
# transaction; every row's fault is collected, and any fault rolls the whole file back.
#
# A person is identified by 姓名 + 出生年月: the model has no personnel number yet, and the pair is how
# organization departments tell cadres apart on paper rosters.

PEOPLE_COLUMNS: tuple[str, ...] = ("姓名", "性别", "民族", "出生年月", "现任职务", "手机号")
PEOPLE_REQUIRED: frozenset[str] = frozenset({"姓名"})
SECRETARYSHIP_COLUMNS: tuple[str, ...] = ("姓名", "出生年月", "组织代码", "职务", "任职起始", "任职终止")
SECRETARYSHIP_REQUIRED: frozenset[str] = frozenset({"姓名", "组织代码", "任职起始"})


def _read_table(
    rows_or_path: str | Path | bytes | IO[bytes] | Table, columns: Sequence[str], required: frozenset[str]
) -> tuple[Table | None, dict[str, int], list[RowError]]:
    try:
        table = rows_or_path if isinstance(rows_or_path, Table) else read_table(rows_or_path)
    except UnreadableFile as unreadable:
        return (
            None,
            {},
            [
                RowError(
                    1,
                    _("文件"),
                    unreadable.refusal
                    or _("无法读取文件：请上传 .xlsx 或 .csv（UTF-8 或 GBK 编码）格式的模板文件"),
                )
            ],
        )
    if not table.header:
        return None, {}, [RowError(1, _("文件"), _("文件为空：第一行应为模板中的列名"))]
    positions, errors = check_header(table, columns, required)
    if not errors and not table.rows:
        errors.append(RowError(2, _("文件"), _("文件中没有数据行")))
    return table, positions, errors


def _month(number: int, column: str, raw: str, errors: list[RowError]) -> Any:
    from .tabular import parse_month

    try:
        return parse_month(raw)
    except ValueError:
        errors.append(
            RowError(number, column, _("「%(value)s」无效，应为 YYYY-MM 格式") % {"value": raw.strip()})
        )
        return None


def _date(number: int, column: str, raw: str, errors: list[RowError]) -> Any:
    try:
        return parse_date(raw)
    except ValueError:
        errors.append(
            RowError(
                number, column, _("日期「%(value)s」无效，应为 YYYY-MM-DD 格式") % {"value": raw.strip()}
            )
        )
        return None


def _service_error(number: int, column_of: dict[str, str], exc: DomainError) -> RowError:
    return RowError(number, column_of.get(exc.field or "", _("整行")), exc.message.rstrip("。"))


def import_people(
    *,
    rows_or_path: str | Path | bytes | IO[bytes] | Table,
    actor: Any = None,
    progress: Progress | None = None,
    filename: str = "",
) -> ImportResult:
    """Import cadres (姓名, 性别, 民族, 出生年月, 现任职务, 手机号) — all rows or none (ORG-3, ORG-4).

    A person already recorded with the same 姓名 and 出生年月, or twice in the file, is a fault.
    Raises `ImportRejected` with every faulty row; nothing is written then.
    """
    from .choices import Gender
    from .models import Person
    from .services import create_person

    progress = progress or no_progress
    table, positions, errors = _read_table(rows_or_path, PEOPLE_COLUMNS, PEOPLE_REQUIRED)
    if table is None or errors:
        raise ImportRejected(errors)
    genders = label_lookup(Gender.choices)
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[str, Any], int] = {}
    total = len(table.rows)
    for position, (number, cells) in enumerate(table.rows, start=1):
        cell = {c: unneutralise(cell_of(cells, positions, c)) for c in PEOPLE_COLUMNS}
        name = cell["姓名"].strip()
        if not name:
            errors.append(RowError(number, "姓名", _("必填项为空")))
        gender = ""
        if cell["性别"].strip():
            gender = genders.get(cell["性别"].strip(), "")
            if not gender:
                errors.append(RowError(number, "性别", _("应填写“男”或“女”")))
        birth_month = _month(number, "出生年月", cell["出生年月"], errors)
        phone = cell["手机号"].strip().replace(" ", "").replace("-", "")
        if phone and not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
            errors.append(RowError(number, "手机号", _("应为 11 位手机号码")))
        key = (name, birth_month)
        if name and key in seen:
            errors.append(
                RowError(
                    number, "姓名", _("与第 %(row)s 行是同一人（姓名和出生年月相同）") % {"row": seen[key]}
                )
            )
        elif name:
            seen[key] = number
        parsed.append(
            (
                number,
                {
                    "name": name,
                    "gender": gender,
                    "ethnicity": cell["民族"].strip() or "汉族",
                    "birth_month": birth_month,
                    "position": cell["现任职务"],
                    "phone": phone,
                },
            )
        )
        if position % 500 == 0 or position == total:
            progress(
                position,
                total,
                _("正在校验：第 %(done)s / %(total)s 行") % {"done": position, "total": total},
            )
    names = sorted({values["name"] for _n, values in parsed if values["name"]})
    existing: set[tuple[str, Any]] = set()
    for chunk in in_chunks(names, LOOKUP_CHUNK):
        existing.update(Person.objects.filter(name__in=chunk).values_list("name", "birth_month"))
    for number, values in parsed:
        if (values["name"], values["birth_month"]) in existing:
            errors.append(RowError(number, "姓名", _("系统中已有同名且出生年月相同的干部")))
    faulty = {e.row for e in errors}
    column_of = {
        "name": "姓名",
        "gender": "性别",
        "birth_month": "出生年月",
        "phone": "手机号",
        "position": "现任职务",
    }
    with transaction.atomic():
        for done, (number, values) in enumerate(parsed, start=1):
            if number in faulty:
                continue
            try:
                create_person(actor=actor, source="job" if actor else "cli", **values)
            except DomainError as exc:
                errors.append(_service_error(number, column_of, exc))
            if done % 500 == 0 or done == total:
                progress(
                    done, total, _("正在写入：%(done)s / %(total)s 名干部") % {"done": done, "total": total}
                )
        if errors:
            raise ImportRejected(errors)
        record_audit_named(actor, "orgs.import_people", len(parsed), filename)
    return ImportResult(created=len(parsed), label=str(_("干部")))


def import_secretaryships(
    *,
    rows_or_path: str | Path | bytes | IO[bytes] | Table,
    actor: Any = None,
    progress: Progress | None = None,
    filename: str = "",
) -> ImportResult:
    """Import secretaryships (姓名, 出生年月, 组织代码, 职务, 任职起始, 任职终止) — all rows or none (ORG-4).

    The person must already be recorded (import people first); 出生年月 may be left blank when the name
    is unique. The organization must exist and, for a web upload, lie inside the uploader's subtrees.
    Overlaps with another holder of the same post are faults, as on the pages.
    """
    from .choices import SecretaryTitle
    from .models import Person
    from .services import create_secretaryship

    progress = progress or no_progress
    table, positions, errors = _read_table(rows_or_path, SECRETARYSHIP_COLUMNS, SECRETARYSHIP_REQUIRED)
    if table is None or errors:
        raise ImportRejected(errors)
    titles = label_lookup(SecretaryTitle.choices)
    title_hint = "、".join(str(label) for _value, label in SecretaryTitle.choices)
    parsed: list[tuple[int, dict[str, Any]]] = []
    total = len(table.rows)
    for number, cells in table.rows:
        cell = {c: unneutralise(cell_of(cells, positions, c)) for c in SECRETARYSHIP_COLUMNS}
        name, code = cell["姓名"].strip(), cell["组织代码"].strip()
        if not name:
            errors.append(RowError(number, "姓名", _("必填项为空")))
        if not code:
            errors.append(RowError(number, "组织代码", _("必填项为空")))
        title = SecretaryTitle.SECRETARY.value
        if cell["职务"].strip():
            title = titles.get(cell["职务"].strip(), "")
            if not title:
                errors.append(
                    RowError(
                        number,
                        "职务",
                        _("无法识别的职务「%(value)s」，应为：%(hint)s")
                        % {"value": cell["职务"].strip(), "hint": title_hint},
                    )
                )
        started_on = _date(number, "任职起始", cell["任职起始"], errors)
        if not cell["任职起始"].strip():
            errors.append(RowError(number, "任职起始", _("必填项为空")))
        ended_on = _date(number, "任职终止", cell["任职终止"], errors)
        if started_on and ended_on and ended_on < started_on:
            errors.append(RowError(number, "任职终止", _("任职终止日期早于任职起始日期")))
        birth_month = _month(number, "出生年月", cell["出生年月"], errors)
        parsed.append(
            (
                number,
                {
                    "name": name,
                    "birth_month": birth_month,
                    "code": code,
                    "title": title,
                    "started_on": started_on,
                    "ended_on": ended_on,
                },
            )
        )
    progress(total, total, _("正在核对干部和组织"))
    names = sorted({v["name"] for _n, v in parsed if v["name"]})
    people: dict[str, list[Any]] = {}
    for chunk in in_chunks(names, LOOKUP_CHUNK):
        for person in Person.objects.filter(name__in=chunk).only("pk", "name", "birth_month"):
            people.setdefault(person.name, []).append(person)
    codes = sorted({v["code"] for _n, v in parsed if v["code"]})
    prefixes = scope_prefixes(actor)
    orgs: dict[str, Organization] = {}
    for chunk in in_chunks(codes, LOOKUP_CHUNK):
        for org in Organization.objects.filter(code__in=chunk):
            if prefixes is None or any(org.path.startswith(p) for p in prefixes):
                orgs[org.code] = org
    for number, values in parsed:
        if values["code"] and values["code"] not in orgs:
            errors.append(
                RowError(
                    number,
                    "组织代码",
                    _("组织代码「%(code)s」不存在，或不在您的管理范围内") % {"code": values["code"]},
                )
            )
        if not values["name"]:
            continue
        candidates = people.get(values["name"], [])
        if values["birth_month"] is not None:
            candidates = [p for p in candidates if p.birth_month == values["birth_month"]]
        if not candidates:
            errors.append(RowError(number, "姓名", _("系统中没有这名干部，请先导入干部信息")))
        elif len(candidates) > 1:
            errors.append(RowError(number, "出生年月", _("有多名同名干部，请填写出生年月以区分")))
        else:
            values["person"] = candidates[0]
    # The rows without faults so far still go through the service inside the transaction, so clashes
    # between rows (two secretaries in one post) are reported in the same pass; any fault rolls back.
    faulty = {e.row for e in errors}
    column_of = {
        "title": "职务",
        "started_on": "任职起始",
        "ended_on": "任职终止",
        "person": "姓名",
        "organization": "组织代码",
    }
    with transaction.atomic():
        for done, (number, values) in enumerate(parsed, start=1):
            if number in faulty:
                continue
            try:
                create_secretaryship(
                    actor=actor,
                    person=values["person"],
                    organization=orgs[values["code"]],
                    title=values["title"],
                    started_on=values["started_on"],
                    ended_on=values["ended_on"],
                    source="job" if actor else "cli",
                )
            except DomainError as exc:
                errors.append(_service_error(number, column_of, exc))
            if done % 500 == 0 or done == total:
                progress(
                    done, total, _("正在写入：%(done)s / %(total)s 条任职") % {"done": done, "total": total}
                )
        if errors:
            raise ImportRejected(errors)
        record_audit_named(actor, "orgs.import_secretaryships", len(parsed), filename)
    return ImportResult(created=len(parsed), label=str(_("书记任职")))
