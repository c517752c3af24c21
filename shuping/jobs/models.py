"""The user-visible record of one background job (ORG-4 imports, EVA-8 document batches, reminders)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuping.core.status import StatusMachine

from .choices import ACTIVE_STATUSES, ALLOWED_TRANSITIONS, JobStatus


def result_file_path(job: Job, filename: str) -> str:
    """Result files live under jobs/<id>/ in the one storage (SEC-8); the name keeps what the task chose."""
    return f"jobs/{job.pk or 'new'}/{filename}"


class Job(StatusMachine):
    """Progress and outcome of one background task, as its requester (and scoped staff) see it.

    The django-tasks result (`task_result_id`) is the machinery's record — it holds tracebacks and
    is for operators. This row is for people: a Chinese title, "已完成 x / y", the latest message and,
    at the end, counts, the rows at fault or a result file. `organization` scopes the job so the
    organization's organizer staff and department leaders see it too.
    """

    kind = models.CharField(_("任务类型"), max_length=64, db_index=True)
    title = models.CharField(_("任务名称"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("发起人"),
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("所属党组织"),
    )
    status = models.CharField(_("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveBigIntegerField(_("已完成数"), default=0)
    progress_total = models.PositiveBigIntegerField(_("总数"), default=0)
    message = models.CharField(_("最新进展"), max_length=500, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    result_file = models.FileField(_("结果文件"), upload_to=result_file_path, max_length=300, blank=True)
    task_result_id = models.CharField(_("任务队列编号"), max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="jobs_job_requester_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="jobs_job_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # -- status ---------------------------------------------------------------------------------------

    #: `transition_to()` (core.status.StatusMachine) is the only place a job's status changes.
    TRANSITIONS = ALLOWED_TRANSITIONS
    STATUS_NOUN = "任务"
    TRANSITION_CODE = "job_status"

    def on_transition(self, old: str, new: str) -> list[str]:
        """Stamp the start, or the end, of the job."""
        if new == JobStatus.RUNNING:
            self.started_at = timezone.now()
            return ["started_at"]
        if new not in ACTIVE_STATUSES:
            self.finished_at = timezone.now()
            return ["finished_at"]
        return []

    # -- presentation ---------------------------------------------------------------------------------

    @property
    def is_active(self) -> bool:
        """Still queued or running: pages keep polling."""
        return self.status in ACTIVE_STATUSES

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return max(0, min(100, int(self.progress_done * 100 / self.progress_total)))

    @property
    def errors(self) -> list[dict]:
        """Rows at fault (imports: row, column, reason), as the task recorded them in `result`."""
        if isinstance(self.result, dict) and isinstance(self.result.get("errors"), list):
            return self.result["errors"]
        return []

    @property
    def counts(self) -> dict:
        """Named counts the task reported (e.g. {"党组织": 1200}), for the summary line."""
        if isinstance(self.result, dict) and isinstance(self.result.get("counts"), dict):
            return self.result["counts"]
        return {}

    @property
    def result_link(self) -> dict | None:
        """A link the task offered on success ({"url": "/orgs/…", "label": "查看导入的党组织"}).

        Only site-relative URLs are shown, so a task can never make the page link elsewhere.
        """
        link = self.result.get("link") if isinstance(self.result, dict) else None
        if not isinstance(link, dict):
            return None
        url, label = str(link.get("url", "")), str(link.get("label", "") or "查看结果")
        if not url.startswith("/") or url.startswith("//") or "\\" in url:
            return None
        return {"url": url, "label": label}
