"""One way to handle a write from a page (SEC-6; docs/architecture.md, "Writes from pages").

A page's write is a small view per operation: it binds a Django form, and hands the form, the service call,
the success message, where to go next and how to draw the page again to `handle_form`:

    @require_POST
    @scoped("…")
    def list_submit(request, pk):
        assessment = …                      # scoped selector (404) and permission predicate (403) first
        form = SubmitListForm(request.POST)
        return handle_form(
            request,
            form,
            lambda data: services.submit_list(actor=request.user, rectification_list=…),
            success="已报备上级组织部门。",
            redirect_to=reverse("rectification:list", args=[assessment.pk]),
            render_page=lambda failed: _list_page(request, assessment, failed=failed),
        )

- valid form, service succeeds → `messages.success` and a redirect (POST/redirect/GET);
- invalid form, or the service raises a `DomainError` → the error goes onto the form (on the field the error
  names when the form has that field, else as a non-field error) and the page is drawn again with the bound
  form, status 400 (200 for an htmx request, which htmx swaps only on 2xx). Nothing was written: services
  are atomic.

How a page shows the failed form: pass `error_context(form)` into its template context. The site shell
(`templates/base.html`) shows `failed_form`'s errors in the same banner as the page's messages, and a
template keeps what was typed with `kept.<operation>.<field>` (the submitted values, keyed by the form's
`operation`). Pages that draw their form with Django's field rendering show the errors beside the fields
instead and need not pass `failed_form`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .errors import DomainError

T = TypeVar("T")


class OperationForm(forms.Form):
    """A form for one write on a page; `operation` names it in the template's `kept` values."""

    operation: ClassVar[str] = ""


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put a service's DomainError on the form: on its field when the form has one by that name."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def error_messages(form: forms.Form) -> list[str]:
    """The form's errors as lines for the page's error banner: non-field errors as they are, field errors
    prefixed by the field's label (a bare "这个字段是必填项。" would not say which)."""
    lines: list[str] = [str(message) for message in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS:
            continue
        label = form.fields[name].label if name in form.fields else None
        lines.extend(f"{label}：{message}" if label else str(message) for message in errors)
    return lines


def error_context(form: forms.Form | None) -> dict[str, Any]:
    """Context for a page drawn again after a failed write (empty when nothing failed)."""
    if form is None:
        return {}
    operation = getattr(form, "operation", "") or type(form).__name__
    return {"failed_form": form, "failed_messages": error_messages(form), "kept": {operation: form.data}}


def handle_form(
    request: HttpRequest,
    form: forms.Form,
    operation: Callable[[dict[str, Any]], T],
    *,
    success: str | Callable[[T], str] | None,
    redirect_to: str | Callable[[T], str],
    render_page: Callable[[forms.Form], HttpResponse],
) -> HttpResponse:
    """Validate `form`, call `operation(cleaned_data)`; on success flash `success` (None: no message, e.g.
    when the redirect goes to a job's progress page) and redirect to `redirect_to` (either may be a function
    of the operation's result); on an invalid form or a DomainError
    draw the page again through `render_page(form)` with the error on the form and the input kept."""
    if form.is_valid():
        try:
            result = operation(form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if success is not None:
                messages.success(request, success(result) if callable(success) else success)
            return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
    response = render_page(form)
    if response.status_code == 200:
        response.status_code = 200 if getattr(request, "htmx", False) else 400
    return response
