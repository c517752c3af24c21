"""The one way a page handles a write (SEC-6): a valid form calls the service and redirects with a success
message; an invalid form or a DomainError draws the page again with the error on the form, the input kept
and nothing written."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory

from shuping.core.errors import ConflictError, DomainError
from shuping.core.forms import OperationForm, error_context, handle_form


class NoteForm(OperationForm):
    operation = "note"
    title = forms.CharField(label="标题", max_length=10)
    body = forms.CharField(label="内容", required=False)


PAGE = engines["django"].from_string(
    '{% include "core/_messages.html" %}<input name="title" value="{{ kept.note.title }}">'
)


def _request(data, *, htmx=False):
    request = RequestFactory().post("/notes/", data)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.htmx = htmx
    return request


def _handle(request, operation):
    form = NoteForm(request.POST)
    written = []

    def run(data):
        result = operation(data)
        written.append(data["title"])
        return result

    response = handle_form(
        request,
        form,
        run,
        success=lambda result: f"已保存：{result}",
        redirect_to=lambda result: f"/notes/{result}/",
        render_page=lambda failed: HttpResponse(PAGE.render(error_context(failed), request)),
    )
    return response, form, written


@pytest.mark.req("SEC-6")
def test_a_valid_form_calls_the_service_flashes_success_and_redirects():
    request = _request({"title": "第一条"})
    response, _, written = _handle(request, lambda data: 7)
    assert response.status_code == 302 and response["Location"] == "/notes/7/"
    assert written == ["第一条"]
    assert [str(m) for m in get_messages(request)] == ["已保存：7"]


@pytest.mark.req("SEC-6")
def test_a_domain_error_is_shown_on_the_page_again_with_the_input_kept():
    def refuse(data):
        raise ConflictError("清单已确认，不能再修改。")

    request = _request({"title": "第二条"})
    response, form, written = _handle(request, refuse)
    page = response.content.decode()
    assert response.status_code == 400 and written == []
    assert form.non_field_errors() == ["清单已确认，不能再修改。"]
    assert '<li class="msg-error">清单已确认，不能再修改。</li>' in page
    assert 'value="第二条"' in page
    assert list(get_messages(request)) == []  # no success message for a refused write


@pytest.mark.req("SEC-6")
def test_a_domain_error_naming_a_field_lands_on_that_field_with_its_label():
    def refuse(data):
        raise DomainError("标题不能重复。", field="title")

    response, form, _ = _handle(_request({"title": "重复"}), refuse)
    assert form.errors["title"] == ["标题不能重复。"] and not form.non_field_errors()
    assert "标题：标题不能重复。" in response.content.decode()


@pytest.mark.req("SEC-6")
def test_a_domain_error_naming_a_field_the_form_lacks_is_a_non_field_error():
    def refuse(data):
        raise DomainError("期限不能早于今天。", field="deadline")

    _, form, _ = _handle(_request({"title": "第三条"}), refuse)
    assert form.non_field_errors() == ["期限不能早于今天。"]


@pytest.mark.req("SEC-6")
def test_an_invalid_form_never_reaches_the_service():
    def must_not_run(data):
        raise AssertionError("the service ran on invalid input")

    response, form, written = _handle(_request({"title": "标题太长了超过十个字了啊"}), must_not_run)
    assert response.status_code == 400 and written == [] and "title" in form.errors
    assert "标题：" in response.content.decode()


@pytest.mark.req("SEC-6")
def test_an_htmx_request_gets_the_redrawn_fragment_with_200_so_htmx_swaps_it():
    def refuse(data):
        raise DomainError("不能保存。")

    response, _, _ = _handle(_request({"title": "片段"}, htmx=True), refuse)
    assert response.status_code == 200 and "不能保存。" in response.content.decode()


def test_a_page_drawn_without_a_failed_form_gets_no_error_context():
    assert error_context(None) == {}


@pytest.mark.req("SEC-6")
def test_a_write_that_goes_to_a_job_page_may_redirect_without_a_message():
    request = _request({"title": "打包"})
    response = handle_form(
        request,
        NoteForm(request.POST),
        lambda data: 42,
        success=None,
        redirect_to=lambda job: f"/jobs/{job}/",
        render_page=lambda failed: HttpResponse(status=500),
    )
    assert response.status_code == 302 and response["Location"] == "/jobs/42/"
    assert list(get_messages(request)) == []
