"""Writing the demo province (`shuping demo`): organizations through the bulk importer, the rest in bulk.

`build_demo()` is idempotent: if the province (code "SF") exists it writes nothing and reports so;
`reset_demo()` removes what a previous run wrote so the next run starts afresh.
"""

from __future__ import annotations

import secrets
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from shuping.campaigns.rules import default_assessed_year
from shuping.orgs.imports import ORG_COLUMNS, import_organizations
from shuping.orgs.models import Organization, Person, Secretaryship
from shuping.orgs.tabular import Table

from .generator import Demo, generate

ROOT_CODE = "SF"


@dataclass
class DemoResult:
    demo: Demo
    created: bool
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


_ALPHABET = string.ascii_letters + string.digits


def new_password() -> str:
    """A fresh demo password (three groups of four letters and digits), generated on every run."""
    while True:
        groups = ["".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3)]
        text = "-".join(groups)
        if (
            any(c.isupper() for c in text)
            and any(c.islower() for c in text)
            and any(c.isdigit() for c in text)
        ):
            return text


def demo_exists() -> bool:
    return Organization.objects.filter(code=ROOT_CODE).exists()


def reset_demo() -> None:
    """Empty the whole demo database so the next run starts afresh.

    The audit log is append-only and its actors are protected, so the demo's rows cannot be picked out
    and deleted one by one; the demo database is flushed instead. Only a database that holds the demo
    province is flushed (the command checks `demo_exists()` first), never one with real data alone.
    """
    from django.core.management import call_command

    if not demo_exists():
        return
    call_command("flush", interactive=False, verbosity=0)


def build_demo(
    *, scale: str = "full", year: int | None = None, progress: Callable[[str], None] | None = None
) -> DemoResult:
    """Write the demo province unless it is already there; returns what was (or would have been) written."""
    say = progress or (lambda message: None)
    year = year or default_assessed_year(timezone.localdate())
    demo = generate(scale=scale, year=year)
    if demo_exists():
        return DemoResult(demo=demo, created=False)
    for persona in demo.personas:  # never in the source: new on every build, printed once by the command
        persona.password = new_password()
    started = time.monotonic()
    with transaction.atomic():
        say(f"生成党组织 {len(demo.orgs)} 个……")
        table = Table(
            header=list(ORG_COLUMNS), rows=[(n, o.cells()) for n, o in enumerate(demo.orgs, start=2)]
        )
        import_organizations(rows_or_path=table, filename="示范省演示数据")
        say(f"生成干部 {len(demo.people)} 名、书记任职 {len(demo.posts)} 条……")
        _write_people(demo)
        say("创建演示账号……")
        _write_personas(demo)
        say("开启本年度述职评议考核（省、市、县逐级部署）……")
        _write_campaigns(demo)
        _audit(demo)
    seconds = time.monotonic() - started
    return DemoResult(demo=demo, created=True, seconds=seconds, counts=_counts(demo))


def _write_people(demo: Demo) -> None:
    from shuping.orgs.choices import SecretaryTitle

    people = [
        Person(
            name=p.name,
            gender=p.gender,
            ethnicity=p.ethnicity,
            birth_month=p.birth_month,
            position=p.position,
        )
        for p in demo.people
    ]
    Person.objects.bulk_create(people, batch_size=500)
    if any(p.pk is None for p in people):  # SQLite before 3.35 returns no ids from bulk inserts
        by_key = dict(
            zip(
                [p.key for p in demo.people], Person.objects.order_by("-pk")[: len(people)][::-1], strict=True
            )
        )
    else:
        by_key = {row.key: person for row, person in zip(demo.people, people, strict=True)}
    orgs = dict(
        Organization.objects.filter(code__in={p.org_code for p in demo.posts}).values_list("code", "pk")
    )
    titles = {str(label): value for value, label in SecretaryTitle.choices}
    Secretaryship.objects.bulk_create(
        [
            Secretaryship(
                person=by_key[post.person],
                organization_id=orgs[post.org_code],
                title=titles[post.title],
                started_on=post.started_on,
                ended_on=post.ended_on,
            )
            for post in demo.posts
        ],
        batch_size=500,
    )


def _write_personas(demo: Demo) -> None:
    from shuping.accounts.models import RoleGrant, User

    secretary = {post.org_code: post.person for post in demo.posts if post.ended_on is None}
    orgs = dict(
        Organization.objects.filter(code__in={p.org_code for p in demo.personas if p.org_code}).values_list(
            "code", "pk"
        )
    )
    now = timezone.now()
    for persona in demo.personas:
        user = User(
            username=persona.username,
            full_name=persona.full_name,
            post=persona.post,
            admin_role=persona.admin_role,
        )
        user.set_password(persona.password)
        user.password_changed_at = now
        user.save()
        if persona.role:
            RoleGrant.objects.create(
                user=user,
                role=persona.role,
                organization_id=orgs[persona.org_code],
                include_subtree=persona.include_subtree,
            )
        if persona.person_of:
            key = secretary[persona.person_of]
            row = next(p for p in demo.people if p.key == key)
            Person.objects.filter(
                name=row.name,
                birth_month=row.birth_month,
                secretaryships__organization__code=persona.person_of,
            ).update(user=user)


#: The field team's members besides its leader: people named by name and post, with accounts that cannot
#: sign in (they record through the leader in the demo).
TEAM_MEMBERS = (
    ("kaohe_chengyuan1", "冯海燕", "示范省委组织部组织一处一级主任科员"),
    ("kaohe_chengyuan2", "韩国栋", "示范省直机关工委组织部副部长"),
)


def _team_members() -> list:
    from shuping.accounts.models import User

    members = []
    for username, name, post in TEAM_MEMBERS:
        user = User(username=username, full_name=name, post=post)
        user.set_unusable_password()
        user.save()
        members.append(user)
    return members


def _write_campaigns(demo: Demo) -> None:
    """A whole year at the province: this year's open campaign and its cascade, field work, reports and
    meetings; last year's round reported, decided, fed back and under rectification; one prefecture and one
    county at other stages (FLOW-6)."""
    from shuping.accounts.models import User
    from shuping.campaigns.demo import build_demo_campaigns
    from shuping.evaluations.demo import build_demo_evaluations
    from shuping.feedback.demo import build_demo_feedback
    from shuping.fieldwork.demo import build_demo_fieldwork
    from shuping.meetings.demo import build_demo_meetings
    from shuping.rectification.demo import build_demo_rectification
    from shuping.reports.demo import build_demo_reports

    from .dating import date_drafts, date_held_meetings, date_last_round, date_reports
    from .lower import build_lower_levels

    province = Organization.objects.get(code=ROOT_CODE)
    users = {u.username: u for u in User.objects.filter(username__in=[p.username for p in demo.personas])}
    staff = users["sheng_zuzhi"]
    # The liaison's organization (青川市委) reports at the province's second 述职评议会, three weeks ahead: its
    # secretary's report is still a draft with a deadline ahead — the liaison's next step — so it stays at
    # 述职报告, neither visited by the field team nor heard at the meeting already held.
    liaison_org = next(p.org_code for p in demo.personas if p.username == "lianluoyuan")
    campaigns = build_demo_campaigns(province=province, year=demo.year, actor=staff, hold={liaison_org})
    top = campaigns["province"]
    drafts = set(top.assessments.filter(organization__code=liaison_org).values_list("pk", flat=True))
    # Completed field assessments for part of the provincial campaign (FLD-1 … FLD-5).
    build_demo_fieldwork(
        campaign=top, leader=users["kaohe"], members=_team_members(), actor=staff, exclude=drafts
    )
    # Reports: submitted, one returned and resubmitted, one planted near-copy, one draft (REP-1, REP-2).
    build_demo_reports(campaign=top, actor=staff, drafts=drafts, copies=1)
    # Reviewed since the deadline (two months ago): every report accepted but the one returned and handed in
    # again, which waits for 审核 — so the assessees heard at the meeting went on with accepted reports.
    from shuping.reports import services as report_services
    from shuping.reports.models import Report

    for report in Report.objects.filter(
        assessment__campaign=top, status="submitted", submission_count=1
    ).order_by("assessment__organization_path"):
        report_services.accept_report(actor=staff, report=report, source="system")
    date_reports(top)
    # A held 述职评议会 with commentary and counted votes, and one still to come (MTG-1 … MTG-5), the
    # reporters split between them; the member who comments by portfolio is the department's leader, by
    # name and post.
    leader = users["sheng_buzhang"]
    reporters = top.assessments.filter(is_excluded=False, person__isnull=False).count()
    meetings = build_demo_meetings(
        campaign=top,
        actor=staff,
        member=(leader.full_name, leader.post),
        later=drafts,
        per_meeting=max(3, (reporters + 1) // 2),
    )
    date_drafts(top, meetings["planned"])
    date_held_meetings(top)
    # Last year's round reported and decided by the committee; this year's brought up to 部务会, awaiting 研究
    # (EVA-1 … EVA-4).
    evaluations = build_demo_evaluations(campaign=top, actor=staff)
    # Last year's results fed back (partly signed), circulated, filed by the province that keeps its prefecture
    # secretaries' files (本级存档, nothing transferred to itself) (EVA-5 … EVA-7),
    # then rectified: lists in progress, overdue items, a batch 销号, an admonition (RCT-1 … RCT-5).
    build_demo_feedback(campaign=evaluations["approved"], actor=staff, acknowledged_share=1.0)
    # Reports, feedback, 通报 and transfers dated last winter; the 整改清单 then count from that feedback.
    date_last_round(evaluations["approved"])
    build_demo_rectification(
        campaign=evaluations["approved"], actor=staff, conducted_by=f"{leader.full_name}（{leader.post}）"
    )
    # 青川市 and its first county at other stages; the guidance officer sent to 青川市 (FLOW-6).
    lower = build_lower_levels(campaigns=campaigns, users=users, province_staff=staff)
    # Last year's rounds are over: every assessee at 整改, the campaigns closed (整改 goes on in its own app).
    from shuping.campaigns import services as campaign_services

    for last_year, closer in (
        (evaluations["approved"], staff),
        (lower.get("prefecture", {}).get("last_year"), users["shi_zuzhi"]),
    ):
        if last_year is not None and not campaign_services.close_refusals(last_year):
            campaign_services.close_campaign(actor=closer, campaign=last_year, source="system")


def _audit(demo: Demo) -> None:
    try:
        from shuping.audit.services import record
    except ImportError:
        return
    record(actor=None, action="demo.generate", source="cli", detail=_counts(demo))


def _counts(demo: Demo) -> dict[str, int]:
    from .generator import L_COUNTY, L_PREFECTURE, L_TOWNSHIP, L_VILLAGE

    return {
        "organizations": len(demo.orgs),
        "prefectures": demo.count(L_PREFECTURE),
        "counties": demo.count(L_COUNTY),
        "townships": demo.count(L_TOWNSHIP),
        "villages": demo.count(L_VILLAGE),
        "people": len(demo.people),
        "posts": len(demo.posts),
        "accounts": len(demo.personas),
    }
