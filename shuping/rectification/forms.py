"""Forms of the 整改 pages (RCT-1 … RCT-4): one per write, parse and validate only; services do the writing
and say in Chinese what is missing (so most fields are optional here and the service's message is the one
shown). The pages draw their fields by hand, so fields carry no labels: an error reads as the message."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_date

from shuping.core.forms import OperationForm

from .models import RectificationItem


def _text(max_length: int = 10_000) -> forms.CharField:
    return forms.CharField(required=False, max_length=max_length, strip=False)


class MilestonesMixin(forms.Form):
    """Optional 阶段目标: pairs of text and date posted as repeated `milestone_text` / `milestone_on`;
    incomplete pairs are dropped."""

    def milestones(self) -> list[tuple[str, date]]:
        data = self.data
        if not isinstance(data, MultiValueDict):
            raise TypeError("MilestonesMixin reads repeated fields: bind the form to request.POST")
        pairs = zip(data.getlist("milestone_text"), data.getlist("milestone_on"), strict=False)
        out = []
        for text, raw in pairs:
            try:
                on = parse_date(raw or "")
            except ValueError:  # well formed but not a date (2024-02-30): dropped like an empty one
                on = None
            if text.strip() and on is not None:
                out.append((text, on))
        return out


class ItemForm(OperationForm, MilestonesMixin):
    """Measures, responsible person, deadline and new milestones of an item. The problem stays as it was
    pointed out (RCT-1: items come from the problems, nothing is typed twice), so it is not a field."""

    operation = "item"
    measures = _text()
    responsible = _text(100)
    deadline = forms.DateField(required=False)

    def __init__(self, *args, target_item: RectificationItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_item = target_item  # which item card keeps the typed values after a refusal


class AddItemForm(ItemForm):
    operation = "add_item"
    problem = _text()


class EmptyForm(OperationForm):
    """A write with no input (建立清单, 报备, 确认, 标记完成)."""


class ReturnListForm(OperationForm):
    operation = "return_list"
    remarks = _text(2000)


class MergeForm(OperationForm):
    operation = "merge"
    items = forms.ModelMultipleChoiceField(queryset=RectificationItem.objects.none(), required=False)

    def __init__(self, *args, rectification_list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = rectification_list.items.all()  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        if len(data.get("items") or ()) < 2:
            raise forms.ValidationError("请至少选择两项要合并的事项。")
        return data

    def chosen(self) -> list[RectificationItem]:
        return sorted(self.cleaned_data["items"], key=lambda item: (item.position, item.pk))


class AdmonitionForm(OperationForm):
    operation = "admonition"
    conducted_by = _text(100)
    held_on = forms.DateField(required=False)
    record = _text()


class ReferralForm(OperationForm):
    operation = "referral"
    referred_to = _text(200)
    reason = _text()
    referred_on = forms.DateField(required=False)


class ProgressForm(OperationForm):
    operation = "progress"
    text = _text()
    on_behalf_of = _text(100)


class CloseItemForm(OperationForm):
    operation = "close"
    note = _text(2000)


class SendBackForm(OperationForm):
    operation = "send_back"
    reason = _text(2000)


class BoardClosureForm(OperationForm):
    """销号 of many items on the campaign board, singly chosen or by sampling (`size`)."""

    operation = "closure"
    items = forms.ModelMultipleChoiceField(queryset=RectificationItem.objects.none(), required=False)
    note = _text(2000)
    size = forms.IntegerField(required=False, min_value=0)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = RectificationItem.objects.filter(  # type: ignore[attr-defined]
            rectification_list__campaign=campaign
        )


class SettingsForm(OperationForm):
    operation = "settings"
    days = forms.IntegerField(required=False, min_value=0)
    admonition_deadline_days = forms.IntegerField(required=False, min_value=0)


class AnnualGradeForm(OperationForm):
    operation = "annual_grade"
    person = forms.TypedChoiceField(
        coerce=int,
        error_messages={
            "required": "请选择本次考核中的书记。",
            "invalid_choice": "请选择本次考核中的书记。",
        },
    )
    grade = _text(20)
    note = _text(500)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        self.fields["person"].choices = [(pk, person.name) for pk, person in people.items()]  # type: ignore[attr-defined]
