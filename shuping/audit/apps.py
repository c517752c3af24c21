from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "shuping.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from shuping.core.navigation import NavItem, register

        from . import todos  # noqa: F401  (the audit administrator's 待办)
        from .guard import register_sqlite_function

        # The append-only triggers on SQLite call this function; only Shuping's connections have it.
        connection_created.connect(register_sqlite_function, dispatch_uid="shuping.audit.guard")

        from .permissions import can_view_audit_log

        # Lazy label, so the menu follows the active language; NavItem str()s it when rendering.
        label = _("审计日志")
        register(NavItem(label=label, url_name="audit:list", visible=can_view_audit_log, order=900))  # type: ignore[arg-type]
