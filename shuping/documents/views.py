"""The 发文 register page (DOC-1). Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core.access import scoped, signed_in
from shuping.core.forms import OperationForm, error_context, handle_form

from . import permissions, selectors, services


@signed_in(
    "只列出本人为组织部门工作人员或部门领导的组织的发文登记（selectors.register_organs_for）；无则 403"
)
def register_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    organs = list(selectors.register_organs_for(request.user))
    if not organs:
        raise PermissionDenied
    if len(organs) == 1:
        return redirect("documents:register", pk=organs[0].pk)
    return render(request, "documents/register_index.html", {"organs": organs})


@scoped(
    "发文登记只对该组织的组织部门工作人员和部门领导可见（selectors.register_organ_ids，否则 404）；"
    "POST 设置机关代字须为组织部门工作人员（403）"
)
def register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organ = selectors.register_organs_for(request.user).filter(pk=pk).first()
    if organ is None:
        raise Http404
    if request.method != "POST":
        return _register_page(request, organ)
    if not permissions.can_configure_register(request.user, organ):
        raise PermissionDenied
    return handle_form(
        request,
        OrganCodeForm(request.POST),
        lambda data: services.set_organ_code(actor=request.user, organization=organ, code=data["code"]),
        success=lambda code: f"机关代字已设为“{code}”，此后登记的文件使用新代字。",
        redirect_to=reverse("documents:register", args=[organ.pk]),
        render_page=lambda failed: _register_page(request, organ, failed),
    )


class OrganCodeForm(OperationForm):
    """The register page's 机关代字 (checked by `services.set_organ_code`)."""

    operation = "code"
    code = forms.CharField(required=False, strip=False)


def _register_page(
    request: AuthenticatedHttpRequest, organ, failed: forms.Form | None = None
) -> HttpResponse:
    return render(
        request,
        "documents/register.html",
        {
            "organ": organ,
            "code": services.organ_code(organ),
            "entries": selectors.register_for(request.user, organ),
            "can_configure": permissions.can_configure_register(request.user, organ),
            **error_context(failed),
        },
    )
