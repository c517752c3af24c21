"""`{% font_notice %}`: on a page that generates documents, say when a stand-in font is used (DOC-4)."""

from __future__ import annotations

from django import template

from shuping.core.errors import DomainError

register = template.Library()


@register.inclusion_tag("documents/_font_notice.html")
def font_notice() -> dict[str, object]:
    from shuping.documents.fonts import FONT_HELP, configured_fonts

    try:
        fonts = configured_fonts()  # discovered once per process
    except DomainError as error:
        return {"error": error.message}
    return {"stand_ins": fonts.stand_ins(), "help": FONT_HELP}
