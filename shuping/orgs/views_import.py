"""Pages for ORG-4: the upload page, template downloads, the import's progress/result page, exports.

Thin: parse the request, store the upload, start the job (`tasks.import_file`, the same task the
command line runs), render. Scoping: the upload is for organizer staff with a subtree grant (rows must
fall inside it — checked by the import service); the result page reads the job through the jobs app's
scoped selector; an export reads the subtree through the orgs selectors, so it contains only
organizations the user may see.
"""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import PurePath

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core import uploads
from shuping.core.access import scoped
from shuping.jobs.selectors import get_job_for, jobs_for_list
from shuping.jobs.services import start_job

from . import exports, imports, selectors, tasks
from .models import subtree_q

#: Largest upload accepted (a national organization file is ~600 MB; the web path is for provinces).

KIND_CHOICES = (
    ("orgs", _("党组织")),
    ("people", _("干部")),
    ("secretaryships", _("书记任职")),
)
JOB_KIND = {
    "orgs": "orgs.import",
    "people": "orgs.import_people",
    "secretaryships": "orgs.import_secretaryships",
}


class ImportForm(forms.Form):
    what = forms.ChoiceField(label=_("导入内容"), choices=KIND_CHOICES, initial="orgs")
    # Shown by the form; the file itself is read by the upload gate in the view (INT-1).
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"), required=False)


def _require_importer(request: AuthenticatedHttpRequest) -> None:
    if not imports.can_import_organizations(request.user):
        raise PermissionDenied


def _import_root(user):
    """The organization the job is filed under (its overseers see it): the user's first import subtree."""
    prefixes = imports.scope_prefixes(user) or []
    roots = [org for org in selectors.root_organizations_for(user) if org.path in prefixes]
    return roots[0] if roots else None


@scoped(
    "仅限持有含下级授权的组织部门工作人员（can_import_organizations，否则 403）；导入的行须落在其授权子树内"
)
def import_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_importer(request)
    if request.method == "POST":
        form = ImportForm(request.POST)
        upload = None
        if form.is_valid():
            try:
                upload = uploads.receive(request, "file", uploads.ORG_IMPORT)
            except uploads.UploadRefused as exc:
                form.add_error("file", exc.message)
            else:
                if upload is None:
                    form.add_error("file", _("请选择要导入的文件。"))
        if upload is not None:
            what = form.cleaned_data["what"]
            name = upload.name[-100:]
            stored = default_storage.save(
                f"imports/{uuid.uuid4().hex}/{uuid.uuid4().hex}{PurePath(name).suffix.lower()}", upload.file
            )
            title = _("导入%(what)s：%(file)s") % {"what": dict(KIND_CHOICES)[what], "file": name}
            job = start_job(
                kind=JOB_KIND[what],
                title=str(title),
                requested_by=request.user,
                organization=_import_root(request.user),
                task=tasks.import_file,
                args=[what, stored, request.user.pk, name],
            )
            return redirect("orgs:import_job", job_id=job.pk)
    else:
        form = ImportForm()
    recent = jobs_for_list(request.user).filter(kind__in=list(JOB_KIND.values()), requested_by=request.user)[
        :10
    ]
    return render(
        request, "orgs/import.html", {"form": form, "recent": recent, "templates": exports.TEMPLATES}
    )


@scoped("仅限持有含下级授权的组织部门工作人员（同导入页，否则 403）；模板不含任何业务数据")
def import_template(request: AuthenticatedHttpRequest, kind: str, fmt: str) -> HttpResponse:
    _require_importer(request)
    if kind not in exports.TEMPLATES or fmt not in {"xlsx", "csv"}:
        raise Http404
    filename, content, content_type = exports.template_file(kind, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = _attachment(filename)
    return response


def _import_job(request: AuthenticatedHttpRequest, job_id: int):
    job = get_job_for(request.user, job_id)
    if job.kind not in tasks.IMPORT_KINDS:
        raise Http404
    return job


@scoped("经 jobs.selectors.get_job_for 取导入任务：本人发起或所辖党组织范围内，否则 404")
def import_job(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    job = _import_job(request, job_id)
    return render(request, "orgs/import_job.html", {"job": job})


@scoped("经 jobs.selectors.get_job_for 取导入任务（同导入结果页），下载其全部错误清单")
def import_errors(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    job = _import_job(request, job_id)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["行号", "列名", "原因"])
    for error in job.errors:
        writer.writerow([error.get("row", ""), error.get("column", ""), error.get("reason", "")])
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = _attachment(f"导入错误清单-{job.pk}.csv")
    return response


@scoped("经 selectors.get_organization_for 取党组织（范围外 404），导出其子树中用户可见的组织")
def export_subtree(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_organization_for(request.user, pk)
    visible = selectors.organizations_visible_to(request.user).filter(subtree_q(org.path))
    content = exports.export_organizations(visible, fmt="xlsx")
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(f"{org.code}-党组织.xlsx")
    return response


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return (
        f"attachment; filename=\"export.{filename.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(filename)}"
    )
