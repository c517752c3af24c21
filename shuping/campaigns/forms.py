"""Forms of the campaign wizard and pages: parse and validate input; services do the writing."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms

from shuping.core.forms import OperationForm
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.models import Organization, Secretaryship

from .choices import AdjustmentKind, AssessmentMethod, CompositeComponent, Dimension, FindingSource
from .models import Adjustment, Assessment, CampaignNotice, Indicator, IndicatorSet
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


# --- one form per write of the wizard and campaign pages (core.forms.handle_form) --------------------------
#
# They parse; the services decide. Where a page used to answer a bad form with one sentence, the form keeps
# that sentence (`invalid_message`) above the fields' own errors.


class _Form(OperationForm):
    #: The page's one-line summary when the form is invalid (shown before the fields' errors).
    invalid_message: ClassVar[str] = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors and self.invalid_message:
            raise forms.ValidationError(self.invalid_message)
        return data


def _text(max_length: int | None = None) -> forms.CharField:
    return forms.CharField(required=False, max_length=max_length)


class IdListField(forms.Field):
    """Several ids under one name (checkboxes); anything not a number is ignored."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        return [int(v) for v in value or [] if str(v).isdigit()]


class ScopeProposeForm(_Form):
    operation = "scope_propose"
    optional = IdListField(required=False)
    villages = _text()

    def includes_villages(self) -> bool:
        return self.cleaned_data["villages"] == "1"


class _AssessmentRowForm(_Form):
    """A write on one row of the scope list: the assessment must be the campaign's."""

    assessment = forms.ModelChoiceField(
        queryset=Assessment.objects.none(),
        error_messages={"required": "未找到该考核对象。", "invalid_choice": "未找到该考核对象。"},
    )

    def __init__(self, *args: Any, campaign: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["assessment"])
        field.queryset = campaign.assessments.all()


class ScopeExcludeForm(_AssessmentRowForm):
    operation = "scope_exclude"
    reason = _text()


class ScopeRestoreForm(_AssessmentRowForm):
    operation = "scope_restore"
    reason = _text()


class ScopeGradingForm(_AssessmentRowForm):
    operation = "scope_grading"
    is_graded = _text()
    reason = _text()

    def grading(self) -> bool:
        return self.cleaned_data["is_graded"] == "1"


class ScopeModeForm(_AssessmentRowForm):
    operation = "scope_mode"
    mode = _text()


class ScopePredecessorForm(_AssessmentRowForm):
    """增列前任书记: the secretaryship must be of the assessment's organization."""

    operation = "scope_predecessor"
    secretaryship = _text()
    reason = _text()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assessment = data.get("assessment")
        raw = data.get("secretaryship") or ""
        found = (
            Secretaryship.objects.filter(pk=int(raw), organization_id=assessment.organization_id).first()
            if assessment is not None and raw.isdigit()
            else None
        )
        if assessment is not None and found is None:
            self.add_error("secretaryship", "未找到该前任书记的任职记录。")
        data["secretaryship"] = found
        return data


class ScopeAddForm(_Form):
    """增补 an organization by its code."""

    operation = "scope_add"
    code = _text()
    reason = _text()

    def clean_code(self) -> Organization:
        organization = Organization.objects.filter(code=self.cleaned_data["code"].strip()).first()
        if organization is None:
            raise forms.ValidationError("未找到该组织代码。")
        return organization


class IndicatorTemplateForm(TemplateForm, _Form):
    operation = "indicator_template"
    invalid_message = "请选择适用的党组织类型和层级。"


class _InCampaignForm(_Form):
    """A form naming an object of the campaign's indicator sets by a hidden id."""

    def __init__(self, *args: Any, campaign: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def _of_campaign(self, model: Any, field: str, lookup: str, missing: str) -> Any:
        raw = str(self.cleaned_data.get(field) or "")
        found = (
            model.objects.filter(**{lookup: self.campaign}, pk=int(raw)).first() if raw.isdigit() else None
        )
        if found is None:
            raise forms.ValidationError(missing)
        return found


class IndicatorAddForm(IndicatorForm, _InCampaignForm):
    operation = "indicator_add"
    invalid_message = "请完整填写指标内容、考核内容和分值。"

    def clean_indicator_set(self) -> Any:
        return self._of_campaign(IndicatorSet, "indicator_set", "campaign", "未找到该指标体系。")


class AdjustmentAddForm(AdjustmentForm, _InCampaignForm):
    operation = "indicator_adjustment_add"
    invalid_message = "请填写加减分事项和最高分值。"

    def clean_indicator_set(self) -> Any:
        return self._of_campaign(IndicatorSet, "indicator_set", "campaign", "未找到该指标体系。")


class AdjustmentRemoveForm(_InCampaignForm):
    operation = "indicator_adjustment_remove"
    adjustment = _text()

    def clean_adjustment(self) -> Any:
        return self._of_campaign(Adjustment, "adjustment", "indicator_set__campaign", "未找到该加减分项。")


class _IndicatorRowForm(_InCampaignForm):
    indicator = _text()

    def clean_indicator(self) -> Any:
        return self._of_campaign(Indicator, "indicator", "indicator_set__campaign", "未找到该指标。")


class IndicatorUpdateForm(IndicatorEditForm, _IndicatorRowForm):
    operation = "indicator_edit"
    invalid_message = "请填写指标内容和分值（0 到 1000）。"


class IndicatorOverrideForm(_IndicatorRowForm):
    operation = "indicator_override"
    reason = _text()


class IndicatorRemoveForm(_IndicatorRowForm):
    operation = "indicator_remove"


class IndicatorLintForm(forms.Form):
    """The live 形式主义 check while an indicator is typed (reads only)."""

    text = _text()
    scoring_guidance = _text()
    method = _text()


class NoticePublishForm(NoticeForm, _Form):
    operation = "notice"
    invalid_message = "请填写通知标题。"


class MeetingPlanSubmitForm(MeetingPlanForm, _Form):
    operation = "meeting_plan"
    invalid_message = "请填写会议日期和地点。"


class FindingImportForm(_Form):
    """导入巡视巡察等反馈问题: the file itself is taken by the view through the upload gate (INT-1,
    core.uploads.receive), never bound to the form — a form's FileField would read it unchecked."""

    operation = "finding_import"


class GuidanceAssignForm(_Form):
    """派出指导人员: a lower campaign that answers this one's notice, and a user."""

    operation = "guidance"
    invalid_message = "请选择下级考核和指导人员。"
    lower = _text()
    user = _text()

    def __init__(self, *args: Any, campaign: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean(self) -> dict[str, Any]:
        from shuping.accounts.models import User

        from .models import Campaign

        lower, user = self.data.get("lower") or "", self.data.get("user") or ""
        found_lower = Campaign.objects.filter(
            source_notice__campaign=self.campaign, pk=int(lower) if lower.isdigit() else 0
        ).first()
        found_user = User.objects.filter(pk=int(user) if user.isdigit() else 0).first()
        if found_lower is None or found_user is None:
            raise forms.ValidationError(self.invalid_message)
        return {"lower": found_lower, "user": found_user}


class GrantForm(_Form):
    operation = "grant"
    user = _text()
    role = _text()


class RevokeForm(_Form):
    operation = "revoke"
    grant = _text()


class LiaisonPickForm(_Form):
    operation = "liaison"
    user = _text()


class LiaisonCreateForm(LiaisonAccountForm, _Form):
    operation = "liaison_create"
    invalid_message = "请填写联络员姓名和用户名。"


class ReopenForm(_Form):
    operation = "reopen"
    reason = _text()


class FindingEntryForm(FindingForm, _Form):
    operation = "finding"
    invalid_message = "请选择来源并填写问题描述；反馈日期格式为 YYYY-MM-DD。"


class StageForm(_Form):
    operation = "stage"
    to_stage = _text()
    next = _text()
