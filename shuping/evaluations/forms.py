"""The rules page's form (EVA-1, EVA-2): parse and check types only; `services.save_config` does the rest.

One flat form: weights per component, score bands, vetoes and ballot thresholds as a few rows each (a blank
row is ignored, so nothing typed is lost when another field is wrong), the quota rule, rounding, pooling and
the names of the groups per kind of organization.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

from django import forms

from shuping.core.forms import OperationForm
from shuping.orgs.choices import OrgKind

from .choices import RecusalReason
from .models import Evaluation
from .scoring import COMPONENT_LABELS, GRADES
from .selectors import DEFAULT_GROUPS, OTHER_GROUP

#: Weight inputs in the order the page lists them.
WEIGHT_ORDER = ("ballot", "field", "observations", "report", "commentary")
ROUNDING_LABELS = {"ceil": "向上取整（默认）", "half_up": "四舍五入", "floor": "向下取整"}
MEASURE_LABELS = {"top_rate": "好票率", "top_two_rate": "好和较好票率"}
ROWS = 3  # blank rows offered for vetoes and ballot thresholds beyond those already set


def _int(label: str, low: int, high: int, required: bool = True) -> forms.IntegerField:
    name = label.replace("%", "%%")  # error messages are %-formatted with the field's params
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": f"请填写{name}。",
            "invalid": f"{name}应为整数。",
            "min_value": f"{name}不能小于 {low}。",
            "max_value": f"{name}不能大于 {high}。",
        },
    )


def _decimal(label: str, low: int, high: int, required: bool = True) -> forms.DecimalField:
    name = label.replace("%", "%%")  # error messages are %-formatted with the field's params
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=low,
        max_value=high,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        error_messages={
            "required": f"请填写{name}。",
            "invalid": f"{name}应为数字。",
            "min_value": f"{name}不能小于 {low}。",
            "max_value": f"{name}不能大于 {high}。",
            "max_decimal_places": f"{name}最多两位小数。",
            "max_digits": f"{name}数字过长。",
        },
    )


def _plain(value: Any) -> Any:
    """A stored number as the input shows it (90 rather than 90.00)."""
    if value is None or value == "":
        return None
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else number.normalize()


class ConfigForm(forms.Form):
    lower_min_percent = _int("“较好”及以下等次最低比例（%）", 0, 100)
    top_max_percent = _decimal("“好”等次最高比例（%）", 0, 100, required=False)
    rounding = forms.ChoiceField(label="人数取整", choices=list(ROUNDING_LABELS.items()))
    pool_below = _int("不足多少人的组合并计算", 0, 100)
    adjustment_cap = _decimal("加减分上限（分）", 0, 100, required=False)
    disagreement_percent = _int("各来源排名差异提示阈值（%）", 1, 100)

    def __init__(self, *args, config, weights: dict[str, int], lower: Fraction, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        #: Errors of a whole section (weights, bands, vetoes …), from here or from the service.
        self.section_errors: dict[str, list[str]] = {}
        for name in WEIGHT_ORDER:
            self.fields[f"weight_{name}"] = _int(COMPONENT_LABELS[name], 0, 100, required=False)
            self.initial[f"weight_{name}"] = weights.get(name, 0)
        bands = dict((str(g), f) for g, f in config.bands or [])
        for i, grade in enumerate(GRADES[:-1]):
            self.fields[f"band_{i}"] = _decimal(f"“{grade}”最低分", 0, 100)
            self.initial[f"band_{i}"] = _plain(bands.get(grade))
        self.veto_count = len(config.vetoes or []) + ROWS
        for i in range(self.veto_count):
            self.fields[f"veto_{i}_flag"] = forms.CharField(
                required=False, widget=forms.HiddenInput, max_length=40
            )
            self.fields[f"veto_{i}_label"] = forms.CharField(label="情形", required=False, max_length=100)
            self.fields[f"veto_{i}_cap"] = forms.ChoiceField(
                label="等次最高为", choices=[(g, g) for g in GRADES[1:]], initial="一般", required=False
            )
        for i, v in enumerate(config.vetoes or []):
            self.initial.update(
                {
                    f"veto_{i}_flag": v.get("flag"),
                    f"veto_{i}_label": v.get("label"),
                    f"veto_{i}_cap": v.get("cap"),
                }
            )
        self.threshold_count = len(config.ballot_thresholds or []) + ROWS
        for i in range(self.threshold_count):
            self.fields[f"threshold_{i}_measure"] = forms.ChoiceField(
                label="测评指标", choices=list(MEASURE_LABELS.items()), required=False
            )
            self.fields[f"threshold_{i}_percent"] = _decimal("门槛比例（%）", 0, 100, required=False)
            self.fields[f"threshold_{i}_rules_out"] = forms.ChoiceField(
                label="低于门槛的不得评为", choices=[(g, g) for g in GRADES[:-1]], required=False
            )
        for i, t in enumerate(config.ballot_thresholds or []):
            self.initial.update(
                {
                    f"threshold_{i}_measure": t.get("measure", "top_rate"),
                    f"threshold_{i}_percent": _plain(t.get("min_percent")),
                    f"threshold_{i}_rules_out": t.get("rules_out", GRADES[0]),
                }
            )
        self.kinds = kinds
        groups = config.groups or {}
        for kind in kinds:
            self.fields[f"group_{kind}"] = forms.CharField(
                label=OrgKind(kind).label if kind in OrgKind.values else kind,
                required=False,
                max_length=40,
                widget=forms.TextInput(attrs={"placeholder": DEFAULT_GROUPS.get(kind, OTHER_GROUP)}),
                error_messages={"max_length": "分组名称最多 40 个字。"},
            )
            self.initial[f"group_{kind}"] = groups.get(kind, "")
        self.initial.update(
            {
                "lower_min_percent": int(lower),
                "top_max_percent": _plain(config.top_max_percent),
                "rounding": config.rounding,
                "pool_below": config.pool_below,
                "adjustment_cap": _plain(config.adjustment_cap),
                "disagreement_percent": config.disagreement_percent,
            }
        )

    # --- the page's sections ------------------------------------------------------------------------

    def weight_fields(self):
        return [self[f"weight_{n}"] for n in WEIGHT_ORDER]

    def band_fields(self):
        return [self[f"band_{i}"] for i in range(len(GRADES) - 1)]

    def veto_rows(self):
        return [
            (self[f"veto_{i}_flag"], self[f"veto_{i}_label"], self[f"veto_{i}_cap"])
            for i in range(self.veto_count)
        ]

    def threshold_rows(self):
        return [
            (self[f"threshold_{i}_measure"], self[f"threshold_{i}_percent"], self[f"threshold_{i}_rules_out"])
            for i in range(self.threshold_count)
        ]

    def group_fields(self):
        return [self[f"group_{k}"] for k in self.kinds]

    def error_summary(self) -> list[str]:
        """Every error on one list, each field's with its label (shown above the form)."""
        out = [
            f"{self[name].label}：{e}"
            for name, errors in self.errors.items()
            if name != "__all__"
            for e in errors
        ]
        return out + [e for key, errors in self.section_errors.items() for e in errors if key == "other"]

    def weight_total(self) -> int | None:
        """The weights' sum as typed (for the page to show), None when unreadable."""
        total = 0
        for field in self.weight_fields():
            raw = field.value()
            try:
                total += int(raw or 0)
            except (TypeError, ValueError):
                return None
        return total

    def clean(self):
        data = super().clean()
        weights = [data.get(f"weight_{n}") for n in WEIGHT_ORDER]
        if all(f"weight_{n}" not in self.errors for n in WEIGHT_ORDER):
            total = sum(w or 0 for w in weights)
            if total != 100:
                self.add_section_error("weights", f"各项权重合计应为 100，现为 {total}。")
        return data

    def add_section_error(self, section: str | None, message: str) -> None:
        """An error for a section of the page (a service's `field`, e.g. "bands"); unknown ones go on top."""
        known = {"weights", "lower_grades_min_percent", "lower_min_percent", "bands", "vetoes"}
        known |= {"ballot_thresholds", "adjustment_cap", "top_max_percent", "rounding", "pool_below"}
        known |= {"disagreement_percent", "groups"}
        key = {"lower_grades_min_percent": "lower_min_percent"}.get(section or "", section or "")
        self.section_errors.setdefault(key if key in known else "other", []).append(message)
        self.add_error(None, message)

    def to_fields(self) -> dict[str, Any]:
        """The keyword arguments of `services.save_config`."""
        d = self.cleaned_data
        vetoes = []
        used = {d.get(f"veto_{i}_flag") for i in range(self.veto_count)} - {None, ""}
        n = 0
        for i in range(self.veto_count):
            label = (d.get(f"veto_{i}_label") or "").strip()
            if not label:
                continue
            flag = d.get(f"veto_{i}_flag") or ""
            if not flag:
                n += 1
                while f"veto_{n}" in used:
                    n += 1
                flag = f"veto_{n}"
                used.add(flag)
            vetoes.append({"flag": flag, "cap": d.get(f"veto_{i}_cap") or "一般", "label": label})
        thresholds = [
            {
                "min_percent": _json_number(d[f"threshold_{i}_percent"]),
                "rules_out": d.get(f"threshold_{i}_rules_out") or GRADES[0],
                "measure": d.get(f"threshold_{i}_measure") or "top_rate",
            }
            for i in range(self.threshold_count)
            if d.get(f"threshold_{i}_percent") is not None
        ]
        return {
            "weights": {n: d.get(f"weight_{n}") or 0 for n in WEIGHT_ORDER},
            "lower_min_percent": d["lower_min_percent"],
            "bands": [[g, _json_number(d[f"band_{i}"])] for i, g in enumerate(GRADES[:-1])],
            "vetoes": vetoes,
            "ballot_thresholds": thresholds,
            "adjustment_cap": d.get("adjustment_cap"),
            "top_max_percent": d.get("top_max_percent"),
            "rounding": d["rounding"],
            "pool_below": d["pool_below"],
            "disagreement_percent": d["disagreement_percent"],
            "groups": {k: d[f"group_{k}"].strip() for k in self.kinds if (d.get(f"group_{k}") or "").strip()},
        }


def _json_number(value: Decimal) -> int | str:
    """Numbers in the JSON fields as the seeded defaults have them: ints, or a decimal string."""
    return int(value) if value == value.to_integral_value() else str(value.normalize())


# --- the writes of the calibration, decision and assessment pages (one form per operation) ----------------
#
# These parse only: every value is passed to the service as typed, and the service's checks (with their
# messages) decide; `shuping.core.forms.handle_form` turns its DomainError into the page's error with the
# input kept.


def _text() -> forms.CharField:
    return forms.CharField(required=False)


class ProposeForm(OperationForm):
    """A 拟定等次 for one row of the calibration screen (EVA-3)."""

    operation = "propose"
    evaluation = forms.ModelChoiceField(
        queryset=Evaluation.objects.none(), error_messages={"invalid_choice": "未找到该考核对象。"}
    )
    grade = _text()
    reason = _text()

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluation"].queryset = Evaluation.objects.filter(campaign=campaign).select_related(
            "assessment", "campaign"
        )


class DecisionStepForm(OperationForm):
    """One step of the decision chain, entered by staff (EVA-4); a reason per broken quota group."""

    operation = "record_step"
    kind = _text()
    held_on = forms.DateField(label="日期", required=False, error_messages={"invalid": "请检查日期。"})
    minutes_reference = _text()
    body = _text()
    evaluations = forms.ModelMultipleChoiceField(queryset=Evaluation.objects.none(), required=False)
    recusals = forms.CharField(required=False, widget=forms.Textarea)
    note = _text()

    def __init__(self, *args, campaign, groups: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        chosen = cast(forms.ModelMultipleChoiceField, self.fields["evaluations"])
        chosen.queryset = Evaluation.objects.filter(campaign=campaign)
        self.groups = groups
        for name in groups:
            self.fields[f"reason:{name}"] = _text()

    def quota_reasons(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"reason:{name}"] for name in self.groups}

    def recusal_rows(self) -> list[dict]:
        """回避人员, one a line: 姓名，情形 (a relative or a relationship → RELATED, else the own grade)."""
        rows = []
        for line in self.cleaned_data["recusals"].splitlines():
            if not line.strip():
                continue
            name, _sep, detail = line.partition("，")
            related = "亲属" in detail or "关系" in detail
            reason = RecusalReason.RELATED if related else RecusalReason.OWN_GRADE
            rows.append({"name": name.strip(), "reason": reason, "detail": detail.strip()})
        return rows


class AdjustmentEntryForm(OperationForm):
    """A 加减分 applied to one evaluation (EVA-1): the service checks the item, the points and the 事由."""

    operation = "adjustment_add"
    item = _text()
    points = _text()
    reason = forms.CharField(required=False, widget=forms.Textarea)
    basis = _text()
    on_behalf_of = _text()


class OpinionForm(OperationForm):
    """综合评价意见: 肯定成绩 and the problems, one a line (each keeps the source it was drafted from)."""

    operation = "opinion"
    achievements = forms.CharField(required=False, widget=forms.Textarea)
    problems = forms.CharField(required=False, widget=forms.Textarea)

    def problem_rows(self, evaluation: Evaluation) -> list[dict[str, str]]:
        sources = {p["text"]: p["source"] for p in evaluation.problems or []}
        texts = [t.strip() for t in self.cleaned_data["problems"].splitlines() if t.strip()]
        return [{"text": t, "source": sources.get(t, "organizer")} for t in texts]


class FlagForm(OperationForm):
    """Record or withdraw a 否决情形 on an evaluation (EVA-2); `is_set` "0" withdraws it."""

    operation = "flag"
    flag = _text()
    note = _text()
    is_set = _text()

    def is_setting(self) -> bool:
        return (self.cleaned_data["is_set"] or "1") == "1"


class RedecideForm(OperationForm):
    """A recorded re-decision of a decided grade (EVA-4)."""

    operation = "redecide"
    grade = _text()
    held_on = forms.DateField(label="日期", required=False, error_messages={"invalid": "请检查日期。"})
    body = _text()
    minutes_reference = _text()
    reason = _text()
    quota_reason = _text()
