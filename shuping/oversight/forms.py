from django import forms

from .models import UpwardReport


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
