"""Reads of background jobs, always scoped to the user (SEC-2: out of scope → 404)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant

from .models import Job

if TYPE_CHECKING:
    from shuping.accounts.models import User

#: Roles whose holders see the jobs scoped to their organizations, besides their own.
OVERSEEING_ROLES = (Role.ORGANIZER_STAFF, Role.DEPARTMENT_LEADER)


def visible_to(user: User) -> QuerySet[Job]:
    """The user's own jobs, plus jobs scoped to an organization they oversee.

    Overseeing = an ORGANIZER_STAFF or DEPARTMENT_LEADER grant on the job's organization, or on an
    ancestor of it when the grant includes the subtree (a subtree is a path prefix, ORG-2).
    """
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    scope = Q(requested_by=user)
    grants = RoleGrant.objects.filter(user=user, role__in=OVERSEEING_ROLES).values_list(
        "organization_id", "organization__path", "include_subtree"
    )
    for organization_id, path, include_subtree in grants:
        if include_subtree:
            scope |= Q(organization__path__startswith=path)
        else:
            scope |= Q(organization_id=organization_id)
    return Job.objects.filter(scope)


def can_use_jobs(user: User) -> bool:
    """The 后台任务 menu (FLOW-3): those who oversee organizations' jobs (`visible_to`'s roles) or have
    started a job themselves — not a secretary or liaison with nothing there."""
    if not getattr(user, "is_authenticated", False):
        return False
    if RoleGrant.objects.filter(user=user, role__in=OVERSEEING_ROLES).exists():
        return True
    return Job.objects.filter(requested_by=user).exists()


def jobs_for_list(user: User) -> QuerySet[Job]:
    """The 我的后台任务 page: newest first, with what each row shows fetched in the same query."""
    return visible_to(user).select_related("requested_by", "organization").order_by("-created_at", "-pk")


def get_job_for(user: User, job_id: int) -> Job:
    """One job the user may see, else 404 (its existence is not revealed)."""
    job = visible_to(user).select_related("requested_by", "organization").filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job
