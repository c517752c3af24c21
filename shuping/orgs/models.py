"""The organization tree, guidance relations, people and secretaryships (ORG-1, ORG-2, ORG-3, ORG-5)."""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuping.core.fields import BlindIndexField, EncryptedTextField

from .choices import AdminLevel, Gender, GuidanceKind, OrgKind, SecretaryTitle

#: Width of one path segment: the organization's id in base 36, zero-padded. 36**7 ≈ 7.8e10 ids.
SEGMENT_WIDTH = 7
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Paths only ever hold these characters, so a prefix needs no LIKE escaping and "~" sorts above all.
PATH_PATTERN = re.compile(r"^[0-9A-Z]*$")
#: Above every path character in byte order: `prefix <= path < prefix + "~"` is the subtree (SQLite).
PATH_CEILING = "~"


def path_segment(pk: int) -> str:
    """The fixed-width base-36 segment of an organization id."""
    out = ""
    while pk:
        pk, rest = divmod(pk, 36)
        out = DIGITS[rest] + out
    return out.rjust(SEGMENT_WIDTH, "0")


def segment_ids(path: str) -> list[int]:
    """The ids encoded in a path, root first (one per segment): ancestors without a query or a walk."""
    return [int(path[i : i + SEGMENT_WIDTH], 36) for i in range(0, len(path), SEGMENT_WIDTH)]


class MaterializedPathField(models.CharField):
    """A materialized path (fixed-width [0-9A-Z] segments) with a `subtree` lookup that uses an index.

    `path__subtree=prefix` selects every row whose path starts with `prefix`, written per database so
    the index serves it (ORG-2, asserted from the query plans in tests/test_query_plans.py):

    - PostgreSQL: `path LIKE 'prefix%'`, served by the `_like` (varchar_pattern_ops) index Django builds
      for an indexed CharField; the cluster's collation is not C, so the plain b-tree would not be used.
    - SQLite: LIKE is case-insensitive there and Django adds an ESCAPE clause, so the LIKE optimisation
      never applies (EXPLAIN QUERY PLAN shows a full scan); the range `path >= prefix AND path <
      prefix || '~'` is served by the plain b-tree (BINARY collation = byte order, and '~' sorts above
      every path character).

    Other apps that copy an organization's path (campaign rows keep the path as it was) should declare
    their copy with this field to get the same lookup.
    """


@MaterializedPathField.register_lookup
class SubtreeLookup(models.Lookup):
    """`path__subtree=prefix`: the rows at or below the node whose path is `prefix`."""

    lookup_name = "subtree"
    prepare_rhs = False

    def get_prep_lookup(self):
        if not isinstance(self.rhs, str) or not PATH_PATTERN.match(self.rhs):
            raise ValueError("subtree lookups take a literal materialized path of [0-9A-Z] characters")
        return self.rhs

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} LIKE %s", [*lhs_params, self.rhs + "%"]

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, self.rhs, *lhs_params, self.rhs + PATH_CEILING]


def subtree_q(path: str, *, field: str = "path") -> Q:
    """Q for every organization at or below the one whose materialized path is `path` (index-served).

    `field` lets related models filter by their organization's subtree: `subtree_q(p, field="organization__path")`.
    """
    return Q(**{f"{field}__subtree": path})


def subtrees_q(paths: list[str] | tuple[str, ...], *, field: str = "path") -> Q:
    """OR of `subtree_q` over several roots; roots inside another root are dropped. Empty → matches nothing."""
    roots: list[str] = []
    for path in sorted(set(paths)):
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    if not roots:
        return Q(pk__in=[])
    q = Q()
    for root in roots:
        q |= subtree_q(root, field=field)
    return q


class OrganizationQuerySet(models.QuerySet):
    def subtree_of(self, org: Organization, *, include_self: bool = True) -> OrganizationQuerySet:
        """The organization and everything below it: one indexed prefix range, never a recursive walk."""
        qs = self.filter(subtree_q(org.path))
        return qs if include_self else qs.exclude(pk=org.pk)

    def ancestors_of(self, org: Organization, *, include_self: bool = False) -> OrganizationQuerySet:
        """Every ancestor, root first, from the ids encoded in the path: one primary-key query."""
        ids = segment_ids(org.path)
        if not include_self:
            ids = ids[:-1]
        return self.filter(pk__in=ids).order_by("depth")

    def valid_on(self, day: date) -> OrganizationQuerySet:
        """Organizations in existence on `day` (merged or dissolved ones drop out; ORG-1)."""
        return self.filter(Q(valid_from_on__isnull=True) | Q(valid_from_on__lte=day)).filter(
            Q(valid_to_on__isnull=True) | Q(valid_to_on__gte=day)
        )


class Organization(models.Model):
    """A node of the Party organization tree (党组织).

    `path` is the materialized path: the fixed-width segments of every ancestor and itself, so a
    subtree is one indexed prefix range (ORG-2). `db_index=True` on a CharField makes Django build, on
    PostgreSQL, a second `_like` index with `varchar_pattern_ops` besides the b-tree: the cluster's
    collation is not C, so a plain b-tree would not serve `LIKE 'x%'`. Organizations merge and split:
    `valid_from_on` / `valid_to_on` bound their existence, and rows are ended, not deleted, so past
    campaigns keep what was true then (ORG-1).
    """

    name = models.CharField(_("名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=64, blank=True)
    code = models.CharField(_("组织代码"), max_length=64, unique=True)
    kind = models.CharField(_("类型"), max_length=40, choices=OrgKind.choices)
    admin_level = models.CharField(
        _("行政层级"), max_length=16, choices=AdminLevel.choices, default=AdminLevel.NONE
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("隶属上级"),
    )
    path = MaterializedPathField(_("路径"), max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级深度"), default=0, editable=False)
    is_central_soe = models.BooleanField(_("中央企业"), default=False)
    is_central_financial = models.BooleanField(_("中管金融企业"), default=False)
    valid_from_on = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to_on = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to_on__isnull=True)
                | Q(valid_from_on__isnull=True)
                | Q(valid_to_on__gte=models.F("valid_from_on")),
                name="orgs_organization_valid_dates_ordered",
            ),
            # The central-SOE and centrally-managed-financial flags only describe SOE committees (ORG-1).
            models.CheckConstraint(
                condition=Q(kind=OrgKind.SOE_COMMITTEE) | Q(is_central_soe=False, is_central_financial=False),
                name="orgs_organization_central_flags_only_for_soe",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from_on is None or self.valid_from_on <= day) and (
            self.valid_to_on is None or self.valid_to_on >= day
        )

    @property
    def is_dissolved(self) -> bool:
        """Ended before today (merged away or dissolved); kept for history."""
        return self.valid_to_on is not None and self.valid_to_on < timezone.localdate()

    def is_in_subtree_of(self, other: Organization) -> bool:
        return self.path.startswith(other.path)


class GuidanceRelation(models.Model):
    """A guidance relation besides affiliation (ORG-5).

    Art. 8: 组织部门会同机关工委、国资委党委、教育工委等加强指导 — e.g. the organs' work committee guides a
    department's leading Party group that it does not stand above in the affiliation tree.
    """

    guiding = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="guidance_given", verbose_name=_("指导单位")
    )
    guided = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="guidance_received", verbose_name=_("被指导单位")
    )
    kind = models.CharField(_("指导类型"), max_length=40, choices=GuidanceKind.choices)
    valid_from_on = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to_on = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("指导关系")
        verbose_name_plural = _("指导关系")
        constraints = [
            models.UniqueConstraint(fields=["guiding", "guided", "kind"], name="orgs_guidance_unique"),
            models.CheckConstraint(condition=~Q(guiding=models.F("guided")), name="orgs_guidance_not_self"),
            models.CheckConstraint(
                condition=Q(valid_to_on__isnull=True)
                | Q(valid_from_on__isnull=True)
                | Q(valid_to_on__gte=models.F("valid_from_on")),
                name="orgs_guidance_valid_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guiding} → {self.guided}（{self.get_kind_display()}）"


class Person(models.Model):
    """A cadre (干部) who holds or held a secretary's post (ORG-3).

    `birth_month` is 出生年月: stored as the first day of the month. `phone` is personal data, encrypted
    at rest (SEC-7) with a blind index for lookups. `user` links the person to an account when they sign in
    (most secretaries never do).
    """

    name = models.CharField(_("姓名"), max_length=64)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=32, blank=True, default="汉族")
    birth_month = models.DateField(_("出生年月"), null=True, blank=True)
    position = models.CharField(_("现任职务"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("关联账号"),
    )
    # SEC-7: SM4-GCM at rest; equality lookups through the blind index:
    # Person.objects.filter(phone_index=crypto.blind_index("phone", typed)).
    phone = EncryptedTextField(_("联系电话"), blank=True, default="")
    phone_index = BlindIndexField(source="phone")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        indexes = [models.Index(fields=["name"], name="orgs_person_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_month__isnull=True) | Q(birth_month__day=1),
                name="orgs_person_birth_month_day_one",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Secretaryship(models.Model):
    """A person's period as secretary of an organization (书记任职, ORG-3).

    `ended_on` is empty while in post. Mid-year changes and tenures under six months are derived by
    shuping.orgs.rules, never stored.
    """

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="secretaryships", verbose_name=_("干部")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="secretaryships", verbose_name=_("党组织")
    )
    title = models.CharField(
        _("职务"), max_length=40, choices=SecretaryTitle.choices, default=SecretaryTitle.SECRETARY
    )
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("书记任职")
        verbose_name_plural = _("书记任职")
        indexes = [models.Index(fields=["organization", "started_on"], name="orgs_secretaryship_org_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="orgs_secretaryship_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.organization} {self.get_title_display()}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None
