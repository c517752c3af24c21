"""Forms of the meeting pages (thin: they parse; services decide)."""

from __future__ import annotations

from django import forms

from .choices import AttendeeCategory, CommentaryMode, CommenterRole, MeetingForm, ProblemCategory


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
