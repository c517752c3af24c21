"""The stand-in font notice on every page that generates documents (DOC-4), fed by the font chooser."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import Resolver404, resolve

from shuping.core.errors import DomainError

from .generating import GENERATING_PAGES


def font_notice(request: HttpRequest) -> dict[str, object]:
    """`font_notice` for templates/base.html on a generating page (`generating.GENERATING_PAGES`): the
    roles set in a stand-in and how to install the licensed fonts, or the chooser's error; nothing on
    other pages or when every role has its own typeface."""
    match = getattr(request, "resolver_match", None)
    if match is None or _page_of(request, match.view_name) not in GENERATING_PAGES:
        return {}
    from .fonts import FONT_HELP, configured_fonts

    try:
        fonts = configured_fonts()  # discovered once per process
    except DomainError as error:
        return {"font_notice": {"error": error.message}}
    stand_ins = fonts.stand_ins()
    if not stand_ins:
        return {}
    return {"font_notice": {"stand_ins": stand_ins, "help": FONT_HELP}}


def _page_of(request: HttpRequest, view_name: str) -> str:
    """The page a request draws: its own route, or — for a refused write that draws its page again
    (core.forms.handle_form) — the page its route hangs under (`…/circulars/publish/` → `…/circulars/`)."""
    if view_name in GENERATING_PAGES or request.method != "POST":
        return view_name
    parent = request.path.rstrip("/").rpartition("/")[0] + "/"
    try:
        return resolve(parent).view_name
    except Resolver404:
        return view_name
