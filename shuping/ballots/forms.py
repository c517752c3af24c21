"""Organizer forms (BAL-1, BAL-2): parse input into what the services take."""

from __future__ import annotations

from django import forms

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant
from shuping.core.forms import OperationForm
from shuping.orgs.models import Organization

from .choices import ScaleKind, Section
from .services import MAX_SLIPS_PER_CATEGORY, CategoryInput, SubjectInput

# The box page's state changes (views.ACTIONS maps each to its service and message).
TRANSITIONS = ("rehearse", "end_rehearsal", "open", "count", "announce", "no_announce", "close")

SECTION_WORDS = {
    "现场": Section.ON_SITE,
    "现场述职": Section.ON_SITE,
    "书面": Section.WRITTEN,
    "书面述职": Section.WRITTEN,
}


def _split(line: str) -> list[str]:
    for sep in ("｜", "，", ",", "\t"):
        line = line.replace(sep, "|")
    return [part.strip() for part in line.split("|")]


class BoxForm(forms.Form):
    organization = forms.ModelChoiceField(
        label="组织单位", queryset=Organization.objects.none(), empty_label=None
    )
    title = forms.CharField(label="票箱名称", max_length=200, initial="年度书记抓基层党建工作述职民主测评")
    scale_kind = forms.ChoiceField(
        label="评价等次", choices=ScaleKind.choices, initial=ScaleKind.GOOD_TO_POOR
    )
    custom_scale = forms.CharField(
        label="自定义等次（选“自定义等次和分值”时填写；每行一个，从好到差：名称｜分值）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "满意｜100\n基本满意｜70\n不满意｜0"}),
    )
    requires_every_subject = forms.BooleanField(label="须对每位对象作出评价", required=False, initial=True)
    has_opinion = forms.BooleanField(label="征求文字意见建议", required=False, initial=True)
    announces_on_spot = forms.BooleanField(
        label="封箱后在会场大屏当场公布结果（不选则研究审定前保密）", required=False, initial=False
    )

    def clean_custom_scale(self) -> list[tuple[str, int]]:
        out = []
        for number, line in enumerate(self.cleaned_data["custom_scale"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [*_split(line), ""]
            try:
                score = int(parts[1])
            except ValueError:
                raise forms.ValidationError(f"第 {number} 行：分值应为整数，如“好｜100”。") from None
            out.append((parts[0], score))
        if self.data.get(self.add_prefix("scale_kind")) == ScaleKind.CUSTOM and not out:
            raise forms.ValidationError("请填写自定义等次，每行一个：名称｜分值。")
        return out

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        org_ids = RoleGrant.objects.filter(user=user, role=Role.ORGANIZER_STAFF).values("organization_id")
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=org_ids).order_by("path")


class SetupForm(forms.Form):
    subjects = forms.CharField(
        label="测评对象（每行一位：姓名｜单位职务｜现场或书面）",
        widget=forms.Textarea(
            attrs={"rows": 8, "placeholder": "张三｜中共某县委书记｜现场\n李四｜中共某区委书记｜书面"}
        ),
    )
    categories = forms.CharField(
        label="参评人员类别（每行一类：类别名称｜权重，权重可不填）",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "市级领导｜30\n部门负责人｜40\n党代表｜30"}),
    )
    dimensions = forms.CharField(
        label="分项评价维度（选填，每行一项）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_subjects(self) -> list[SubjectInput]:
        out = []
        for number, line in enumerate(self.cleaned_data["subjects"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [*_split(line), "", ""]
            section = SECTION_WORDS.get(parts[2] or "现场")
            if section is None:
                raise forms.ValidationError(f"第 {number} 行：述职方式应为“现场”或“书面”。")
            out.append(SubjectInput(name=parts[0], post=parts[1], section=section))
        if not out:
            raise forms.ValidationError("请至少填写一位测评对象。")
        return out

    def clean_categories(self) -> list[CategoryInput]:
        out = []
        for number, line in enumerate(self.cleaned_data["categories"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [*_split(line), ""]
            weight = None
            if parts[1]:
                try:
                    weight = float(parts[1])
                except ValueError:
                    raise forms.ValidationError(f"第 {number} 行：权重应为数字。") from None
            out.append(CategoryInput(name=parts[0], weight=weight))
        if not out:
            raise forms.ValidationError("请至少填写一个参评人员类别。")
        return out

    def clean_dimensions(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["dimensions"].splitlines() if line.strip()]


class SlipsForm(forms.Form):
    """One count field per voter category, plus the rehearsal switch."""

    is_rehearsal = forms.BooleanField(label="演练凭证（只能在演练中使用，演练结束即作废）", required=False)
    as_html = forms.BooleanField(label="改为网页打印（不生成 PDF）", required=False)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        for category in self.categories:
            self.fields[f"count_{category.pk}"] = forms.IntegerField(
                label=category.name, min_value=0, max_value=MAX_SLIPS_PER_CATEGORY, initial=0
            )

    def counts(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"count_{c.pk}"] for c in self.categories}


class TransitionForm(OperationForm):
    """One of the box page's buttons (演练、开始、封箱…); `confirm_early` is the FLOW-5 tick before a meeting's day."""

    operation = "transition"
    action = forms.ChoiceField(
        choices=[(name, name) for name in TRANSITIONS],
        error_messages={"required": "未知操作。", "invalid_choice": "未知操作。"},
    )
    confirm_early = forms.BooleanField(required=False)


class ReconcileActionForm(forms.Form):
    """Which of the 清点核对 page's two writes was submitted."""

    action = forms.ChoiceField(
        choices=[("attendance", "attendance"), ("certify", "certify")],
        error_messages={"required": "未知操作。", "invalid_choice": "未知操作。"},
    )


class AttendanceForm(OperationForm):
    operation = "attendance"
    attendees = forms.IntegerField(
        error_messages={"required": "签到人数应为数字。", "invalid": "签到人数应为数字。"}
    )


class CertifyForm(OperationForm):
    operation = "certify"
    scrutineers = forms.CharField(required=False, strip=False)
    counters = forms.CharField(required=False, strip=False)


class ReceiptCheckForm(forms.Form):
    """The voter's typed receipt (only its first 32 characters are looked at)."""

    receipt = forms.CharField(required=False, strip=False)

    def typed(self) -> str:
        return str(self.cleaned_data.get("receipt", ""))[:32] if self.is_valid() else ""
