"""Job pages: scoping (out of scope → 404), the polling progress partial, the result file."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant
from shuping.jobs.choices import JobStatus
from shuping.jobs.models import Job
from shuping.jobs.services import (
    attach_result_file,
    create_job,
    fail_job,
    finish_job,
    mark_job_running,
    report_progress,
)


def _job(user, organization=None, title="乙县党组织名册导入") -> Job:
    return create_job(kind="orgs.import", title=title, requested_by=user, organization=organization)


def _running(user, organization=None) -> Job:
    job = _job(user, organization)
    mark_job_running(job_id=job.pk)
    report_progress(job.pk, done=1200, total=100000, message="导入中")
    return job


def test_another_users_job_is_404_for_the_outsider_and_visible_to_its_requester(world, client):
    job = _job(world.organizer_staff, world.province)

    client.force_login(world.outsider)
    for name in ("jobs:detail", "jobs:progress"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert job.title not in client.get(reverse("jobs:list")).content.decode()

    client.force_login(world.organizer_staff)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200
    assert job.title in client.get(reverse("jobs:list")).content.decode()


def test_leaders_see_jobs_in_their_subtree_and_nobody_else_does(world, client):
    job = _job(world.organizer_staff, world.township, title="丙镇导入")
    url = reverse("jobs:detail", args=[job.pk])
    expected = {
        "department_leader": 200,  # grant on the province, with subtree
        "liaison": 404,
        "assessee": 404,
        "guidance_staff": 404,  # guidance is not an overseeing role for jobs
        "system_admin": 404,
    }
    for persona, status in expected.items():
        client.force_login(world.users[persona])
        assert client.get(url).status_code == status, persona


def test_a_grant_without_subtree_covers_only_its_own_organization(world, client):
    staff = world.liaison
    RoleGrant.objects.create(user=staff, role=Role.ORGANIZER_STAFF, organization=world.county)
    own_org = _job(world.organizer_staff, world.county, title="乙县任务")
    below = _job(world.organizer_staff, world.township, title="丙镇任务")

    client.force_login(staff)
    assert client.get(reverse("jobs:detail", args=[own_org.pk])).status_code == 200
    assert client.get(reverse("jobs:detail", args=[below.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(world, client):
    job = _job(world.organizer_staff)
    for url in (
        reverse("jobs:list"),
        reverse("jobs:detail", args=[job.pk]),
        reverse("jobs:progress", args=[job.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_progress_partial_polls_while_running_and_stops_when_finished(world, client):
    job = _running(world.organizer_staff)
    client.force_login(world.organizer_staff)
    url = reverse("jobs:progress", args=[job.pk])

    running = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in running and f'hx-get="{url}"' in running
    assert "已完成 1200 / 100000" in running and "导入中" in running
    assert 'aria-valuenow="1"' in running
    assert "<html" not in running, "a partial, not a page"

    finish_job(job_id=job.pk, result={"counts": {"党组织": 100000}}, message="已导入 100000 个党组织。")
    done = client.get(url).content.decode()
    assert "hx-trigger" not in done and "hx-get" not in done
    assert "已完成 100000 / 100000" in done and "已导入 100000 个党组织。" in done
    assert "党组织：100000" in done


def test_a_failed_import_lists_row_column_and_reason(world, client):
    job = _running(world.organizer_staff)
    fail_job(
        job_id=job.pk,
        message="文件中有 1 处错误，未导入任何数据。",
        result={"errors": [{"row": 7, "column": "组织代码", "reason": "与第 3 行重复"}]},
    )
    client.force_login(world.organizer_staff)

    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()

    assert "hx-trigger" not in page
    assert "文件中有 1 处错误，未导入任何数据。" in page
    assert "第 7 行" in page and "组织代码" in page and "与第 3 行重复" in page


def test_the_list_polls_only_the_jobs_still_running(world, client):
    running = _running(world.organizer_staff)
    finished = _running(world.organizer_staff)
    finish_job(job_id=finished.pk)
    for _ in range(5):
        _job(world.organizer_staff, world.province)
    client.force_login(world.organizer_staff)

    page = client.get(reverse("jobs:list")).content.decode()

    assert page.count('hx-trigger="every 1s"') == 6  # the running one and five queued
    assert f"{reverse('jobs:progress', args=[running.pk])}?compact=1" in page
    assert f"{reverse('jobs:progress', args=[finished.pk])}?compact=1" not in page


def test_the_list_costs_the_same_queries_for_two_jobs_or_twenty(world, client):
    client.force_login(world.organizer_staff)
    for _ in range(2):
        _job(world.organizer_staff, world.county)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("jobs:list"))
    for _ in range(18):
        _job(world.department_leader, world.township)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("jobs:list")).content.decode()
    assert page.count("job-progress compact") == 20
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_result_file_downloads_for_those_who_see_the_job_only(world, client):
    job = _running(world.organizer_staff, world.province)
    attach_result_file(job_id=job.pk, name="综合评价意见表.zip", content=b"PK\x05\x06" + b"\0" * 18)
    finish_job(job_id=job.pk)
    url = reverse("jobs:result_file", args=[job.pk])

    client.force_login(world.department_leader)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"PK")
    assert "attachment" in response["Content-Disposition"]
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_a_job_without_a_result_file_has_no_download(world, client):
    job = _job(world.organizer_staff)
    client.force_login(world.organizer_staff)
    assert client.get(reverse("jobs:result_file", args=[job.pk])).status_code == 404


@pytest.mark.req("FLOW-3")
@pytest.mark.parametrize("persona", ["organizer_staff", "assessee", "system_admin"])
def test_background_jobs_are_in_the_menu_of_those_who_have_jobs_to_see(world, client, persona):
    """Organizer staff oversee their organizations' jobs; anyone else once they started one (FLOW-3: the
    secretary has no 后台任务 in the menu); the page itself stays open to every signed-in user."""
    user = world.users[persona]
    client.force_login(user)
    link = f'href="{reverse("jobs:list")}" aria-current="page">后台任务<'
    page = client.get(reverse("jobs:list")).content.decode()
    assert "我的后台任务" in page
    assert (link in page) == (persona == "organizer_staff")
    _job(user)
    assert link in client.get(reverse("jobs:list")).content.decode()


def test_job_status_labels_are_chinese(world):
    assert [label for _, label in JobStatus.choices] == ["排队中", "进行中", "已完成", "失败", "已取消"]
