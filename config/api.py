"""The REST API at /api/v1/ (django-ninja), OpenAPI at /api/v1/openapi.json.

Each app contributes a router from its `api.py`; every operation declares its access rule
(shuping.core.access) and the access harness checks it.
"""

from ninja import NinjaAPI

from shuping.core.api_base import install_error_handlers

api = NinjaAPI(
    title="Shuping API",
    version="1",
    description="述评 — 党委（党组）书记抓基层党建工作述职评议考核 REST API",
    urls_namespace="api",
)
install_error_handlers(api)


def _mount() -> None:
    from shuping.ballots.api import router as ballots_router
    from shuping.campaigns.api import router as campaigns_router
    from shuping.evaluations.api import router as evaluations_router
    from shuping.feedback.api import router as feedback_router
    from shuping.fieldwork.api import router as fieldwork_router
    from shuping.jobs.api import router as jobs_router
    from shuping.meetings.api import router as meetings_router
    from shuping.orgs.api import router as orgs_router
    from shuping.oversight.api import router as oversight_router
    from shuping.rectification.api import router as rectification_router
    from shuping.reports.api import router as reports_router

    api.add_router("/", orgs_router)
    api.add_router("/", ballots_router)
    api.add_router("/", campaigns_router)
    api.add_router("/", jobs_router)
    api.add_router("/", reports_router)
    api.add_router("/", fieldwork_router)
    api.add_router("/", oversight_router)
    api.add_router("/", meetings_router)
    api.add_router("/", evaluations_router)
    api.add_router("/", feedback_router)
    api.add_router("/", rectification_router)


_mount()
