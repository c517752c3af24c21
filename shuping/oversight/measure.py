"""The measuring code of the oversight benches (run inside `oversight_bench_worker`, Django set up, the
default database being a scratch PostgreSQL database). See shuping/oversight/bench.py and bench/README.md."""

from __future__ import annotations

import functools
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import connection

from . import national, selectors

Log = Callable[[str], None]

#: PERF-3 runs on this many organizations by default: the whole national tree (5.2 M) does not fit the
#: 20-minute budget together with generating its file and a fresh database (see docs/performance.md).
IMPORT_ROWS = 1_000_000


def _median_ms(func: Callable[[], Any], rounds: int) -> tuple[float, Any, list[float]]:
    times, result = [], None
    for _ in range(rounds):
        t = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result, times


# --- PERF-2 -------------------------------------------------------------------------------------------


def _late_sql(today: date) -> tuple[str, list[Any]]:
    before = {
        "feedback": ["report", "field", "meeting", "evaluation", "decision"],
        "evaluation": ["report", "field", "meeting"],
        "meeting": ["report", "field"],
        "field": ["report"],
    }
    sql = (
        "((c.ends_on < %s AND a.stage = ANY(%s))"
        " OR (c.ends_on >= %s AND c.meetings_end_on < %s AND a.stage = ANY(%s))"
        " OR (c.meetings_end_on >= %s AND c.field_ends_on < %s AND a.stage = ANY(%s))"
        " OR (c.field_ends_on >= %s AND c.field_starts_on <= %s AND a.stage = ANY(%s)))"
    )
    params = [today, before["feedback"], today, today, before["evaluation"], today, today, before["meeting"]]
    params += [today, today, before["field"]]
    return sql, params


def reference_dashboard(org_id: int, path: str, year: int, today: date) -> dict[str, Any]:
    """The hand-written reference: the same figures, as plain SQL aggregates over the same rows."""
    width = len(path) + national.SEGMENT_WIDTH
    like = path + "%"
    late, late_params = _late_sql(today)
    out: dict[str, Any] = {}
    with connection.cursor() as cur:
        cur.execute(
            """SELECT c.year, count(DISTINCT c.id), count(a.id) FILTER (WHERE NOT a.is_excluded),
                      count(a.id) FILTER (WHERE NOT a.is_excluded AND a.stage IN ('feedback', 'rectification'))
               FROM campaigns_campaign c LEFT JOIN campaigns_assessment a ON a.campaign_id = c.id
               WHERE (SELECT o.path FROM orgs_organization o WHERE o.id = c.organizer_id) LIKE %s
               GROUP BY c.year ORDER BY c.year""",
            [like],
        )
        out["trend"] = cur.fetchall()
        cur.execute(
            "SELECT path, name, short_name FROM orgs_organization WHERE parent_id = %s ORDER BY path",
            [org_id],
        )
        out["children"] = cur.fetchall()
        cur.execute(
            """SELECT substr(c.organizer_path, 1, %s), count(*),
                      count(*) FILTER (WHERE c.status = 'draft'), count(*) FILTER (WHERE c.status = 'open'),
                      count(*) FILTER (WHERE c.status = 'closed'),
                      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM campaigns_meetingplan m WHERE m.campaign_id = c.id))
               FROM (SELECT c.*, (SELECT o.path FROM orgs_organization o WHERE o.id = c.organizer_id)
                     AS organizer_path FROM campaigns_campaign c WHERE c.year = %s) c
               WHERE c.organizer_path LIKE %s GROUP BY 1 ORDER BY 1""",
            [width, year, like],
        )
        out["campaigns"] = cur.fetchall()
        cur.execute(
            f"""SELECT substr(o.path, 1, %s), a.stage, count(*), count(*) FILTER (WHERE {late})
                FROM campaigns_assessment a JOIN campaigns_campaign c ON c.id = a.campaign_id
                JOIN orgs_organization o ON o.id = c.organizer_id
                WHERE o.path LIKE %s AND c.year = %s AND NOT a.is_excluded GROUP BY 1, 2 ORDER BY 1, 2""",  # noqa: S608 - fixed SQL fragments, values as parameters
            [width, *late_params, like, year],
        )
        out["stages"] = cur.fetchall()
        cur.execute(
            f"""SELECT a.campaign_id, c.title, o.name, o.id, count(*), count(*) FILTER (WHERE {late}) AS late
                FROM campaigns_assessment a JOIN campaigns_campaign c ON c.id = a.campaign_id
                JOIN orgs_organization o ON o.id = c.organizer_id
                WHERE o.path LIKE %s AND c.year = %s AND NOT a.is_excluded
                GROUP BY a.campaign_id, c.title, o.name, o.id
                HAVING count(*) FILTER (WHERE {late}) > 0 ORDER BY late DESC, a.campaign_id LIMIT 20""",  # noqa: S608 - fixed SQL fragments
            [*late_params, like, year, *late_params],
        )
        out["late"] = cur.fetchall()
    return out


def measure_dashboards(*, log: Log, size: int | None = None, rounds: int | None = None) -> dict[str, Any]:
    from shuping.orgs.models import Organization

    rounds = rounds or 9
    year, today = national.YEARS[0], date(national.YEARS[1], 11, 27)
    province = Organization.objects.filter(depth=0).order_by("pk").first()
    if province is None:
        raise RuntimeError("no province: load the national-scale data first")
    # Warm both (caches, plans), then alternate rounds so load on the machine weighs on both alike.
    board = selectors.dashboard_for(province, year=year, today=today)
    ref = reference_dashboard(province.pk, province.path, year, today)
    app_times, ref_times = [], []
    for _ in range(rounds):
        t = time.perf_counter()
        board = selectors.dashboard_for(province, year=year, today=today)
        app_times.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        ref = reference_dashboard(province.pk, province.path, year, today)
        ref_times.append((time.perf_counter() - t) * 1000)
    app_ms, ref_ms = statistics.median(app_times), statistics.median(ref_times)
    ref_assessments = sum(r[2] for r in ref["stages"])
    ref_late = sum(r[3] for r in ref["stages"])
    if (board.totals.assessments, board.late_total) != (ref_assessments, ref_late):
        raise RuntimeError(
            f"app and reference disagree: {board.totals.assessments, board.late_total} vs {ref_assessments, ref_late}"
        )
    subtree = Organization.objects.filter(path__startswith=province.path).count()
    log(f"省级看板（{province.name}，{year} 年度）：应用 {app_ms:.1f} ms，参考 SQL {ref_ms:.1f} ms")
    ratio = round(app_ms / ref_ms, 3)
    return {
        "bench": "dashboards",
        "ratio": ratio,
        "target": "ratio <= 3 (app selectors time / hand-written reference SQL time)",
        "met": ratio <= 3,
        "app_ms": round(app_ms, 2),
        "reference_ms": round(ref_ms, 2),
        "rounds": rounds,
        "province": province.name,
        "province_subtree_organizations": subtree,
        "organizations": Organization.objects.count(),
        "assessments_total": _count("campaigns_assessment"),
        "province_assessments": board.totals.assessments,
        "province_late": board.late_total,
        "year": year,
        "queries_per_dashboard": 6,
    }


def _count(table: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
        return cur.fetchone()[0]


# --- PERF-3 -------------------------------------------------------------------------------------------


def measure_import(*, log: Log, size: int | None = None, rounds: int | None = None) -> dict[str, Any]:
    from shuping.orgs.imports import import_organizations
    from shuping.orgs.models import Organization

    total = size or IMPORT_ROWS
    paths = national.build_files(total, log=log, csv=True)
    table = Organization._meta.db_table

    def empty() -> None:
        with connection.cursor() as cur:
            cur.execute(f'TRUNCATE "{table}" RESTART IDENTITY CASCADE')
        with connection.cursor() as cur:
            cur.execute(f'VACUUM ANALYZE "{table}"')

    empty()
    done = {"last": 0}

    def progress(n: int, of: int, message: str) -> None:
        if n - done["last"] >= 250_000 or n == of:
            done["last"] = n if n != of else 0
            log(message)

    t = time.perf_counter()
    result = import_organizations(
        rows_or_path=paths["csv"], actor=None, progress=progress, filename="national.csv"
    )
    import_s = time.perf_counter() - t
    assert result.created == total, result.created
    log(f"导入服务：{total:,} 行，{import_s:.1f} 秒")
    copy_times = []
    for _ in range(max(1, min(rounds or 2, 3))):
        empty()
        t = time.perf_counter()
        with (
            connection.cursor() as cur,
            cur.cursor.copy(f'COPY "{table}" ({national.ORG_COLUMNS}) FROM STDIN') as copy,
            paths["orgs"].open("rb") as f,
        ):
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        copy_times.append(time.perf_counter() - t)
        log(f"COPY：{total:,} 行，{copy_times[-1]:.1f} 秒")
    copy_s = statistics.median(copy_times)
    ratio = round((total / import_s) / (total / copy_s), 3)
    return {
        "bench": "import",
        "ratio": ratio,
        "target": "ratio >= 0.2 (validated import rows/s / PostgreSQL COPY rows/s)",
        "met": ratio >= 0.2,
        "rows": total,
        "national_rows": national.TOTAL,
        "import_s": round(import_s, 2),
        "copy_s": round(copy_s, 2),
        "import_rows_per_s": round(total / import_s),
        "copy_rows_per_s": round(total / copy_s),
        "copy_rounds": len(copy_times),
    }


# --- PERF-5 -------------------------------------------------------------------------------------------

BENCH_COUNTY = "BENCH-COUNTY"
PAGE_ASSESSEES = 400


def _page_fixture(log: Log) -> dict[str, Any]:
    """A county with 400 townships and its campaign (through the real services), and two users."""
    from shuping.accounts.choices import Role
    from shuping.accounts.models import RoleGrant, User
    from shuping.campaigns import services as campaign_services
    from shuping.campaigns.models import Campaign
    from shuping.orgs.choices import AdminLevel, OrgKind
    from shuping.orgs.imports import import_organizations
    from shuping.orgs.models import Organization

    province = Organization.objects.filter(depth=0).order_by("pk").first()
    prefecture = Organization.objects.filter(parent=province).order_by("pk").first()
    if prefecture is None:
        raise RuntimeError("no prefecture: load the national-scale data first")
    county = Organization.objects.filter(code=BENCH_COUNTY).first()
    if county is None:
        header = "组织代码,组织名称,类型,行政层级,上级组织代码\n"
        rows = [
            f"{BENCH_COUNTY},中共基准县委员会,{OrgKind.LOCAL_COMMITTEE.label},{AdminLevel.COUNTY.label},{prefecture.code}"
        ]
        rows += [
            f"BENCH-T{i:03d},中共基准县第{i + 1}镇委员会,{OrgKind.TOWNSHIP_COMMITTEE.label},{AdminLevel.TOWNSHIP.label},{BENCH_COUNTY}"
            for i in range(PAGE_ASSESSEES)
        ]
        import_organizations(rows_or_path=(header + "\n".join(rows) + "\n").encode(), actor=None)
        county = Organization.objects.get(code=BENCH_COUNTY)
        log(f"已创建基准县及其 {PAGE_ASSESSEES} 个乡镇")
    campaign = Campaign.objects.filter(organizer=county, year=national.YEARS[1]).first()
    if campaign is None:
        campaign = campaign_services.create_campaign(actor=None, organizer=county, year=national.YEARS[1])
        campaign_services.apply_scope_proposal(actor=None, campaign=campaign)
        campaign = campaign_services.confirm_scope(actor=None, campaign=campaign)
    users = {}
    for username, org in (("bench-county-staff", county), ("bench-province-staff", province)):
        user = User.objects.filter(username=username).first() or User.objects.create(
            username=username, full_name=username
        )
        RoleGrant.objects.get_or_create(
            user=user, role=Role.ORGANIZER_STAFF, organization=org, defaults={"include_subtree": True}
        )
        users[username] = user
    return {"county": county, "province": province, "campaign": campaign, "users": users}


def measure_pages(*, log: Log, size: int | None = None, rounds: int | None = None) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    rounds = rounds or 9
    if "testserver" not in settings.ALLOWED_HOSTS:  # the Django test client's host name
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    f = _page_fixture(log)
    campaign = f["campaign"]
    assessees = campaign.assessments.filter(is_excluded=False).count()
    county_client, province_client = Client(), Client()
    county_client.force_login(f["users"]["bench-county-staff"])
    province_client.force_login(f["users"]["bench-province-staff"])
    pages = {
        "county_campaign_page": (county_client, reverse("campaigns:detail", args=[campaign.pk])),
        "county_campaign_oversight_page": (
            province_client,
            reverse("oversight:campaign", args=[campaign.pk]),
        ),
        "county_dashboard_page": (province_client, reverse("oversight:dashboard", args=[f["county"].pk])),
        "province_dashboard_page": (
            province_client,
            reverse("oversight:dashboard", args=[f["province"].pk]) + f"?year={national.YEARS[0]}",
        ),
    }
    measured: dict[str, Any] = {}
    for name, (client, url) in pages.items():
        client.get(url)  # warm
        statements: list[str] = []

        def count(execute, sql, params, many, context, statements=statements):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
        ms, _r, _times = _median_ms(functools.partial(client.get, url), rounds)
        measured[name] = {"ms": round(ms, 1), "queries": len(statements)}
        log(f"{name}：{ms:.1f} ms（{len(statements)} 条查询）")
    # PERF-5's time target is for county pages (400 assessees); the province dashboard at national scale
    # is printed beside them (its data is PERF-2's), not counted in `met`.
    county = {k: v for k, v in measured.items() if k.startswith("county_")}
    worst = max(v["ms"] for v in county.values())
    return {
        "bench": "pages",
        "ratio": round(300 / worst, 3),
        "target": "county pages < 300 ms server time (ratio = 300 / slowest county page's median ms >= 1)",
        "met": all(v["ms"] < 300 for v in county.values()),
        "assessees": assessees,
        "rounds": rounds,
        "pages": measured,
    }
