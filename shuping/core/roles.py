"""The three administrators (三员分立, SEC-1): a kernel concept, below accounts and audit.

`core.access.admin_only` names one of them on a route; `audit.permissions` admits only the audit
administrator; `accounts.models.User.admin_role` stores it (re-exported as `accounts.choices.AdminRole`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AdminRole(models.TextChoices):
    """三员分立: three administrators, none able to do another's job."""

    NONE = "", _("非管理员")
    SYSTEM = "system", _("系统管理员")
    SECURITY = "security", _("安全管理员")
    AUDIT = "audit", _("审计管理员")
