"""Forms of the campaign wizard and pages: parse and validate input; services do the writing."""

from __future__ import annotations

from django import forms

from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.models import Organization

from .choices import AdjustmentKind, AssessmentMethod, CompositeComponent, Dimension, FindingSource
from .models import CampaignNotice
from .rules import ART6_QUOTA_REQUIRED


class StartForm(forms.Form):
    organizer: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label="组织单位", queryset=None, empty_label=None
    )
    year = forms.IntegerField(label="考核年度", min_value=2019, max_value=2100)
    notice: forms.ModelChoiceField[CampaignNotice] = forms.ModelChoiceField(
        label="依据上级通知（可选）", queryset=None, required=False, empty_label="不依据上级通知"
    )

    def __init__(self, *args, organizers=None, notices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = organizers
        self.fields["notice"].queryset = notices


class ScheduleForm(forms.Form):
    starts_on = forms.DateField(
        label="启动日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    field_starts_on = forms.DateField(
        label="实地考核开始", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    field_ends_on = forms.DateField(
        label="实地考核结束", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    meetings_start_on = forms.DateField(
        label="述职评议会开始", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    meetings_end_on = forms.DateField(
        label="述职评议会结束", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label="结束日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    lower_grades_min_percent = forms.IntegerField(
        label="“较好”及以下等次至少占比（%）",
        min_value=0,
        max_value=100,
        help_text="《办法》第六条：评价为“较好”或以下等次的应占一定比例。比例由本级确定，次年沿用。",
        error_messages={"required": ART6_QUOTA_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # EVA-1: the composite's weights, per campaign and copied from last year (blank = not weighted).
        for key, label in CompositeComponent.choices:
            self.fields[f"weight_{key}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=100,
                required=False,
                widget=forms.NumberInput(attrs={"class": "short"}),
            )

    def schedule_fields(self):
        return [f for f in self if not f.name.startswith("weight_")]

    def weight_fields(self):
        return [f for f in self if f.name.startswith("weight_")]


class IndicatorForm(forms.Form):
    indicator_set = forms.IntegerField(widget=forms.HiddenInput)
    dimension = forms.ChoiceField(label="考核内容", choices=Dimension.choices)
    text = forms.CharField(
        label="指标", max_length=500, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    weight = forms.DecimalField(label="分值", min_value=0, max_value=1000, decimal_places=2, initial=0)
    method = forms.ChoiceField(
        label="考核方式", choices=[("", "—"), *AssessmentMethod.choices], required=False
    )


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(label="适用党组织类型", choices=OrgKind.choices)
    level = forms.ChoiceField(label="适用层级", choices=AdminLevel.choices)


class NoticeForm(forms.Form):
    title = forms.CharField(label="通知标题", max_length=200)
    key_content = forms.CharField(label="重点内容", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    forms_list = forms.CharField(
        label="表格样式（每行一项）", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    statistics = forms.CharField(
        label="统计表（每行一项）", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class MeetingPlanForm(forms.Form):
    planned_on = forms.DateField(
        label="会议日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    venue = forms.CharField(label="地点", max_length=200)
    agenda = forms.CharField(label="议程", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class LiaisonAccountForm(forms.Form):
    full_name = forms.CharField(label="姓名", max_length=64)
    username = forms.CharField(
        label="用户名",
        max_length=150,
        help_text="用于登录，字母、数字或 @ . + - _。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )


class FindingForm(forms.Form):
    source = forms.ChoiceField(label="来源", choices=FindingSource.choices)
    fed_back_on = forms.DateField(
        label="反馈日期",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 2}))
    rectification_status = forms.CharField(label="整改情况", max_length=300, required=False)


class IndicatorEditForm(forms.Form):
    text = forms.CharField(label="指标", max_length=500)
    weight = forms.DecimalField(label="分值", min_value=0, max_value=1000, decimal_places=2)
    scoring_guidance = forms.CharField(
        label="评分标准", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    method = forms.ChoiceField(
        label="考核方式", choices=[("", "—"), *AssessmentMethod.choices], required=False
    )
    override_reason = forms.CharField(label="保留理由", max_length=300, required=False)


class AdjustmentForm(forms.Form):
    indicator_set = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="类型", choices=AdjustmentKind.choices)
    text = forms.CharField(label="事项", max_length=500)
    max_points = forms.DecimalField(label="最高分值", min_value=0, max_value=1000, decimal_places=2)
