"""The organization tree (ORG-1, ORG-2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AdminLevel, OrgKind

#: Width of one path segment: the organization's id in base 36, zero-padded. 36**7 ≈ 7.8e10 ids.
SEGMENT_WIDTH = 7


def path_segment(pk: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while pk:
        pk, rest = divmod(pk, 36)
        out = digits[rest] + out
    return out.rjust(SEGMENT_WIDTH, "0")


class Organization(models.Model):
    """A node of the Party organization tree (党组织).

    `path` is the materialized path: the fixed-width segments of every ancestor and itself, so a
    subtree is one indexed prefix range (ORG-2). `db_index=True` on a CharField makes Django build, on
    PostgreSQL, a second `_like` index with `varchar_pattern_ops` besides the b-tree: the cluster's
    collation is not C, so a plain b-tree would not serve `LIKE 'x%'`.
    """

    name = models.CharField(_("名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=64, blank=True)
    code = models.CharField(_("组织代码"), max_length=64, unique=True)
    kind = models.CharField(_("类型"), max_length=40, choices=OrgKind.choices)
    admin_level = models.CharField(_("行政层级"), max_length=16, choices=AdminLevel.choices, default=AdminLevel.NONE)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("隶属上级")
    )
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级深度"), default=0, editable=False)
    is_central_soe = models.BooleanField(_("中央企业"), default=False)
    is_central_financial = models.BooleanField(_("中管金融企业"), default=False)
    valid_from_on = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to_on = models.DateField(_("失效日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")

    def __str__(self) -> str:
        return self.name
