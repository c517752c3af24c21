"""Roles (SEC-1). Party-member readers and voters are not accounts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The three administrators are the kernel's (core.access.admin_only, audit.permissions sit below accounts).
from shuping.core.roles import AdminRole

__all__ = ["AdminRole", "Role"]


class Role(models.TextChoices):
    """Roles granted per organization (optionally its subtree) and, once campaigns exist, per campaign."""

    ORGANIZER_STAFF = "organizer_staff", _("组织部门工作人员")
    DEPARTMENT_LEADER = "department_leader", _("部门领导")
    LIAISON = "liaison", _("联络员")
    FIELD_ASSESSOR = "field_assessor", _("实地考核组成员")
    GUIDANCE_STAFF = "guidance_staff", _("上级指导人员")
    VIEWER = "viewer", _("查阅人员")
