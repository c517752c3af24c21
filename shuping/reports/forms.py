"""Forms of the report pages (REP-1, REP-3): parse and validate only; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms

from shuping.core.forms import OperationForm
from shuping.orgs.models import Organization

from . import sections as report_sections
from .models import Report
from .publication import MAX_OPINION_CHARS


def _area(rows: int, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": rows}), help_text=help_text, max_length=50_000
    )


class ReportForm(forms.Form):
    paste = _area(
        4,
        "可将 Word 中的报告全文粘贴于此，系统按“一、工作成效”“二、存在的突出问题”等标题自动分节（会覆盖下面各栏）。",
    )
    achievements = _area(8)
    problems = _area(8, "每段一条问题，写清数字、地点或具体事例。")
    causes = _area(6)
    measures = _area(6)

    def __init__(self, *args, carry_over: list[dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.carry_over = carry_over or []
        for item in self.carry_over:
            self.fields[f"answer_{item['key']}"] = forms.CharField(
                label=item["item"],
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=10_000,
            )

    def problem_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["problems"].splitlines() if line.strip()]

    def answers(self) -> dict[str, str]:
        return {item["key"]: self.cleaned_data.get(f"answer_{item['key']}", "") for item in self.carry_over}

    def sections(self) -> dict[str, Any]:
        """The four sections as `services.save_report` takes them: from the pasted full text when there is
        one (it overrides the fields), else from the fields."""
        data = self.cleaned_data
        if data["paste"].strip():
            found = report_sections.from_text(data["paste"])
            return {
                "achievements": found.achievements,
                "problems": found.problems,
                "causes": found.causes,
                "measures": found.measures,
            }
        return {
            "achievements": data["achievements"],
            "problems": self.problem_items(),
            "causes": data["causes"],
            "measures": data["measures"],
        }


class UploadForm(forms.Form):
    file = forms.FileField(label="签字版述职报告（.docx）")


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=(("accept", "审核通过"), ("return", "退回修改")))
    remarks = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class PublicationForm(forms.Form):
    title = forms.CharField(label="标题", required=False, max_length=200)
    audience: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label="公布范围（党组织的党员群众）", queryset=None
    )
    opens_at = forms.DateTimeField(
        label="公布开始", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label="公布结束", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reports: forms.ModelMultipleChoiceField[Report] = forms.ModelMultipleChoiceField(
        label="公布的述职报告", queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, audiences, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = audiences
        self.fields["reports"].queryset = reports
        self.fields["reports"].label_from_instance = lambda r: (
            f"{r.assessment.organization_name} {r.assessment.person_name}"
        )


class OpinionForm(forms.Form):
    text = forms.CharField(
        label="您的意见", max_length=MAX_OPINION_CHARS, widget=forms.Textarea(attrs={"rows": 5})
    )
    report = forms.TypedChoiceField(label="针对", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, reports=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = [("", "全部述职报告")] + [
            (r.pk, f"{r.assessment.organization_name} {r.assessment.person_name}") for r in reports
        ]


class WithdrawForm(OperationForm):
    """The 撤回公布 button of a publication's page."""

    operation = "withdraw"
    action = forms.ChoiceField(
        choices=(("withdraw", "撤回公布"),),
        error_messages={"required": "未知操作。", "invalid_choice": "未知操作。"},
    )


class ModerateForm(forms.Form):
    status = forms.ChoiceField(choices=(("kept", "采纳"), ("dismissed", "不予采纳")))
    note = forms.CharField(required=False, max_length=300)
