"""Forms of the 反馈、通报与归档 pages (EVA-5 … EVA-7): one per write, parse and validate only; the services
check the content and say in Chinese what is wrong, so most fields are optional here. The pages draw their
fields by hand, so fields carry no labels: an error reads as the message."""

from __future__ import annotations

from django import forms

from shuping.core.forms import OperationForm
from shuping.orgs.models import Organization

from . import rules
from .choices import MaterialKind


def _text(max_length: int = 10_000) -> forms.CharField:
    return forms.CharField(required=False, max_length=max_length, strip=False)


class EmptyForm(OperationForm):
    """A write with no input (送达, 签收, 封存, 打包)."""


class ConfigForm(OperationForm):
    operation = "config"
    acknowledge_within_days = forms.IntegerField(
        required=False, error_messages={"invalid": "签收期限应在 1 到 90 天之间。"}
    )
    archive_materials = forms.MultipleChoiceField(required=False, choices=MaterialKind.choices)


class DraftForm(OperationForm):
    operation = "draft"
    summary = _text(20_000)
    requirements = _text(10_000)


class PaperAcknowledgementForm(OperationForm):
    operation = "paper"
    on_behalf_of = _text(100)
    acknowledged_on = forms.DateField(required=False)
    note = _text(500)


class CircularForm(OperationForm):
    operation = "circular"
    title = _text(300)
    audience = forms.ModelMultipleChoiceField(queryset=Organization.objects.all(), required=False)
    issued_on = forms.DateField(required=False)
    classification = _text(20)
    classification_period = _text(20)
    introduction = _text()
    closing = _text()
    has_seal = forms.BooleanField(required=False)
    style = _text(20)

    def chosen_audience(self) -> list[Organization]:
        return sorted(self.cleaned_data["audience"], key=lambda o: o.path)


class AuthorityForm(OperationForm):
    """Who holds a person's cadre file (干部管理权限): an assessee of the campaign and an organization code."""

    operation = "authority"
    assessment = forms.IntegerField(required=False)
    holder_code = _text(64)
    per_post = forms.BooleanField(required=False)
    note = _text(500)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean(self):
        data = super().clean()
        data["assessment"] = (
            self.campaign.assessments.select_related("person", "organization")
            .filter(pk=data.get("assessment") or 0, person__isnull=False)
            .first()
        )
        data["holder"] = Organization.objects.filter(code=(data.get("holder_code") or "").strip()).first()
        if data["assessment"] is None or data["holder"] is None:
            self.add_error("holder_code", "请填写干部管理单位的组织代码。")
        return data


class HolderRulesForm(OperationForm):
    """Per assessed level: is the cadre file held by the organizer or by the party committee above?"""

    operation = "rules"

    def __init__(self, *args, levels: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for value, _label in levels:
            self.fields[f"rule_{value}"] = forms.CharField(required=False, max_length=20)
        self.levels = levels

    def holder_rules(self) -> dict[str, str]:
        return {v: self.cleaned_data[f"rule_{v}"] or rules.ORGANIZER for v, _label in self.levels}


class TransferPaperForm(OperationForm):
    operation = "paper"
    on_behalf_of = _text(100)

    def clean_on_behalf_of(self):
        signer = self.cleaned_data["on_behalf_of"]
        if not signer.strip():
            raise forms.ValidationError("请填写纸质回执上的签收人。")
        return signer
