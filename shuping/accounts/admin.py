"""Django admin at /admin/ is for the system administrator only (SPEC §11, SEC-1 三员分立).

Every write made through it is audited (INT-3): each registered ModelAdmin — ours and those of Django,
django-otp and django-tasks — carries `AuditedAdmin`, which records adds, changes and deletions with the
administrator as actor in the admin's own transaction; setting a user's password goes through the
accounts service; the admin's own "change my password" page is Shuping's (audited) one.
"""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect

from shuping.audit.services import record

from . import services
from .models import RoleGrant, User


def is_system_admin(user) -> bool:
    """The system administrator (三员分立): the only one who may open /admin/ — and so the only one whose
    menu shows 系统管理 (FLOW-3)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "admin_role", "") == "system"
    )


def _system_admin_only(request) -> bool:
    return is_system_admin(request.user)


def _sign_in_through_shuping(request, extra_context=None):
    """SEC-3: /admin/login/ would bypass the lockout, throttle, audit and second factor; send it to ours."""
    return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or "/admin/")


def _change_password_through_shuping(request, extra_context=None):
    """INT-3: /admin/password_change/ would set the password without the audit row and session ending of
    `services.change_password`; the administrator changes it on Shuping's own page."""
    return redirect("accounts:password_change")


admin.site.has_permission = _system_admin_only  # type: ignore[method-assign]
admin.site.login = _sign_in_through_shuping  # type: ignore[method-assign]
admin.site.password_change = _change_password_through_shuping  # type: ignore[method-assign]
admin.site.site_header = "述评 · 系统管理"
admin.site.site_title = "述评系统管理"


class AuditedAdmin:
    """Mixed into every ModelAdmin: each add, change and deletion leaves an audit row naming the
    administrator, the object and the fields changed, in the same transaction (INT-3)."""

    def _audit(self, request, obj, verb: str, **detail) -> None:
        meta = obj._meta
        record(
            actor=request.user,
            action=f"admin.{meta.model_name}.{verb}",
            target=obj,
            detail={"model": meta.label, **detail},
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        fields = sorted(form.changed_data) if form is not None else []
        self._audit(request, obj, "change" if change else "add", fields=fields)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._audit(request, obj, "delete")
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, obj, "delete", bulk=True)
            super().delete_queryset(request, queryset)  # type: ignore[misc]


def audit_every_admin(site: admin.AdminSite = admin.site) -> None:
    """Give every registered ModelAdmin (third-party ones too) the audit mixin; run after autodiscovery."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdmin):
            continue
        audited = type(f"Audited{type(model_admin).__name__}", (AuditedAdmin, type(model_admin)), {})
        site.unregister(model)
        site.register(model, audited)


@admin.register(User)
class ShupingUserAdmin(AuditedAdmin, UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            "述评",
            {
                "fields": (
                    "full_name",
                    "admin_role",
                    "password_changed_at",
                    "failed_login_count",
                    "locked_until_at",
                )
            },
        ),
    )
    list_display = ("username", "full_name", "admin_role", "is_active")
    readonly_fields = ("password_changed_at", "failed_login_count", "locked_until_at")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # SEC-3: unticking 「有效」 disables the account through the service, which ends its sessions at once.
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.disable_user(user=obj, actor=request.user, reason="admin")

    def user_change_password(self, request, id, form_url=""):
        """Setting another account's password: Django's form, then the service that audits it and ends
        that account's sessions (INT-3), all in one transaction."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, id)
                if user is not None:
                    services.password_set_by_admin(
                        user=user, actor=request.user, keep_session_key=request.session.session_key or ""
                    )
        return response


@admin.register(RoleGrant)
class RoleGrantAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("user", "role", "organization", "include_subtree", "granted_at")
    raw_id_fields = ("user", "organization", "granted_by")
