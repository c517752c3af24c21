"""Forms of the meeting pages (thin: they parse; services decide)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.http import Http404

from shuping.campaigns.models import Assessment
from shuping.core.forms import OperationForm

from .choices import AttendeeCategory, CommentaryMode, CommenterRole, MeetingForm, ProblemCategory
from .models import Venue


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MeetingFormFields(forms.Form):
    form = forms.ChoiceField(label="会议形式", choices=MeetingForm.choices)
    held_on = forms.DateField(label="会议日期", widget=DateInput())
    venue = forms.CharField(label="会议地点", max_length=200)
    presiding_name = forms.CharField(
        label="主持会议的书记", max_length=64, required=False, help_text="留空则为组织单位书记"
    )
    commentary_mode = forms.ChoiceField(label="点评方式", choices=CommentaryMode.choices)
    announces_on_spot = forms.BooleanField(label="当场公布测评结果", required=False)


class AttendanceForm(forms.Form):
    venue = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.ChoiceField(label="类别", choices=AttendeeCategory.choices)
    headcount = forms.IntegerField(label="人数", min_value=0, max_value=5000)
    is_voting = forms.BooleanField(label="参加测评", required=False)
    names = forms.CharField(
        label="姓名（可选，每行一人：姓名｜单位职务）",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class CommenterForm(forms.Form):
    role = forms.ChoiceField(
        label="身份", choices=[c for c in CommenterRole.choices if c[0] != CommenterRole.PRESIDING]
    )
    name = forms.CharField(label="姓名", max_length=64)
    # Recorded by name and post (MTG-3): the minutes and the pack say who commented, not just a title.
    post = forms.CharField(label="职务", max_length=100, help_text="如：市委常委、组织部部长")
    portfolio = forms.CharField(label="分工", max_length=200, required=False)
    keywords = forms.CharField(label="分工关键词（逗号分隔）", max_length=300, required=False)


class FinaliseForm(forms.Form):
    remarks = forms.CharField(label="点评意见", widget=forms.Textarea(attrs={"rows": 6}))
    direction = forms.CharField(label="努力方向", widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(
        label="指出的问题（每行一条；可在行首写类别后加“｜”）",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )

    def problem_inputs(self):
        from .commentary import ProblemInput

        labels = {str(label): value for value, label in ProblemCategory.choices}
        out = []
        for line in self.cleaned_data.get("problems", "").splitlines():
            line = line.strip()
            if not line:
                continue
            category = ""
            for sep in ("｜", "|"):
                if sep in line:
                    head, tail = line.split(sep, 1)
                    if head.strip() in labels:
                        category, line = labels[head.strip()], tail.strip()
                    break
            out.append(ProblemInput(line, category))
        return out


# --- one form per write of the meeting page and the meeting-day screen (core.forms.handle_form) ------------


class _Form(OperationForm):
    #: The page's one-line summary when the form is invalid (shown before the fields' errors).
    invalid_message: ClassVar[str] = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors and self.invalid_message:
            raise forms.ValidationError(self.invalid_message)
        return data


class AgendaForm(_Form):
    """述职人 in the order ticked; only the campaign's assessments count (others are ignored)."""

    operation = "agenda"
    assessment = forms.Field(required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args: Any, campaign: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_assessment(self) -> list[int]:
        return [int(x) for x in self.cleaned_data["assessment"] or [] if str(x).isdigit()]

    def chosen(self) -> list[Assessment]:
        ids = self.cleaned_data["assessment"]
        found = list(Assessment.objects.filter(campaign=self.campaign, pk__in=ids))
        found.sort(key=lambda a: ids.index(a.pk))
        return found


class AttendanceEntryForm(AttendanceForm, _Form):
    operation = "attendance"
    invalid_message = "请检查参会人员类别和人数。"

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting

    def clean_venue(self) -> Venue:
        venue = Venue.objects.filter(meeting=self.meeting, pk=self.cleaned_data["venue"]).first()
        if venue is None:
            raise Http404
        return venue

    def attendees(self) -> list:
        """姓名｜单位职务, one a line (the 单位职务 may be left out)."""
        from .services import AttendeeInput

        names = []
        for line in self.cleaned_data["names"].splitlines():
            parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
            if parts and parts[0]:
                names.append(AttendeeInput(parts[0], parts[1] if len(parts) > 1 else ""))
        return names


class VenueForm(_Form):
    operation = "venue"
    name = forms.CharField(required=False)


class CommenterEntryForm(CommenterForm, _Form):
    operation = "commenter"
    invalid_message = "请填写点评人的姓名、职务和身份。"


class OfflineExportForm(_Form):
    """The 导出离线会场包 form: the laptop's voting address (blank: the venue uses paper slips only)."""

    operation = "offline_export"
    vote_url = forms.CharField(required=False)


class OpenVotingForm(_Form):
    operation = "open_voting"
    confirm_early = forms.BooleanField(required=False)


class CommentaryDraftForm(_Form):
    operation = "commentary_draft"
    draft_text = forms.CharField(required=False, strip=False)
