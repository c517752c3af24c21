from django import forms

from shuping.core.forms import OperationForm

from .models import UpwardReport


class DraftUpwardReportForm(OperationForm):
    """起草向上级党组织的报告: the addressee's name when the parent organization is not in the system."""

    operation = "upward_report"
    addressee = forms.CharField(required=False)


class UpwardReportForm(forms.ModelForm):
    class Meta:
        model = UpwardReport
        fields = [
            "title",
            "scope_text",
            "meetings_text",
            "grades_text",
            "problems_text",
            "rectification_text",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields[1:]}
