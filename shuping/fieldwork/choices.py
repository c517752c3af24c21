"""Field assessment statuses, evidence kinds, talk categories, observation sources (FLD-1 … FLD-4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldStatus(models.TextChoices):
    PLANNED = "planned", _("已安排")
    RECORDING = "recording", _("考核中")
    COMPLETED = "completed", _("已完成")


class SampleMethod(models.TextChoices):
    RANDOM = "random", _("随机抽取")
    CHOSEN = "chosen", _("指定")


class Evidence(models.TextChoices):
    """What a score rests on. Art. 6 prefers the first two (多到现场看、多听群众说)."""

    SITE_VISIT = "site_visit", _("实地查看")
    TALK = "talk", _("谈话走访")
    SURVEY = "survey", _("群众满意度测评")
    DOCUMENT_REVIEW = "document_review", _("查阅资料台账")
    REPORT_HEARING = "report_hearing", _("听取汇报")


#: Evidence read from paper (Art. 6: 听汇报、查资料、看台账).
PAPER_EVIDENCE = frozenset({Evidence.DOCUMENT_REVIEW, Evidence.REPORT_HEARING})


class TalkCategory(models.TextChoices):
    """Who was talked to — categories only, never names (FLD-2)."""

    MEMBERS = "members", _("普通党员")
    MASSES = "masses", _("群众")
    CADRES = "cadres", _("基层干部")
    SECRETARIES = "secretaries", _("支部书记")
    NEW_MEMBERS = "new_members", _("新入党党员")
    FLOATING = "floating", _("流动党员")
    ELDERLY = "elderly", _("老党员")


class ObservationSource(models.TextChoices):
    """How the organizer learned something during the year (平时了解, Art. 6 结合平时调研了解)."""

    RESEARCH = "research", _("调研")
    TALK = "talk", _("谈心谈话")
    SUPERVISION = "supervision", _("督查检查")
    DAILY = "daily", _("日常工作")
    LETTERS = "letters", _("信访舆情")
    OTHER = "other", _("其他")
