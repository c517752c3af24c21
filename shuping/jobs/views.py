"""Pages of background jobs: 我的后台任务, one job, its polling progress partial, its result file."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core.access import scoped, signed_in

from . import selectors

PAGE_SIZE = 50


@signed_in("列出本人发起的任务，以及本人作为组织部门工作人员或部门领导所辖党组织范围内的任务")
def job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.jobs_for_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "jobs/list.html", {"page": page, "jobs": page.object_list})


@scoped("经 selectors.get_job_for 取任务：本人发起或所辖党组织范围内，否则 404")
def job_detail(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    job = selectors.get_job_for(request.user, job_id)
    return render(request, "jobs/detail.html", {"job": job})


@scoped("经 selectors.get_job_for 取任务（同任务详情），只返回进度片段供页面轮询")
def job_progress(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    job = selectors.get_job_for(request.user, job_id)
    compact = request.GET.get("compact") == "1"
    return render(request, "jobs/_progress.html", {"job": job, "compact": compact})


@scoped("经 selectors.get_job_for 取任务（同任务详情），再从统一存储读取其结果文件")
def job_result_file(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponseBase:
    job = selectors.get_job_for(request.user, job_id)
    if not job.result_file:
        raise Http404
    name = (job.result_file.name or "").rsplit("/", 1)[-1]
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name)
