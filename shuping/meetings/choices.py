"""Meeting forms, statuses, attendee categories, commenter roles and commentary states (MTG-1 … MTG-3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingForm(models.TextChoices):
    """Art. 5: 上级党组织一般以党委常委会扩大会议或党委（党组）扩大会议的形式，听取下一级党组织书记述职。"""

    STANDING_COMMITTEE = "standing_committee", _("党委常委会扩大会议")
    COMMITTEE = "committee", _("党委（党组）扩大会议")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    IN_PROGRESS = "in_progress", _("进行中")
    HELD = "held", _("已召开")


#: planned → in progress (the day) → held. A held meeting is history; nothing goes back.
MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.IN_PROGRESS}),
    MeetingStatus.IN_PROGRESS: frozenset({MeetingStatus.HELD}),
    MeetingStatus.HELD: frozenset(),
}


class CommentaryMode(models.TextChoices):
    """Art. 5: 点评一般采取“一述一评”的方式进行，也可结合实际集中点评。"""

    ONE_BY_ONE = "one_by_one", _("一述一评")
    CONCENTRATED = "concentrated", _("集中点评")


class AttendeeCategory(models.TextChoices):
    """Who attends (Art. 5 ¶3, Art. 8 ¶2); each category may vote or not (configurable per meeting)."""

    COMMITTEE_MEMBER = "committee_member", _("党委（党组）班子成员")
    PARTY_CONGRESS = "party_congress", _("党代表")
    PEOPLES_CONGRESS = "peoples_congress", _("人大代表")
    CPPCC = "cppcc", _("政协委员")
    GRASSROOTS = "grassroots", _("基层党员干部群众代表")
    GUIDANCE = "guidance", _("上级指导人员")
    OBSERVER = "observer", _("列席人员")


#: Categories that vote unless the organizer decides otherwise: everybody invited to 评议 (Art. 5
#: 组织参会人员进行评议); the upper level's guidance staff comment (Art. 8) and observers only listen.
DEFAULT_VOTING_CATEGORIES: frozenset[str] = frozenset(
    {
        AttendeeCategory.COMMITTEE_MEMBER,
        AttendeeCategory.PARTY_CONGRESS,
        AttendeeCategory.PEOPLES_CONGRESS,
        AttendeeCategory.CPPCC,
        AttendeeCategory.GRASSROOTS,
    }
)


class CommenterRole(models.TextChoices):
    """Art. 5: 上级党组织书记应逐一进行点评，班子其他成员可结合工作分工进行点评; Art. 8: 上级派人 … 进行点评."""

    PRESIDING = "presiding", _("主持会议的书记")
    MEMBER = "member", _("班子成员")
    GUIDANCE = "guidance", _("上级指导人员")


class CommentaryStatus(models.TextChoices):
    DRAFT = "draft", _("点评稿")
    FINAL = "final", _("已定稿")


class ProblemCategory(models.TextChoices):
    """The Art. 4 dimensions a pointed-out problem falls under (seeds a rectification item later)."""

    POLITICAL = "political", _("政治建设和理论武装")
    RESPONSIBILITY = "responsibility", _("履行第一责任人职责")
    KEY_WORK = "key_work", _("基层党建重点任务")
    CENTRAL_TASKS = "central_tasks", _("围绕中心发挥作用")
    DISCIPLINE = "discipline", _("党风廉政和意识形态")
    KEY_TASKS = "key_tasks", _("年度重点任务")
    OTHER = "other", _("其他")
