"""Django admin at /admin/ is for the system administrator only (SPEC §11, SEC-1 三员分立)."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login

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


admin.site.has_permission = _system_admin_only  # type: ignore[method-assign]
admin.site.login = _sign_in_through_shuping  # type: ignore[method-assign]
admin.site.site_header = "述评 · 系统管理"
admin.site.site_title = "述评系统管理"


@admin.register(User)
class ShupingUserAdmin(UserAdmin):
    fieldsets = (  # type: ignore[operator]
        *UserAdmin.fieldsets,
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


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "organization", "include_subtree", "granted_at")
    raw_id_fields = ("user", "organization", "granted_by")
