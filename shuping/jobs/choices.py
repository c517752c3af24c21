"""Job status and its allowed transitions (one `Job.transition_to()` enforces them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    """Where a background job stands, as its requester sees it."""

    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


#: Statuses in which the job may still change: pages keep polling while a job is in one of them.
ACTIVE_STATUSES = frozenset({JobStatus.QUEUED, JobStatus.RUNNING})

#: Terminal statuses have no way out: a finished job is a record, never re-run in place.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    JobStatus.QUEUED: frozenset({JobStatus.RUNNING, JobStatus.FAILED, JobStatus.CANCELLED}),
    JobStatus.RUNNING: frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}),
    JobStatus.SUCCEEDED: frozenset(),
    JobStatus.FAILED: frozenset(),
    JobStatus.CANCELLED: frozenset(),
}
