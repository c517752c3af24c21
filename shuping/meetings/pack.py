"""The meeting document pack (MTG-5, EVA-8): one click, a background job, every document as editable .docx
and PDF in GB/T 9704 layout through shuping.documents, zipped. The 工作通知 is a 文件 (official layout,
red 版头); the others are working papers (`layout="plain"`: no 版头).

工作通知, 会议方案, 议程及主持词, 签到表, 测评表 (the ballot on paper), 材料汇编 of written reports,
计票结果报告单 (ballot engine II's, once a box is certified). Everything is filled from the campaign's data.
"""

from __future__ import annotations

import importlib.util
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from shuping.core.dates import local_date_or_today
from shuping.documents import services as documents
from shuping.documents.content import Heading, OfficialDocument, Paragraph, Table, chinese_date
from shuping.jobs.runtime import JobContext, job_task

from . import rules
from .choices import AttendeeCategory
from .models import Meeting

if TYPE_CHECKING:
    from shuping.accounts.models import User


@dataclass(frozen=True)
class PackFile:
    name: str
    content: bytes


def _department(meeting: Meeting) -> str:
    org = meeting.campaign.organizer
    return f"{org.name}组织部"


def _issuer(meeting: Meeting) -> str:
    return meeting.campaign.organizer.name


def _doc(
    meeting: Meeting,
    title: str,
    body: list,
    *,
    number: str = "",
    addressee: str = "",
    issuer: str = "",
    issued_on: date | None = None,
    official: bool = False,
) -> OfficialDocument:
    return OfficialDocument(
        title=title,
        document_number=number,
        addressee=addressee,
        body=tuple(body),
        issuer=issuer or _department(meeting),
        issued_on=issued_on
        or local_date_or_today(meeting.plan.submitted_at if meeting.plan is not None else meeting.created_at),
        masthead=f"{_department(meeting)}文件" if official else "",
        # The 通知 is a 文件 with its 版头; everything else is a working paper.
        layout="official" if official else "plain",
    )


def notice_subject(meeting: Meeting) -> str:
    """The 发文 register's key for the meeting's 通知 (DOC-1)."""
    return f"meetings.notice:{meeting.pk}"


def notice_title(meeting: Meeting) -> str:
    return f"关于召开{meeting.campaign.year}年度党委（党组）书记抓基层党建工作述职评议会的通知"


def register_notice(meeting: Meeting, *, actor: User | None):
    """Number the meeting's 通知 in the organizer's 发文 register (kept when the pack is generated again)."""
    from django.urls import reverse

    return documents.register_document(
        actor=actor,
        organization=meeting.campaign.organizer,
        subject=notice_subject(meeting),
        kind="通知",
        title=notice_title(meeting),
        url=reverse("meetings:detail", args=[meeting.pk]),
        source="job",
    )


def _agenda(meeting: Meeting):
    items = list(meeting.agenda.select_related("assessment__organization").order_by("mode", "position"))
    return [i for i in items if i.is_on_site], [i for i in items if not i.is_on_site]


def _reporter_rows(items) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            str(n),
            i.assessment.organization_name,
            i.assessment.person_name or "（待定）",
            "现场述职" if i.is_on_site else "书面述职",
        )
        for n, i in enumerate(items, start=1)
    )


def notice_addressee(meeting: Meeting, items) -> str:
    """主送 (GB/T 9704 §7.3.2, DOC-3): every organization whose secretary reports, in agenda order, by its
    short name where it has one; never the issuer itself."""
    organizer_id = meeting.campaign.organizer_id
    names = dict.fromkeys(
        i.assessment.organization.short_name or i.assessment.organization_name
        for i in items
        if i.assessment.organization_id != organizer_id
    )
    return ("、".join(names) or "各有关党组织") + "："


def notice(meeting: Meeting) -> OfficialDocument:
    c = meeting.campaign
    on_site, written = _agenda(meeting)
    body = [
        Paragraph(
            f"根据《党委（党组）书记抓基层党建工作述职评议考核办法（试行）》，经{c.organizer.name}同意，"
            f"定于{chinese_date(meeting.held_on)}在{meeting.venue}召开{c.year}年度党委（党组）书记抓基层党建工作述职评议会。现将有关事项通知如下。"
        ),
        Heading("一、会议形式", 1),
        Paragraph(
            f"{meeting.get_form_display()}，由{meeting.presiding_name}同志主持。点评采取“{meeting.get_commentary_mode_display()}”方式。"
        ),
        Heading("二、述职人员", 1),
        Paragraph(f"现场述职{len(on_site)}人，书面述职{len(written)}人（名单附后）。"),
        Table(_reporter_rows(on_site + written), header=("序号", "党组织", "姓名", "述职方式")),
        Heading("三、有关要求", 1),
        Paragraph(
            "（一）述职的党组织书记要紧扣述职评议考核重点内容，把自己摆进去，总结工作成效，主要查摆突出问题、分析产生根源，提出破解工作瓶颈的措施。"
        ),
        Paragraph("（二）现场述职每人一般不超过10分钟。书面述职报告于会前报送组织部，印发参会人员。"),
        Paragraph(
            f"（三）时间安排：实地考核{chinese_date(c.field_starts_on)}至{chinese_date(c.field_ends_on)}，述职评议会{chinese_date(c.meetings_start_on)}至{chinese_date(c.meetings_end_on)}。"
        ),
    ]
    # 文号 and 成文日期 from the 发文 register (DOC-1); before the pack is generated, unnumbered.
    from shuping.documents.selectors import registered

    entry = registered(notice_subject(meeting))
    return _doc(
        meeting,
        notice_title(meeting),
        body,
        number=entry.number if entry else "",
        addressee=notice_addressee(meeting, on_site + written),
        issued_on=entry.issued_on if entry else None,
        official=True,
    )


def meeting_plan(meeting: Meeting) -> OfficialDocument:
    on_site, written = _agenda(meeting)
    groups = list(meeting.attendee_groups.select_related("venue").order_by("venue__position", "category"))
    body = [
        Heading("一、会议时间和地点", 1),
        Paragraph(
            f"{chinese_date(meeting.held_on)}，{meeting.venue}。"
            + (
                "分会场：" + "、".join(v.name for v in meeting.venues.filter(is_main=False)) + "。"
                if meeting.venues.filter(is_main=False).exists()
                else ""
            )
        ),
        Heading("二、会议形式和主持", 1),
        Paragraph(f"{meeting.get_form_display()}，{meeting.presiding_name}同志主持。"),
        Heading("三、参会人员", 1),
        Table(
            tuple(
                (g.venue.name, g.get_category_display(), str(g.headcount), "是" if g.is_voting else "否")
                for g in groups
            )
            or (("—", "尚未登记", "0", "—"),),
            header=("会场", "类别", "人数", "参加测评"),
        ),
        Heading("四、会议议程", 1),
        Paragraph("（一）现场述职；（二）点评；（三）书面述职情况说明；（四）民主评议；（五）主持人讲话。"),
        Table(_reporter_rows(on_site + written), header=("序号", "党组织", "姓名", "述职方式")),
        Heading("五、点评安排", 1),
        Paragraph(
            f"{meeting.presiding_name}同志逐一点评（书面述职的进行书面点评）"
            + "".join(
                f"；{c.name}同志（{c.post or c.get_role_display()}{('，' + c.portfolio) if c.portfolio else ''}）"
                "结合分工点评"
                for c in meeting.commenters.exclude(role="presiding")
            )
            + "。"
        ),
        Heading("六、民主评议", 1),
        Paragraph(
            "参会人员对述职人员逐一评价，等次分为好、较好、一般、差。述职人员回避对本人的评价。评议结果在研究审定前严格保密。"
        ),
    ]
    return _doc(meeting, f"{meeting.title}会议方案", body)


def agenda_and_script(meeting: Meeting) -> OfficialDocument:
    on_site, written = _agenda(meeting)
    # Committee members and guidance staff comment on the reporters their portfolio touches (their 点评稿).
    by_reporter: dict[int, list[str]] = {}
    for c in (
        meeting.commentaries.exclude(commenter__role="presiding")
        .select_related("commenter")
        .order_by("commenter__position")
    ):
        by_reporter.setdefault(c.assessment_id, []).append(c.commenter.name)
    lines = rules.chair_script(
        presiding=meeting.presiding_name,
        meeting_title=meeting.title,
        on_site=[
            rules.ScriptReporter(
                i.assessment.person_name,
                i.assessment.organization_name,
                tuple(by_reporter.get(i.assessment_id, ())),
            )
            for i in on_site
        ],
        written=[
            rules.ScriptReporter(i.assessment.person_name, i.assessment.organization_name) for i in written
        ],
        one_by_one=meeting.commentary_mode == "one_by_one",
        votes=meeting.attendee_groups.filter(is_voting=True).exists(),
    )
    body = [
        Heading("一、会议议程", 1),
        Table(_reporter_rows(on_site + written), header=("序号", "党组织", "姓名", "述职方式")),
        Heading("二、主持词", 1),
        *[Paragraph(t) for t in lines],
    ]
    return _doc(meeting, f"{meeting.title}\n议程及主持词", body)


def sign_in_sheet(meeting: Meeting) -> OfficialDocument:
    body: list = [Paragraph(f"会议时间：{chinese_date(meeting.held_on)}　　地点：{meeting.venue}")]
    for venue in meeting.venues.all():
        for g in venue.attendee_groups.prefetch_related("attendees").order_by("category"):
            names = list(g.attendees.all())
            body.append(Heading(f"{venue.name} · {g.get_category_display()}（{g.headcount}人）", 2))
            rows = [(str(n), a.name, a.post, "") for n, a in enumerate(names, start=1)]
            rows += [(str(n), "", "", "") for n in range(len(names) + 1, g.headcount + 1)]
            body.append(
                Table(tuple(rows) or (("", "", "", ""),), header=("序号", "姓名", "单位职务", "签名"))
            )
    if len(body) == 1:
        body.append(Paragraph("（尚未登记参会人员）"))
    return _doc(meeting, f"{meeting.title}\n签到表", body)


def _grades(meeting: Meeting) -> list[str]:
    return list(meeting.campaign.settings.get("grade_scale") or ["好", "较好", "一般", "差"])


def _ballot_rows(items, grades) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            str(n),
            f"{i.assessment.organization.short_name or i.assessment.organization_name} {i.assessment.person_name}",
            *["□"] * len(grades),
        )
        for n, i in enumerate(items, 1)
    )


def _main_ballot(
    meeting: Meeting, items, *, venue: str = "", left_out: Sequence[str] = ()
) -> OfficialDocument:
    """The main 测评表: the reporters this venue's main box rates (recused ones are on their 单列 表)."""
    grades = _grades(meeting)
    header = ("序号", "述职人", *grades)
    on_site = [i for i in items if i.is_on_site]
    written = [i for i in items if not i.is_on_site]
    note = (
        "说明：请在每位述职人员对应的评价等次栏内划“√”，每人只能选一个等次；多选或不选视为对该人弃权。"
        "述职人员本人回避，不对自己作出评价。本表不记名，投票后投入票箱。"
    )
    if left_out:
        note += (
            f"{'、'.join(left_out)}同志参加本会场测评，本表不列；对其评价使用单列测评表"
            "（其本人不领取对自己的单列测评表）。"
        )
    body: list = [
        Paragraph(note),
        Heading("一、现场述职人员", 1),
        Table(_ballot_rows(on_site, grades) or (("", "", *[""] * len(grades)),), header=header),
    ]
    if written:
        body += [Heading("二、书面述职人员", 1), Table(_ballot_rows(written, grades), header=header)]
    # 意见建议, as on the phone ballot (DOC-3): written by hand, never shown to the reporters as typed.
    body += [
        Heading(f"{'三' if written else '二'}、意见建议", 1),
        Table((("",), ("",), ("",)), header=("对述职人员抓基层党建工作的意见建议（可不填）",)),
    ]
    body.append(Paragraph("凭条码：＿＿＿＿＿＿＿＿＿＿（纸质票录入时核对）"))
    title = f"{meeting.campaign.year}年度党委（党组）书记抓基层党建工作\n民主评议测评表"
    return _doc(meeting, title + (f"（{venue}）" if venue else ""), body, issuer=_department(meeting))


def _single_ballot(meeting: Meeting, item, *, venue: str) -> OfficialDocument:
    """单列测评表: one recused reporter, rated by every voter at the venue except themselves (MTG-2)."""
    grades = _grades(meeting)
    name = item.assessment.person_name or item.assessment.organization_name
    body = [
        Paragraph(
            f"说明：本表只对{name}同志作出评价，与主测评表分开填写、分开投入票箱。"
            f"{name}同志本人回避，不领取、不填写本表。请在对应的评价等次栏内划“√”，只能选一个等次。本表不记名。"
        ),
        Table(_ballot_rows([item], grades), header=("序号", "述职人", *grades)),
        Paragraph("凭条码：＿＿＿＿＿＿＿＿＿＿（本表单独的凭条，纸质票录入时核对）"),
    ]
    return _doc(
        meeting,
        f"{meeting.campaign.year}年度党委（党组）书记抓基层党建工作\n民主评议单列测评表（{venue}·{name}）",
        body,
        issuer=_department(meeting),
    )


def paper_ballots(meeting: Meeting) -> list[tuple[str, OfficialDocument]]:
    """The ballots on paper, as `voting.box_plan` makes the boxes (MTG-2, MTG-5): "05-测评表" for the main
    room's main box (reporters recused there left out), "05-测评表-<venue>" for a 分会场 whose main box
    rates other reporters, and "05-测评表-单列-<name>" for each recused reporter's 单列 box."""
    from .voting import box_plan

    items = {
        i.assessment_id: i
        for i in meeting.agenda.select_related("assessment__organization").order_by("mode", "position")
    }
    plan, _warnings = box_plan(meeting)
    if not plan:  # no voting attendance yet: every reporter on one 测评表
        return [("05-测评表", _main_ballot(meeting, list(items.values())))]
    venues = {v.pk: v for v in meeting.venues.all()}
    main_subjects = next((p.subjects for p in plan if p.recused is None and venues[p.venue].is_main), None)
    out: list[tuple[str, OfficialDocument]] = []
    for p in sorted(plan, key=lambda p: (p.recused is not None, not venues[p.venue].is_main)):
        venue = venues[p.venue]
        if p.recused is None:
            left_out = [
                _person(items[q.recused]) for q in plan if q.venue == p.venue and q.recused is not None
            ]
            subjects = [items[a] for a in p.subjects]
            if venue.is_main:
                stem = "05-测评表"
            elif p.subjects == main_subjects:
                continue  # the same 测评表 as the main room's
            else:
                stem = f"05-测评表-{venue.name}"
            out.append((stem, _main_ballot(meeting, subjects, venue=venue.name, left_out=left_out)))
        else:
            item = items[p.recused]
            stem = f"05-测评表-单列-{_person(item)}"
            if any(n == stem for n, _d in out):
                stem = f"{stem}-{venue.name}"
            out.append((stem, _single_ballot(meeting, item, venue=venue.name)))
    return out


def _person(item) -> str:
    return item.assessment.person_name or item.assessment.organization_name


def paper_ballot(meeting: Meeting) -> OfficialDocument:
    """The main room's 测评表 (the first of `paper_ballots`)."""
    return paper_ballots(meeting)[0][1]


def compilation(meeting: Meeting) -> tuple[OfficialDocument, list[str]]:
    """材料汇编 of the written reports; returns the document and the names whose report is missing."""
    _on_site, written = _agenda(meeting)
    reports = {}
    if importlib.util.find_spec("shuping.reports.models") is not None:
        from shuping.reports.models import Report

        reports = {
            r.assessment_id: r
            for r in Report.objects.filter(assessment__in=[i.assessment_id for i in written])
        }
    body: list = []
    missing = []
    for n, item in enumerate(written, start=1):
        a = item.assessment
        body.append(
            Heading(f"{rules._chinese_number(n)}、{a.organization_name}党组织书记{a.person_name}述职报告", 1)
        )
        report = reports.get(a.pk)
        if report is None:
            missing.append(f"{a.organization_name}{a.person_name}")
            body.append(Paragraph("（述职报告尚未报送。）"))
            continue
        body.append(Heading("（一）工作成效", 2))
        body += [Paragraph(p) for p in (report.achievements or "").splitlines() if p.strip()] or [
            Paragraph("（无）")
        ]
        body.append(Heading("（二）突出问题", 2))
        body += [
            Paragraph(f"{k}. {p.get('text', '')}") for k, p in enumerate(report.problems or [], start=1)
        ] or [Paragraph("（无）")]
        body.append(Heading("（三）原因分析", 2))
        body += [Paragraph(p) for p in (report.causes or "").splitlines() if p.strip()] or [
            Paragraph("（无）")
        ]
        body.append(Heading("（四）破解措施", 2))
        body += [Paragraph(p) for p in (report.measures or "").splitlines() if p.strip()] or [
            Paragraph("（无）")
        ]
    if not written:
        body.append(Paragraph("本次会议无书面述职人员。"))
    if missing:
        body.insert(0, Paragraph("尚未报送述职报告：" + "、".join(missing) + "。"))
    return _doc(meeting, f"{meeting.title}\n书面述职材料汇编", body), missing


def _offline_certificate_files(meeting: Meeting, *, start: int) -> list[PackFile]:
    """计票结果报告单 of each offline venue whose sealed results were imported (MTG-6): the laptop's
    清点核对 figures as sealed in the results file; the original is the laptop's printout signed there."""
    from shuping.ballots.printing import FIGURE_LABELS

    out: list[PackFile] = []
    # The engine's labels for the figures a laptop seals (no sign-in count or sampling there).
    sealed = {"issued", "voided", "handed_out", "phone", "paper", "spoiled", "cast", "valid", "not_returned"}
    labels = tuple((key, label) for key, label in FIGURE_LABELS if key in sealed)
    exports = meeting.offline_exports.filter(imported_at__isnull=False, revoked_at__isnull=True)
    for n, export in enumerate(exports.select_related("meeting_box__venue"), start=start):
        figures = export.figures or {}
        rows = tuple((label, str(figures.get(key, "—"))) for key, label in labels)
        doc = _doc(
            meeting,
            f"{meeting.title}\n计票结果报告单（离线会场：{export.meeting_box.venue.name}）",
            [
                Paragraph(
                    f"本会场在离线笔记本上投票，结果文件于 {chinese_date(timezone.localdate(export.imported_at))}"
                    f"导入，共 {export.ballots_imported} 张选票，已计入本次会议的测评汇总。"
                ),
                Table(rows, header=("项目", "数量")),
                Paragraph(f"结果文件 SM3 摘要：{export.results_sm3}"),
                Paragraph("原件为会场笔记本打印、监票人和计票人签字的计票结果报告单，请核对其上抄写的摘要。"),
            ],
        )
        out.append(PackFile(f"07-计票结果报告单-{n}-离线会场.pdf", documents.render_document_pdf(doc)))
        out.append(PackFile(f"07-计票结果报告单-{n}-离线会场.docx", documents.render_document_docx(doc)))
    return out


def certificate_files(meeting: Meeting) -> list[PackFile]:
    """计票结果报告单 of every certified box (ballot engine II), else a placeholder saying why not yet."""
    out: list[PackFile] = []
    if importlib.util.find_spec("shuping.ballots.printing") is not None:
        from shuping.ballots import printing
        from shuping.ballots import selectors as ballot_selectors

        for n, mb in enumerate(meeting.boxes.select_related("box__organization"), start=1):
            certificate = getattr(mb.box, "certificate", None)
            if certificate is None:
                continue
            data = printing.certificate_data(
                box=mb.box, certificate=certificate, report=ballot_selectors.tally_report(mb.box)
            )
            out.append(PackFile(f"07-计票结果报告单-{n}.pdf", printing.certificate_pdf(data)))
            out.append(PackFile(f"07-计票结果报告单-{n}.docx", printing.certificate_docx(data)))
    out += _offline_certificate_files(meeting, start=len(out) // 2 + 1)
    if not out:
        doc = _doc(
            meeting,
            f"{meeting.title}\n计票结果报告单",
            [
                Paragraph("测评票箱尚未封箱或尚未确认计票结果，本表待计票后生成。"),
                Table(
                    (
                        ("应到人数", "", "实到人数", ""),
                        ("发出票数", "", "收回票数", ""),
                        ("有效票", "", "废票", ""),
                    ),
                    header=("项目", "数量", "项目", "数量"),
                ),
                Paragraph("监票人（签名）：　　　　　　计票人（签名）："),
            ],
        )
        out += [
            PackFile("07-计票结果报告单.pdf", documents.render_document_pdf(doc)),
            PackFile("07-计票结果报告单.docx", documents.render_document_docx(doc)),
        ]
    return out


#: (file stem, builder, is a 文件 with 版头, signed with issuer and date).
BUILDERS: tuple[tuple[str, Callable[[Meeting], OfficialDocument], bool, bool], ...] = (
    ("01-工作通知", notice, True, True),
    ("02-会议方案", meeting_plan, False, True),
    ("03-议程及主持词", agenda_and_script, False, False),
    ("04-签到表", sign_in_sheet, False, False),
    ("05-测评表", paper_ballot, False, False),
    ("06-材料汇编", lambda m: compilation(m)[0], False, False),
)


def _subtitle(meeting: Meeting) -> str:
    return f"（{chinese_date(meeting.held_on)}　{meeting.venue}）"


def build_pack(meeting: Meeting, progress: Callable[[int, int, str], None] | None = None) -> list[PackFile]:
    """Every document of the pack as .docx and PDF (rendering writes nothing)."""
    total = len(BUILDERS) + 1
    files: list[PackFile] = []
    for n, (name, builder, is_official, signed) in enumerate(BUILDERS, start=1):
        if progress:
            progress(n - 1, total, f"正在生成{name[3:]}")
        # The 测评表 are several papers when attendees recuse themselves: the main one and the 单列 ones.
        docs = paper_ballots(meeting) if builder is paper_ballot else [(name, builder(meeting))]
        for stem, doc in docs:
            if not is_official:
                doc = replace(doc, layout="plain", subtitle=_subtitle(meeting), has_signature=signed)
            files.append(PackFile(f"{stem}.docx", documents.render_document_docx(doc)))
            files.append(PackFile(f"{stem}.pdf", documents.render_document_pdf(doc)))
    if progress:
        progress(total - 1, total, "正在生成计票结果报告单")
    files += certificate_files(meeting)
    if progress:
        progress(total, total, "已完成")
    return files


def zip_pack(files: list[PackFile]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            archive.writestr(f.name, f.content)
    return buffer.getvalue()


@job_task
def generate_pack(job: JobContext, meeting_id: int) -> dict:
    """The background job: build, zip and attach the pack to the job page (download link)."""
    meeting = Meeting.objects.select_related("campaign__organizer", "plan").get(pk=meeting_id)
    register_notice(meeting, actor=job.refresh().requested_by)
    files = build_pack(meeting, job.progress)
    stamp = timezone.localdate().strftime("%Y%m%d")
    job.attach_file(f"会议材料-{meeting.pk}-{stamp}.zip", zip_pack(files))
    job.summary = f"已生成{len(files)}个文件。"
    return {"files": len(files)}


@transaction.atomic
def start_pack_job(*, actor: User, meeting: Meeting):
    """One click (MTG-5): enqueue the pack job; progress shows on the job page."""
    from shuping.audit.services import record
    from shuping.jobs.services import start_job

    job = start_job(
        kind="meetings.pack",
        title=f"会议材料：{meeting.title}",
        requested_by=actor,
        task=generate_pack,
        args=[meeting.pk],
        organization=meeting.campaign.organizer,
    )
    record(actor=actor, action="meetings.pack", target=meeting, detail={"job": job.pk})
    return job


_ = AttendeeCategory
