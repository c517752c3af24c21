"""Placeholders for the oversight rows of docs/permissions.md (OVS-1 … OVS-3, SEC-2, EVA-9).

- ovs_county_campaign: 乙县委's own 2024 campaign (its township). Province staff and leaders oversee it
  read-only through /oversight/ (their subtree grants), while the campaigns app's own page stays 404 for
  them (scope follows the organizer there). Guidance staff on 甲市委's subtree see it through the campaigns
  app, so they reach the report-draft route and get 403 (read-only, OVS-3).
- ovs_report: 甲市委's 2022 campaign's upward report, submitted to 示范省委 (the province's inbox).
"""

from __future__ import annotations


def _built(world):
    cache = world.__dict__.setdefault("_oversight_targets", {})
    if cache:
        return cache
    from shuping.oversight.tests.builders import decided, opened, submitted_report

    cache["ovs_county_campaign"] = opened(world.county, 2024).pk
    prefecture = decided(opened(world.prefecture, 2022))
    cache["ovs_report"] = submitted_report(prefecture).pk
    return cache


TARGETS = {
    name: (lambda world, name=name: _built(world)[name]) for name in ("ovs_county_campaign", "ovs_report")
}
