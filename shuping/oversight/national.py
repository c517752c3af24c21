"""A national tree for the benches (PERF-2, PERF-3, PERF-5): ≈5.2 M organizations and ≥ 300 k assessments.

31 provinces → 330 prefectures → 2,850 counties → 38,000 townships → villages / grassroots (the rest),
children spread evenly over their parents. Campaigns for two assessed years: every province, prefecture
and county, and one township in 32 (the extension one level down), each assessing its direct
subordinates — about 200 k assessments a year.

Files are generated once in plain Python (ids, base-36 path segments and rows built with list
comprehensions and joined strings; no per-row objects) and cached under `SHUPING_BENCH_CACHE`
(default ~/.cache/shuping-bench/):

- `orgs-<N>.copy`, `campaigns-<N>.copy`, `assessments-<N>.copy`: PostgreSQL COPY text for the real tables;
- `orgs-<N>.csv`: the same organizations in the ORG-4 import template (Chinese headers and labels), for
  the import bench.

`ensure_loaded(url)` creates the scratch database `shuping_bench` on the server `url` names, applies the
migrations, and loads the files with COPY: the secondary indexes are dropped first and rebuilt after,
foreign-key triggers are off during the load (the rows are consistent by construction), then ANALYZE.
A marker table remembers which dataset is loaded, so a second run starts at once.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

Log = Callable[[str], None]

TOTAL = 5_200_000
UPPER_LEVELS = (31, 330, 2_850, 38_000)
YEARS = (2025, 2026)
TOWNSHIP_CAMPAIGN_EVERY = 32
SCRATCH_DB = "shuping_bench"
DEFAULT_SERVER = "postgres://root@127.0.0.1:5432/postgres"
DATASET_VERSION = "national-v1"
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SEGMENT_WIDTH = 7

KINDS = ("local_committee", "local_committee", "local_committee", "township_committee", "village_committee")
LEVELS = ("province", "prefecture", "county", "township", "village")
NAME_FORMS = (
    "中共第{n}省委员会",
    "中共第{n}市委员会",
    "中共第{n}县委员会",
    "中共第{n}镇委员会",
    "中共第{n}村委员会",
)
SHORT_FORMS = ("第{n}省委", "第{n}市委", "第{n}县委", "第{n}镇党委", "第{n}村党组织")
STAGES = ("report", "field", "meeting", "evaluation", "decision", "feedback", "rectification")


def cache_dir() -> Path:
    path = Path(os.environ.get("SHUPING_BENCH_CACHE", Path.home() / ".cache" / "shuping-bench"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_SERVER


def database_url(name: str, server: str | None = None) -> str:
    parts = urlsplit(server or server_url())
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def level_sizes(total: int = TOTAL) -> list[int]:
    """Organizations per level; a smaller `total` scales every level down (smoke tests)."""
    if total >= TOTAL:
        upper = list(UPPER_LEVELS)
    else:
        scale = total / TOTAL
        upper = [max(1, round(n * scale)) for n in UPPER_LEVELS]
        upper[0] = min(31, max(2, upper[0]))
    return [*upper, total - sum(upper)]


def segments(start: int, count: int) -> list[str]:
    """Fixed-width base-36 segments of ids start … start+count-1 (orgs.models.path_segment, batched)."""
    d = DIGITS
    out: list[str] = []
    append = out.append
    for pk in range(start, start + count):
        chars = []
        while pk:
            pk, rest = divmod(pk, 36)
            chars.append(d[rest])
        append("".join(reversed(chars)).rjust(SEGMENT_WIDTH, "0"))
    return out


class Tree:
    """The national tree as parallel lists per level: ids are 1… in level order, parents spread evenly."""

    def __init__(self, total: int = TOTAL) -> None:
        self.sizes = level_sizes(total)
        self.starts: list[int] = []
        start = 1
        for n in self.sizes:
            self.starts.append(start)
            start += n
        self.total = start - 1
        self.paths: list[list[str]] = []
        self.parents: list[list[int]] = []  # parent id per org of the level (0 for roots)
        for level, n in enumerate(self.sizes):
            segs = segments(self.starts[level], n)
            if level == 0:
                self.parents.append([0] * n)
                self.paths.append(segs)
                continue
            pn, pstart, ppaths = self.sizes[level - 1], self.starts[level - 1], self.paths[level - 1]
            index = [j * pn // n for j in range(n)]
            self.parents.append([pstart + i for i in index])
            self.paths.append([ppaths[i] + s for i, s in zip(index, segs, strict=True)])

    def children_range(self, level: int) -> list[tuple[int, int]]:
        """(first, last+1) positions in level+1 of the children of each org of `level`."""
        n = self.sizes[level]
        ranges = [(0, 0)] * n
        parents = self.parents[level + 1]
        pstart = self.starts[level]
        lo = 0
        for j in range(1, len(parents) + 1):
            if j == len(parents) or parents[j] != parents[lo]:
                ranges[parents[lo] - pstart] = (lo, j)
                lo = j
        return ranges


def _copy_orgs(tree: Tree, path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for level, n in enumerate(tree.sizes):
            start, name, short = tree.starts[level], NAME_FORMS[level], SHORT_FORMS[level]
            kind, admin = KINDS[level], LEVELS[level]
            parents, paths = tree.parents[level], tree.paths[level]
            null = "\\N"
            # id name short code kind level parent path depth soe fin from to note
            out.write(
                "".join(
                    f"{start + i}\t{name.format(n=i + 1)}\t{short.format(n=i + 1)}\tN{start + i:08d}\t{kind}\t{admin}\t"
                    f"{parents[i] or null}\t{paths[i]}\t{level}\tf\tf\t\\N\t\\N\t\n"
                    for i in range(n)
                )
            )


def _csv_orgs(tree: Tree, path: Path, kind_labels: dict[str, str], level_labels: dict[str, str]) -> None:
    header = "组织代码,组织名称,简称,类型,行政层级,上级组织代码,是否中央企业,是否中管金融企业,生效日期,失效日期,备注\n"
    with path.open("w", encoding="utf-8") as out:
        out.write(header)
        for level, n in enumerate(tree.sizes):
            start, name, short = tree.starts[level], NAME_FORMS[level], SHORT_FORMS[level]
            kind, admin = kind_labels[KINDS[level]], level_labels[LEVELS[level]]
            parents = tree.parents[level]
            out.write(
                "".join(
                    f"N{start + i:08d},{name.format(n=i + 1)},{short.format(n=i + 1)},{kind},{admin},"
                    f"{f'N{parents[i]:08d}' if parents[i] else ''},否,否,,,\n"
                    for i in range(n)
                )
            )


def _schedule(year: int) -> tuple[str, ...]:
    d = dt.date
    return tuple(
        x.isoformat()
        for x in (
            d(year, 11, 15),
            d(year, 12, 1),
            d(year, 12, 20),
            d(year + 1, 1, 5),
            d(year + 1, 1, 20),
            d(year + 1, 2, 28),
        )
    )


def _stage(pk: int, year: int) -> str:
    """A spread of stages: the earlier year mostly past 研究 (some late), the current one in progress."""
    r = (pk * 2654435761) % 100
    if year == YEARS[0]:
        return STAGES[6] if r < 55 else STAGES[5] if r < 85 else STAGES[4] if r < 93 else STAGES[3]
    return STAGES[0] if r < 70 else STAGES[1] if r < 92 else STAGES[2]


def _copy_campaigns(tree: Tree, campaigns_path: Path, assessments_path: Path) -> tuple[int, int]:
    """Campaigns per organizer and year, each assessing its organizer's direct children."""
    now = "2026-11-01 08:00:00+08"
    campaign_id = assessment_id = 0
    settings = (
        '{"grade_scale": ["好", "较好", "一般", "差"], "lower_grades_min_percent": null, "weights": {}}'
    )
    with (
        campaigns_path.open("w", encoding="utf-8") as cout,
        assessments_path.open("w", encoding="utf-8") as aout,
    ):
        for year in YEARS:
            s = _schedule(year)
            for level in range(4):
                ranges = tree.children_range(level)
                child_start = tree.starts[level + 1]
                child_paths = tree.paths[level + 1]
                child_name, kind, admin = NAME_FORMS[level + 1], KINDS[level + 1], LEVELS[level + 1]
                step = TOWNSHIP_CAMPAIGN_EVERY if level == 3 else 1
                crow, arow = [], []
                for position in range(0, tree.sizes[level], step):
                    organizer = tree.starts[level] + position
                    campaign_id += 1
                    status = "closed" if year == YEARS[0] and position % 5 else "open"
                    crow.append(
                        f"{campaign_id}\t{organizer}\t{year}\t{SHORT_FORMS[level].format(n=position + 1)}{year}年度述职评议考核\t"
                        f"{status}\t{s[0]}\t{s[1]}\t{s[2]}\t{s[3]}\t{s[4]}\t{s[5]}\t{settings}\t{now}\t\\N\t\\N\t\\N\t\\N\t{now}\n"
                    )
                    lo, hi = ranges[position]
                    for j in range(lo, hi):
                        assessment_id += 1
                        arow.append(
                            f"{assessment_id}\t{campaign_id}\t{child_start + j}\t{child_name.format(n=j + 1)}\t"
                            f"{child_paths[j]}\t{kind}\t{admin}\t\\N\t书记{j + 1}\t\\N\tt\ton_site\tdirect\t"
                            f"直接下级\t第三条\tf\tf\t\t[]\t\tt\t{_stage(assessment_id, year)}\t\\N\t{now}\n"
                        )
                cout.write("".join(crow))
                aout.write("".join(arow))
    return campaign_id, assessment_id


CAMPAIGN_COLUMNS = (
    "id, organizer_id, year, title, status, starts_on, field_starts_on, field_ends_on, meetings_start_on, "
    "meetings_end_on, ends_on, settings, scope_confirmed_at, scope_confirmed_by_id, copied_from_id, "
    "source_notice_id, created_by_id, created_at"
)
ASSESSMENT_COLUMNS = (
    "id, campaign_id, organization_id, organization_name, organization_path, organization_kind, "
    "organization_level, person_id, person_name, secretaryship_id, is_graded, reporting_mode, rule_code, "
    "rule_text, paragraph, is_added_by_organizer, is_excluded, edit_reason, tenure_flags, tenure_note, "
    "is_tenure_decided, stage, stage_changed_at, created_at"
)
ORG_COLUMNS = (
    "id, name, short_name, code, kind, admin_level, parent_id, path, depth, is_central_soe, "
    "is_central_financial, valid_from_on, valid_to_on, note"
)


def files(total: int = TOTAL) -> dict[str, Path]:
    base = cache_dir()
    return {
        "orgs": base / f"orgs-{total}.copy",
        "csv": base / f"orgs-{total}.csv",
        "campaigns": base / f"campaigns-{total}.copy",
        "assessments": base / f"assessments-{total}.copy",
    }


def build_files(total: int = TOTAL, *, log: Log = print, csv: bool = False) -> dict[str, Path]:
    """Generate (once) the COPY files, and the import CSV when `csv`; cached by size."""
    paths = files(total)
    wanted = ["orgs", "campaigns", "assessments"] + (["csv"] if csv else [])
    if all(paths[k].exists() for k in wanted):
        log(f"全国数据文件已缓存：{paths['orgs'].parent}")
        return paths
    started = time.perf_counter()
    tree = Tree(total)
    log(f"全国组织树：{tree.total:,} 个组织（各级 {tree.sizes}），{time.perf_counter() - started:.1f} 秒")
    for key in ("orgs", "campaigns", "assessments", "csv"):
        paths[key].with_suffix(".tmp").unlink(missing_ok=True)
    if not paths["orgs"].exists():
        tmp = paths["orgs"].with_suffix(".tmp")
        _copy_orgs(tree, tmp)
        tmp.rename(paths["orgs"])
    if not (paths["campaigns"].exists() and paths["assessments"].exists()):
        ctmp, atmp = paths["campaigns"].with_suffix(".ctmp"), paths["assessments"].with_suffix(".atmp")
        campaigns, assessments = _copy_campaigns(tree, ctmp, atmp)
        ctmp.rename(paths["campaigns"])
        atmp.rename(paths["assessments"])
        log(f"考核 {campaigns:,} 个，考核对象 {assessments:,} 人")
    if csv and not paths["csv"].exists():
        from shuping.orgs.choices import AdminLevel, OrgKind

        tmp = paths["csv"].with_suffix(".tmp")
        _csv_orgs(
            tree, tmp, {k: str(v) for k, v in OrgKind.choices}, {k: str(v) for k, v in AdminLevel.choices}
        )
        tmp.rename(paths["csv"])
    log(f"数据文件生成完毕，{time.perf_counter() - started:.1f} 秒")
    return paths


# --- the scratch database -------------------------------------------------------------------------------


def create_database(name: str, *, log: Log, server: str | None = None, fresh: bool = False) -> str:
    """Create `name` on the server (dropping it first when `fresh`) and apply the migrations."""
    import psycopg

    # Administer through the maintenance database: DATABASE_URL names the server, and its own database
    # may not exist (CI names one that only pytest's test_ prefix ever creates).
    with psycopg.connect(database_url("postgres", server), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"已创建数据库 {name}")
    url = database_url(name, server)
    migrate(url)
    return url


def migrate(url: str) -> None:
    """Apply the migrations to the database at `url` (a child process: this one may be set up elsewhere)."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    result = subprocess.run(
        [sys.executable, "-m", "shuping.cli", "migrate", "--noinput", "-v", "0"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"migrate failed: {result.stderr[-2000:]}")


def _secondary_indexes(conn, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of indexes that back no constraint (safe to drop and rebuild)."""
    return conn.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s) AND i.schemaname = 'public'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [list(tables)],
    ).fetchall()


def _missing_defaults(table: str, columns: str) -> list[tuple[str, object]]:
    """(column, value) for the model's NOT NULL fields the generated files leave out, with the model's
    constant default — so a field added after this module was written (e.g. Assessment.is_predecessor)
    takes its default during COPY instead of failing the load (Django keeps defaults in Python only)."""
    from django.apps import apps
    from django.db.models import NOT_PROVIDED

    given = {c.strip() for c in columns.split(",")}
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    out: list[tuple[str, object]] = []
    for f in model._meta.concrete_fields:
        if f.column in given or f.null or f.primary_key:
            continue
        default = f.default
        if default is NOT_PROVIDED or callable(default):
            raise RuntimeError(f"{table}.{f.column} 不可为空且无常量默认值：请在 national.py 的列表中生成它")
        if f.column is None:
            continue  # not a column of the table (a concrete field always has one)
        out.append((f.column, default))
    return out


def _copy_file(conn, table: str, columns: str, path: Path) -> None:
    from psycopg import sql
    from psycopg.types.json import Jsonb

    defaults = _missing_defaults(table, columns)
    for column, value in defaults:
        literal = Jsonb(value) if isinstance(value, (dict, list)) else value
        conn.execute(
            sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}").format(
                sql.Identifier(table), sql.Identifier(column), sql.Literal(literal)
            )
        )
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy, path.open("rb") as f:
        while chunk := f.read(1 << 20):
            copy.write(chunk)
    for column, _value in defaults:
        conn.execute(
            sql.SQL("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT").format(
                sql.Identifier(table), sql.Identifier(column)
            )
        )


def ensure_loaded(*, log: Log, total: int = TOTAL, server: str | None = None) -> str:
    """The scratch database with the national data loaded; returns its URL. Reuses a loaded one."""
    import psycopg

    # A smaller (smoke-test) dataset gets its own database, so it never replaces the national one.
    name = SCRATCH_DB if total >= TOTAL else f"{SCRATCH_DB}_{total}"
    url = database_url(name, server)
    marker = f"{DATASET_VERSION}-{total}"
    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT value FROM shuping_bench_meta WHERE key = 'dataset'").fetchone()
            is_loaded = bool(row and row[0] == marker)
    except psycopg.Error:
        is_loaded = False
    if is_loaded:
        # The cached data outlives code changes: bring its schema up to date (new columns take their
        # defaults; PostgreSQL adds a column with a constant default without rewriting the table).
        migrate(url)
        log(f"数据库 {name} 已载入全国数据（{marker}），迁移已更新")
        return url
    paths = build_files(total, log=log)
    started = time.perf_counter()
    url = create_database(name, log=log, server=server, fresh=True)
    log(f"迁移完成，{time.perf_counter() - started:.1f} 秒；开始 COPY 载入")
    tables = ("orgs_organization", "campaigns_campaign", "campaigns_assessment")
    with psycopg.connect(url) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET session_replication_role = replica")  # FK triggers off: consistent by construction
        indexes = _secondary_indexes(conn, tables)
        for name, _definition in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        for table, columns, key in (
            ("orgs_organization", ORG_COLUMNS, "orgs"),
            ("campaigns_campaign", CAMPAIGN_COLUMNS, "campaigns"),
            ("campaigns_assessment", ASSESSMENT_COLUMNS, "assessments"),
        ):
            t = time.perf_counter()
            _copy_file(conn, table, columns, paths[key])
            log(f"COPY {table}：{time.perf_counter() - t:.1f} 秒")
        t = time.perf_counter()
        for _name, definition in indexes:
            conn.execute(definition)
        log(f"重建 {len(indexes)} 个索引：{time.perf_counter() - t:.1f} 秒")
        conn.execute("SET session_replication_role = origin")
        for table in tables:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"  # noqa: S608
            )
        conn.execute("CREATE TABLE IF NOT EXISTS shuping_bench_meta (key text PRIMARY KEY, value text)")
        conn.execute(
            "INSERT INTO shuping_bench_meta VALUES ('dataset', %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [marker],
        )
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        t = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        log(f"VACUUM ANALYZE：{time.perf_counter() - t:.1f} 秒")
    log(f"全国数据载入完毕，共 {time.perf_counter() - started:.1f} 秒")
    return url
