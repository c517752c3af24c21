"""The 考核组报告 (team report, FLD-5) as an official document through shuping.documents (PDF and DOCX).

Built from what the team saw and heard — places, concrete facts, what members and the masses said — and
the field score with the evidence behind each indicator (Art. 6: 多到现场看，多见具体事，多听群众说).
Rendering writes nothing; callers check `can_see_scores` first (EVA-9: confidential until 研究).
"""

from __future__ import annotations

from shuping.core.dates import local_date_or_today
from shuping.documents import services as documents
from shuping.documents.content import Heading, OfficialDocument, Paragraph, Table, chinese_date

from . import scoring, selectors
from .choices import Evidence, TalkCategory

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _weight(value) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def build(fa) -> OfficialDocument:
    """The team report of one field assessment as an `OfficialDocument`."""
    campaign = fa.team.campaign
    assessment = fa.assessment
    indicators = selectors.form_indicators(fa)
    data = selectors.records_of(fa)
    scores = data["scores"]
    result = selectors.score_of(fa, indicators, scores)
    visits, talks = data["visits"], data["talks"]
    units = [u.organization_name for u in fa.sampled_units.all()]
    labels = dict(Evidence.choices)
    categories = dict(TalkCategory.choices)
    people = sum(t.people_count for t in talks)
    masses = sum(t.masses_count for t in talks)
    members = sum(t.members_count for t in talks)
    # People by name and post (姓名（职务）), never by account name; no 成员 clause for a team of one.
    team_members = "、".join(u.name_and_post for u in fa.team.members.all() if u.pk != fa.team.leader_id)
    roster = f"组长：{fa.team.leader.name_and_post}" + (f"；成员：{team_members}" if team_members else "")
    body: list = [
        Paragraph(
            f"按照{campaign.year}年度党委（党组）书记抓基层党建工作述职评议考核安排，{fa.team.name}"
            f"（{roster}）于"
            f"{chinese_date(fa.visit_starts_on)}至{chinese_date(fa.visit_ends_on)}对{assessment.organization_name}"
            f"{assessment.person_name}同志抓基层党建工作情况进行了实地考核。现将有关情况报告如下。"
        ),
        Heading("一、基本情况"),
        Paragraph(
            f"考核组{('随机抽取' if fa.sample_method == 'random' else '指定')}{len(units)}个基层单位"
            f"（{'、'.join(units) or '未抽取'}），实地查看{len(visits)}处，谈话走访{people}人次"
            f"（党员{members}人次、群众{masses}人次、干部{people - members - masses}人次）。"
        ),
        Heading("二、看到的具体情况"),
    ]
    if visits:
        body += [Paragraph(f"{i}. {v.place}：{v.facts}") for i, v in enumerate(visits, start=1)]
    else:
        body.append(Paragraph("（未记录实地查看。）"))
    body.append(Heading("三、听到的党员群众意见"))
    if talks:
        for i, t in enumerate(talks, start=1):
            who = "、".join(str(categories.get(c, c)) for c in t.categories) or "党员群众"
            body.append(Paragraph(f"{i}. 与{who}{t.people_count}人谈话走访：{t.summary}"))
    else:
        body.append(Paragraph("（未记录谈话走访。）"))
    body.append(Heading("四、指标评分及依据"))
    rows = []
    for ind in indicators:
        s = scores.get(ind.pk)
        if s is None:
            rows.append((ind.text, f"{_weight(ind.weight)} / 未评分", ""))
            continue
        evidence = "、".join(str(labels.get(k, k)) for k in s.evidence_kinds)
        if s.has_open_warning:
            evidence += "（仅查资料，待说明，未计入）"
        elif s.formalism_warning:
            evidence += f"（保留理由：{s.override_reason}）"
        rows.append((ind.text, f"{_weight(ind.weight)} / {s.percent}%", evidence))
    body.append(Table(header=("指标", "权重/得分率", "依据"), rows=tuple(rows) or (("—", "", ""),)))
    body.append(Heading("五、实地考核得分"))
    text = f"实地考核得分 {scoring.format_score(result.score)} 分（满分 100 分）"
    if result.survey_score is not None:
        text += f"，其中群众满意度测评 {scoring.format_score(result.survey_score)} 分"
    body.append(Paragraph(text + "。" + "".join(result.notes)))
    if fa.sample_method == "random" and fa.sample_seed is not None:
        # How the sample can be re-drawn is a technical note for review, kept out of the report's body.
        body += [
            Heading("附：抽样说明"),
            Paragraph(
                f"抽取的基层单位由系统从{len(fa.sample_population or [])}个基层单位中随机抽取"
                f"（随机种子 {fa.sample_seed}），按相同名单和种子可重新抽取复核。"
            ),
        ]
    return OfficialDocument(
        title=f"关于对{assessment.organization_name}书记\n抓基层党建工作实地考核情况的报告",
        document_number="",
        addressee=f"{campaign.organizer.display_name}组织部",
        body=tuple(body),
        issuer=fa.team.name,
        issued_on=local_date_or_today(fa.completed_at),
        classification="内部资料 研究前注意保密",
        layout="plain",  # a 考核组 working paper, not a 文件: no red 版头
    )


def render(fa, fmt: str) -> tuple[bytes, str]:
    """(file content, content type) of the team report in `fmt` (pdf or docx)."""
    from django.http import Http404

    if fmt not in FORMATS:
        raise Http404
    document = build(fa)
    content = (
        documents.render_document_pdf(document) if fmt == "pdf" else documents.render_document_docx(document)
    )
    return content, FORMATS[fmt]
