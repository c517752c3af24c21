"""Downloads of rectification (RCT-3 circular Excel/PDF, RCT-7 unit evaluations Excel): scoped like the board."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.campaigns import selectors as campaign_selectors
from shuping.core.access import scoped

from . import exports, permissions, selectors, services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _campaign(request: AuthenticatedHttpRequest, pk: int):
    campaign = campaign_selectors.get_campaign_for(request.user, pk)
    if not permissions.can_read_campaign(request.user, campaign):
        raise PermissionDenied
    return campaign


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@require_GET
@scoped("经 campaigns.selectors.get_campaign_for 取考核（404）；限在该考核中有角色的人员（403）")
def circular_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    return _download(
        exports.circular_xlsx(selectors.circular_rows(campaign)), XLSX, f"rectification-{campaign.pk}.xlsx"
    )


@require_GET
@scoped("经 campaigns.selectors.get_campaign_for 取考核（404）；限在该考核中有角色的人员（403）")
def circular_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from shuping.documents.models import RegisteredDocument
    from shuping.documents.selectors import registered
    from shuping.documents.services import render_document_pdf

    campaign = _campaign(request, pk)
    on = selectors.today()
    # The organizer's staff issue the day's 整改通报: it takes a 文号 from the 发文 register (DOC-1); others
    # read the issued one (or an unnumbered copy before it is issued).
    entry: RegisteredDocument | None
    if permissions.can_manage_rectification(request.user, campaign):
        entry = services.issue_progress_circular(actor=request.user, campaign=campaign, on=on)
    else:
        entry = registered(exports.progress_subject(campaign, on))
    document = exports.circular_document(
        campaign, selectors.circular_rows(campaign), on, number=entry.number if entry else ""
    )
    return _download(render_document_pdf(document), "application/pdf", f"rectification-{campaign.pk}.pdf")


@require_GET
@scoped("经 campaigns.selectors.get_campaign_for 取考核（404）；限在该考核中有角色的人员（403，RCT-7）")
def units_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    return _download(
        exports.units_xlsx(selectors.unit_evaluations(campaign)), XLSX, f"units-{campaign.pk}.xlsx"
    )
