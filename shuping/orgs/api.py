"""/api/v1/orgs and /api/v1/people (ORG-1, ORG-3)."""

from ninja import Router

router = Router(tags=["orgs"])
