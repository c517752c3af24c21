"""`{% upward_report_panel campaign %}`: the organizer's way to the upward report (OVS-1) on the campaign page.

A template tag rather than context from the campaigns view, so that the campaigns app does not import the
oversight rollup (oversight reads the other apps, not the reverse)."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("oversight/_upward_report_panel.html")
def upward_report_panel(campaign, csrf_token=""):
    return {"campaign": campaign, "state": selectors.upward_report_state(campaign), "csrf_token": csrf_token}
