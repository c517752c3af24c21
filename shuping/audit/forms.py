"""The filter form of the audit page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    """Filter by action code prefix, actor name and a range of days; every field optional."""

    action = forms.CharField(
        label=_("操作代码"), required=False, max_length=64, help_text=_("前缀匹配，如 orgs.")
    )
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return cleaned
