"""`{% offline_panel meeting can_manage %}`: the meeting page's offline venue section (MTG-6)."""

from __future__ import annotations

from django import template

from shuping.ballots.choices import BoxStatus

from ..models import OfflineExport

register = template.Library()


@register.inclusion_tag("meetings/_offline_panel.html", takes_context=True)
def offline_panel(context, meeting, can_manage: bool) -> dict:
    exports = list(
        OfflineExport.objects.filter(meeting=meeting)
        .select_related("meeting_box__venue", "meeting_box__box", "exported_by", "imported_by")
        .order_by("meeting_box__venue__position", "meeting_box_id", "-exported_at")
    )
    done = {e.meeting_box_id for e in exports if e.imported_at}
    exportable = [
        mb
        for mb in meeting.boxes.select_related("box", "venue").order_by(
            "-venue__is_main", "venue__position", "pk"
        )
        if mb.box.status == BoxStatus.DRAFT and mb.pk not in done
    ]
    active = {e.meeting_box_id for e in exports if e.revoked_at is None}
    rows = []
    for e in exports:
        figures = e.figures or {}
        rows.append(
            {
                "export": e,
                "venue": e.meeting_box.venue.name,
                "box": e.meeting_box.box.title,
                "slips": sum(int(n) for n in (e.slip_counts or {}).values()),
                "state": ("revoked" if e.revoked_at else "imported" if e.imported_at else "waiting"),
                "figures": figures,
            }
        )
    return {
        "meeting": meeting,
        "can_manage": can_manage,
        "rows": rows,
        "exportable": [{"mb": mb, "again": mb.pk in active} for mb in exportable],
        "waiting": any(r["state"] == "waiting" for r in rows),
        "kept": context.get("kept", {}),  # a refused export keeps the typed address (SEC-6)
    }
