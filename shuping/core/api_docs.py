"""The interactive API page (API-2): Swagger UI served from the project's static files, offline, under the CSP.

django-ninja's own Swagger page loads its scripts from a CDN unless `ninja` is an installed app, and its
bundled copy is not the project's pinned front-end dependency; this page takes Swagger UI from npm
(`swagger-ui-dist` in package.json, served as `vendor/swagger-ui/`) like htmx and ECharts, so it works on
an offline government network and needs no CSP exception.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI


class OfflineSwagger(DocsBase):
    """Render core/api_docs.html, which loads vendor/swagger-ui/ and core/api-docs.js."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        context = {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)}
        return render(request, "core/api_docs.html", context)
