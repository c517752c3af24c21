"""Background jobs of the orgs app: imports run as jobs with progress (ORG-4).

The upload page stores the file, then `start_job(task=import_file, …)`; `shuping import-orgs` runs the
same task in the foreground. The task only adapts the import service to the job runner: progress goes
to `job.progress`, and a rejected file ends the job failed with every row at fault in `Job.result`.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from shuping.jobs.runtime import JobContext, JobFailed, job_task

from . import imports, imports_people

#: Job kinds, one per import template (the job pages and the result page key on them).
IMPORT_KINDS: dict[str, str] = {
    "orgs.import": "党组织",
    "orgs.import_people": "干部",
    "orgs.import_secretaryships": "书记任职",
}


def _actor(actor_id: int | None) -> Any:
    if actor_id is None:
        return None
    from shuping.accounts.models import User

    return User.objects.get(pk=actor_id)


@job_task
def import_file(
    job: JobContext,
    what: str,
    path: str,
    actor_id: int | None = None,
    filename: str = "",
    stored: bool = True,
) -> dict:
    """Import the file at `path` (in the default storage when `stored`, else a local path) as `what`.

    `what` is "orgs", "people" or "secretaryships". The stored upload is deleted afterwards either way.
    """
    actor = _actor(actor_id)
    service = {
        "orgs": imports.import_organizations,
        "people": imports_people.import_people,
        "secretaryships": imports_people.import_secretaryships,
    }[what]
    try:
        if stored:
            with default_storage.open(path, "rb") as handle:
                data = handle.read()
        else:
            data = path
        result = service(rows_or_path=data, actor=actor, progress=job.progress, filename=filename)
    except imports.ImportRejected as exc:
        raise JobFailed(
            exc.message, errors=[e.as_dict() for e in exc.errors], code="import_rejected"
        ) from exc
    finally:
        if stored:
            default_storage.delete(path)
    job.summary = _("导入成功：%(counts)s。") % {
        "counts": "，".join(f"{name} {count} 条" for name, count in result.counts.items())
    }
    return {"counts": result.counts, **_link(what, result)}


def _link(what: str, result: Any) -> dict:
    """Where to look at what an organization import wrote: the page of the first new organization's parent."""
    if what != "orgs" or not result.codes:
        return {}
    from django.urls import NoReverseMatch, reverse

    from .models import Organization

    first = Organization.objects.filter(code=result.codes[0]).only("pk", "parent_id").first()
    if first is None:
        return {}
    try:
        url = reverse("orgs:detail", args=[first.parent_id or first.pk])
    except NoReverseMatch:
        return {}
    return {"link": {"url": url, "label": str(_("查看导入的党组织"))}}
