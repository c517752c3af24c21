"""Evaluation statuses along the decision chain, decision step kinds, recusal reasons (EVA-2, EVA-4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    """Art. 6: 按“好、较好、一般、差”确定等次."""

    GOOD = "好", _("好")
    FAIRLY_GOOD = "较好", _("较好")
    AVERAGE = "一般", _("一般")
    POOR = "差", _("差")


class EvaluationStatus(models.TextChoices):
    """Art. 6 经党委（党组）研究: section draft → department meeting → committee (approval locks)."""

    OPEN = "open", _("拟定中")
    SECTION_DRAFT = "section_draft", _("科室已拟定")
    DEPARTMENT_REVIEWED = "department_reviewed", _("部务会已审议")
    APPROVED = "approved", _("党委（党组）已研究")


class StepKind(models.TextChoices):
    SECTION_DRAFT = "section_draft", _("科室拟定")
    DEPARTMENT_MEETING = "department_meeting", _("部务会审议")
    COMMITTEE = "committee", _("党委（党组）研究")
    REDECISION = "redecision", _("重新研究")


#: Each step moves the evaluations from the status on the left to the one on the right.
STEP_FLOW: dict[str, tuple[str, str]] = {
    StepKind.SECTION_DRAFT: (EvaluationStatus.OPEN, EvaluationStatus.SECTION_DRAFT),
    StepKind.DEPARTMENT_MEETING: (EvaluationStatus.SECTION_DRAFT, EvaluationStatus.DEPARTMENT_REVIEWED),
    StepKind.COMMITTEE: (EvaluationStatus.DEPARTMENT_REVIEWED, EvaluationStatus.APPROVED),
}

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    EvaluationStatus.OPEN: frozenset({EvaluationStatus.SECTION_DRAFT}),
    EvaluationStatus.SECTION_DRAFT: frozenset({EvaluationStatus.DEPARTMENT_REVIEWED, EvaluationStatus.OPEN}),
    EvaluationStatus.DEPARTMENT_REVIEWED: frozenset({EvaluationStatus.APPROVED, EvaluationStatus.OPEN}),
    EvaluationStatus.APPROVED: frozenset(),
}


class VersionKind(models.TextChoices):
    PROPOSAL = "proposal", _("提出等次")
    APPROVAL = "approval", _("研究确定")
    REDECISION = "redecision", _("重新研究")


class RecusalReason(models.TextChoices):
    """回避: a person whose own grade is in the set, or who is related to an assessee."""

    OWN_GRADE = "own_grade", _("本人等次在审议范围内")
    RELATED = "related", _("与考核对象有亲属等关系")
    OTHER = "other", _("其他应当回避的情形")
