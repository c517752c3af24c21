"""The stand-in font notice on every page that generates documents (DOC-4), fed by the font chooser."""

from __future__ import annotations

from django.http import HttpRequest

from shuping.core.errors import DomainError

from .generating import GENERATING_PAGES


def font_notice(request: HttpRequest) -> dict[str, object]:
    """`font_notice` for templates/base.html on a generating page (`generating.GENERATING_PAGES`): the
    roles set in a stand-in and how to install the licensed fonts, or the chooser's error; nothing on
    other pages or when every role has its own typeface."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in GENERATING_PAGES:
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
