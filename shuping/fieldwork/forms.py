"""Forms of the field assessment pages (FLD-1 … FLD-5): one per write, parse and validate only; services
check the content and say in Chinese what is wrong. The pages draw their fields by hand, so fields carry no
labels: an error reads as the message."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone

from shuping.accounts.models import User
from shuping.core.forms import OperationForm

from . import services
from .choices import Evidence
from .models import FieldTeam


def _text(max_length: int = 10_000) -> forms.CharField:
    return forms.CharField(required=False, max_length=max_length, strip=False)


class EmptyForm(OperationForm):
    """A write with no input (完成实地考核)."""


class TeamForm(OperationForm):
    """组建考核组: a leader and members from the campaign's candidates, and the team's dates."""

    operation = "team"
    name = _text(100)
    leader = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        error_messages={"invalid_choice": "请选择组长。"},
    )
    members = forms.ModelMultipleChoiceField(queryset=User.objects.none(), required=False)
    starts_on = forms.DateField(required=False)
    ends_on = forms.DateField(required=False)

    def __init__(self, *args, candidates: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        allowed = User.objects.filter(pk__in=[u.pk for u in candidates])
        self.fields["leader"].queryset = allowed  # type: ignore[attr-defined]
        self.fields["members"].queryset = allowed  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        if data.get("leader") is None and "leader" not in self.errors:
            self.add_error("leader", "请选择组长。")
        if not data.get("starts_on") or not data.get("ends_on"):
            self.add_error("starts_on", "请填写考核组的开始和结束日期。")
        return data


class CoverForm(OperationForm):
    """分配考核对象: many assessees to one team in one submit (FLOW-4), with the visit window and the draw."""

    operation = "cover"
    team = forms.ModelChoiceField(queryset=FieldTeam.objects.none(), required=False)
    assessments = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    visit_starts_on = forms.DateField(required=False)
    visit_ends_on = forms.DateField(required=False)
    sample_size = forms.IntegerField(required=False)
    seed = forms.IntegerField(required=False, error_messages={"invalid": "随机种子应为整数。"})

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["team"].queryset = campaign.field_teams.all()  # type: ignore[attr-defined]
        # Ids are checked against the campaign below; an id of another campaign is simply not chosen.
        self.fields["assessments"].choices = [  # type: ignore[attr-defined]
            (v, v) for v in self.data.getlist("assessments") if v.strip().isdigit()
        ]

    def clean(self):
        data = super().clean()
        team = data.get("team")
        chosen = list(
            self.campaign.assessments.filter(pk__in=data.get("assessments") or ()).order_by(
                "organization_path", "pk"
            )
        )
        if team is None or not chosen:
            raise forms.ValidationError("请选择考核组并勾选考核对象。")
        data["chosen"] = chosen
        data["visit_starts_on"] = data.get("visit_starts_on") or team.starts_on
        data["visit_ends_on"] = data.get("visit_ends_on") or team.ends_on
        return data


class ObservationForm(OperationForm):
    """平时了解 about one assessee the user may record for."""

    operation = "observation"
    assessment = forms.TypedChoiceField(
        coerce=int,
        choices=(),
        error_messages={"required": "请选择考核对象。", "invalid_choice": "请选择考核对象。"},
    )
    observed_on = forms.DateField(required=False)
    source = _text(40)
    text = _text()
    score = forms.IntegerField(required=False, error_messages={"invalid": "评分应为 0 到 100 的整数。"})

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = {a.pk: a for a in subjects}
        self.fields["assessment"].choices = [(pk, pk) for pk in self.subjects]  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        data["observed_on"] = data.get("observed_on") or timezone.localdate()
        if data.get("assessment") is not None:
            data["assessment"] = self.subjects[data["assessment"]]
        return data


class OverrideForm(OperationForm):
    operation = "override"
    reason = _text(2000)


class SurveyForm(OperationForm):
    operation = "survey"
    weight_percent = forms.IntegerField(required=False)


class _Strings(forms.MultipleChoiceField):
    """Repeated string values passed on as they are: the service checks them and names what is wrong."""

    def valid_value(self, value: str) -> bool:
        return True


def _count(raw: str) -> int:
    """A head count typed on a phone: anything not a whole number counts as 0 (the field is optional)."""
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return 0


class RecordForm(OperationForm):
    """One field record from the team's phone page (FLD-2): a visit, a talk and scores per indicator, sent as
    a form by record.js (offline drafts, `client_uuid` makes a retry harmless) or by a plain post. The score
    inputs are named per indicator (`score_<id>`, `ev_<id>`, `note_<id>`, `reason_<id>`)."""

    operation = "record"
    client_uuid = _text(64)
    place = _text(300)
    facts = _text()
    unit = forms.CharField(required=False)
    summary = _text()
    members_count = forms.CharField(required=False)
    masses_count = forms.CharField(required=False)
    cadres_count = forms.CharField(required=False)
    categories = _Strings(required=False)
    drafted_at = forms.DateTimeField(required=False)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for ind in self.indicators:
            self.fields[f"score_{ind.pk}"] = forms.IntegerField(
                required=False, error_messages={"invalid": "得分率应为 0 到 100 的整数。"}
            )
            self.fields[f"ev_{ind.pk}"] = _Strings(required=False)
            self.fields[f"note_{ind.pk}"] = _text()
            self.fields[f"reason_{ind.pk}"] = _text(300)

    def visit(self) -> services.VisitInput:
        data = self.cleaned_data
        return services.VisitInput(
            place=data["place"], facts=data["facts"], unit_id=_count(data["unit"]) or None
        )

    def talk(self) -> services.TalkInput:
        data = self.cleaned_data
        return services.TalkInput(
            summary=data["summary"],
            members_count=_count(data["members_count"]),
            masses_count=_count(data["masses_count"]),
            cadres_count=_count(data["cadres_count"]),
            categories=tuple(data["categories"]),
        )

    def scores(self) -> list[services.ScoreInput]:
        """Indicators given a score; evidence names a kind, an earlier visit (`visit:<id>`) or talk
        (`talk:<id>`), or this record's own new visit / talk."""
        out = []
        for ind in self.indicators:
            percent = self.cleaned_data[f"score_{ind.pk}"]
            if percent is None:
                continue
            evidence = self.cleaned_data[f"ev_{ind.pk}"]
            out.append(
                services.ScoreInput(
                    indicator_id=ind.pk,
                    percent=percent,
                    evidence_kinds=tuple(e for e in evidence if e in Evidence.values),
                    visit_ids=tuple(_count(e[6:]) for e in evidence if e.startswith("visit:")),
                    talk_ids=tuple(_count(e[5:]) for e in evidence if e.startswith("talk:")),
                    with_new_visit="new_visit" in evidence,
                    with_new_talk="new_talk" in evidence,
                    note=self.cleaned_data[f"note_{ind.pk}"],
                    override_reason=self.cleaned_data[f"reason_{ind.pk}"],
                )
            )
        return out

    def first_error(self) -> tuple[str, str]:
        """(field, message) of the first error, for the page's script (JSON)."""
        for name, errors in self.errors.items():
            return ("__all__" if name == NON_FIELD_ERRORS else name), str(errors[0])
        return "__all__", ""
