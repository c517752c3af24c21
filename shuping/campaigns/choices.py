"""Campaign statuses, per-assessment stages and their allowed transitions, roles and kinds (CMP-1 … CMP-7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class Stage(models.TextChoices):
    """Each assessment's own progress (CMP-1): one absent secretary blocks nobody else."""

    REPORT = "report", _("报告")
    FIELD = "field", _("实地考核")
    MEETING = "meeting", _("述职评议")
    EVALUATION = "evaluation", _("综合评价")
    DECISION = "decision", _("研究")
    FEEDBACK = "feedback", _("反馈")
    RECTIFICATION = "rectification", _("整改")


#: The order of Art. 5–7: report, field assessment (述职评议前 … 实地考核), meeting, composite evaluation,
#: the committee's deliberation (研究), feedback, rectification.
STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)

#: Allowed transitions: one step forward only — a stage is never skipped (CMP-1). Going back is not a
#: transition; a mistaken step is corrected by the organizer through `reopen` (one step back, with a reason).
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    stage: frozenset({STAGE_ORDER[i + 1]}) if i + 1 < len(STAGE_ORDER) else frozenset()
    for i, stage in enumerate(STAGE_ORDER)
}

#: EVA-9: until the committee's 研究 is done, results are confidential (tallies, composites, grades, 点评稿).
CONFIDENTIAL_UNTIL_AFTER = Stage.DECISION


def stage_index(stage: str) -> int:
    return STAGE_ORDER.index(stage)


class ReportingMode(models.TextChoices):
    """Art. 5: 市、县、乡镇党（工）委书记一般应现场述职; others may report in writing (CMP-3)."""

    ON_SITE = "on_site", _("现场述职")
    WRITTEN = "written", _("书面述职")


class CampaignRole(models.TextChoices):
    """Roles granted on one campaign (SEC-1); the assessee's access comes from Person.user."""

    ORGANIZER_STAFF = "organizer_staff", _("组织部门工作人员")
    DEPARTMENT_LEADER = "department_leader", _("部门领导")
    LIAISON = "liaison", _("联络员")
    FIELD_ASSESSOR = "field_assessor", _("实地考核组成员")
    GUIDANCE_STAFF = "guidance_staff", _("上级指导人员")
    VIEWER = "viewer", _("查阅人员")


class Dimension(models.TextChoices):
    """Art. 4: the five statutory dimensions, always present, plus the year's key tasks (CMP-4)."""

    POLITICAL = "political", _("（一）学习贯彻党的创新理论、做到“两个维护”")
    RESPONSIBILITY = "responsibility", _("（二）履行第一责任人职责和主体责任")
    KEY_WORK = "key_work", _("（三）落实基层党建重点任务、联系服务群众")
    CENTRAL_TASKS = "central_tasks", _("（四）围绕中心任务发挥战斗堡垒和先锋模范作用")
    DISCIPLINE = "discipline", _("（五）党风廉政建设责任制、意识形态工作责任制")
    KEY_TASKS = "key_tasks", _("年度重点任务")


STATUTORY_DIMENSIONS: tuple[str, ...] = (
    Dimension.POLITICAL,
    Dimension.RESPONSIBILITY,
    Dimension.KEY_WORK,
    Dimension.CENTRAL_TASKS,
    Dimension.DISCIPLINE,
)


class AssessmentMethod(models.TextChoices):
    """How an indicator is judged; Art. 6 prefers the first ones (多到现场看、多见具体事、多听群众说)."""

    SITE_VISIT = "site_visit", _("实地查看")
    MEMBER_VISIT = "member_visit", _("走访党员群众")
    INTERVIEW = "interview", _("个别谈话")
    SURVEY = "survey", _("问卷测评")
    DATA = "data", _("数据比对")
    REPORT_HEARING = "report_hearing", _("听取汇报")
    DOCUMENT_REVIEW = "document_review", _("查阅资料")


class AdjustmentKind(models.TextChoices):
    BONUS = "bonus", _("加分")
    PENALTY = "penalty", _("减分")


class FindingSource(models.TextChoices):
    """CMP-5 / Art. 4: problems fed back by inspection tours, audits and supervision."""

    INSPECTION = "inspection", _("巡视")
    CIRCUIT_INSPECTION = "circuit_inspection", _("巡察")
    AUDIT = "audit", _("审计")
    SUPERVISION = "supervision", _("督查")


class CompositeComponent(models.TextChoices):
    """The weighted components of the composite evaluation (EVA-1), the keys of settings["weights"] —
    the same keys shuping.evaluations.scoring reads. The organizer sets each campaign's weights, copied
    from last year (the demo uses 30/40/30 for ballot/field/observations)."""

    BALLOT = "ballot", _("民主评议")
    FIELD = "field", _("实地考核")
    OBSERVATIONS = "observations", _("平时了解")
    REPORT = "report", _("述职报告质量")
    COMMENTARY = "commentary", _("点评指出问题")
