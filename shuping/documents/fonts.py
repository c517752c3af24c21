"""Font discovery for documents (EVA-8): one place decides which installed font plays which role.

GB/T 9704-2012 names four typefaces: 小标宋 for the title and the 发文机关标志, 仿宋 for the body,
黑体 for first-level headings and 楷体 for second-level ones. Licensed fonts (仿宋_GB2312, 方正小标宋简体 …)
are picked up from `settings.SHUPING_FONT_DIR` when present; otherwise free stand-ins are used:
Noto Serif CJK SC (fonts-noto-cjk) for 小标宋 (bold) and 仿宋, FandolFang / FandolKai from TeX Live where
installed, AR PL UKai (Debian fonts-arphic-ukai) for 楷体, Noto Sans CJK SC for 黑体, WenQuanYi Zen Hei as
a last resort. `FontSet.stand_ins()` lists the roles set in such a stand-in (DOC-4); the generating pages and
`shuping check` show `FontSet.report()`.

A font found in the configured folder beats a system font for every role whose list names it, so an
organization can also pin a free font by dropping it there. Discovery reads the fonts' own family names
(through Typst's font scanner, the engine that later embeds them), never file names.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from shuping.core.errors import DomainError

# Where Debian and TeX Live put fonts; scanned after SHUPING_FONT_DIR.
SYSTEM_FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol",
    "/usr/share/texmf/fonts/opentype/public/fandol",
)

# Family names per role, most wanted first. Licensed names come in both their Chinese and English
# spellings because a font's name table may report either.
TITLE_FAMILIES: tuple[str, ...] = (
    "方正小标宋简体",
    "方正小标宋_GBK",
    "FZXiaoBiaoSong-B05S",
    "FZXiaoBiaoSong-B05",
    "小标宋",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Source Han Serif CN",
    "FandolSong",
    "AR PL UMing CN",
    "Noto Sans CJK SC",
    "WenQuanYi Zen Hei",
)
BODY_FAMILIES: tuple[str, ...] = (
    "仿宋_GB2312",
    "FangSong_GB2312",
    "仿宋",
    "FangSong",
    "方正仿宋_GBK",
    "FZFangSong-Z02",
    "华文仿宋",
    "STFangsong",
    "FandolFang",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Source Han Serif CN",
    "AR PL UMing CN",
    "Noto Sans CJK SC",
    "WenQuanYi Zen Hei",
)
HEADING_FAMILIES: tuple[str, ...] = (
    "黑体",
    "SimHei",
    "方正黑体_GBK",
    "FZHei-B01",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "FandolHei",
    "WenQuanYi Zen Hei",
)
KAI_FAMILIES: tuple[str, ...] = (
    "楷体_GB2312",
    "KaiTi_GB2312",
    "楷体",
    "KaiTi",
    "方正楷体_GBK",
    "FZKai-Z03",
    "华文楷体",
    "STKaiti",
    "FandolKai",
    # Debian's fonts-arphic-ukai (Makefile APT_PACKAGES): Typst reports its mainland face as "AR PL UKai".
    "AR PL UKai",
    "AR PL UKai CN",
)
# Families that are 小标宋 proper: already heavy, set at regular weight. Any stand-in is set bold.
TRUE_TITLE_FAMILIES = frozenset(name.casefold() for name in TITLE_FAMILIES[:5])
# Glyphs no CJK font has (emoji, rare symbols) fall back to these when installed.
FALLBACK_FAMILIES: tuple[str, ...] = ("DejaVu Sans", "Noto Color Emoji", "Noto Emoji", "Symbola")

BOLD = 700
REGULAR = 400

#: The four GB/T 9704 roles: (attribute, role name, the font the standard's templates name, the families
#: that are that typeface proper — anything else chosen for the role is a stand-in, DOC-4).
ROLES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("title", "小标宋", "方正小标宋简体", TITLE_FAMILIES[:5]),
    ("body", "仿宋", "仿宋_GB2312", BODY_FAMILIES[:8]),
    ("heading", "黑体", "黑体", HEADING_FAMILIES[:4]),
    ("kai", "楷体", "楷体_GB2312", KAI_FAMILIES[:8]),
)
FONT_HELP = (
    "如需使用正式字体，请将有授权的仿宋_GB2312、方正小标宋简体、黑体、楷体_GB2312 字体文件放入 "
    "SHUPING_FONT_DIR 设置的目录后重启服务；免费楷体可安装 Debian 软件包 fonts-arphic-ukai。"
)


@dataclass(frozen=True)
class StandIn:
    """A role set in another typeface than the one GB/T 9704 names."""

    role: str
    wanted: str
    used: str

    def __str__(self) -> str:
        return f"{self.role}（应为{self.wanted}）用 {self.used} 代替"


class FontsMissingError(DomainError):
    """No usable Chinese font: documents cannot be rendered until one is installed."""


@dataclass(frozen=True)
class FontFace:
    """One chosen font: its family name as Typst knows it, the file, and the weight to set it in."""

    family: str
    path: str
    index: int = 0
    weight: int = REGULAR
    is_from_font_dir: bool = False


@dataclass(frozen=True)
class FontSet:
    """The faces for each GB/T 9704 role, and the folders the PDF engine must load them from."""

    title: FontFace
    body: FontFace
    heading: FontFace
    kai: FontFace
    fallbacks: tuple[str, ...]
    dirs: tuple[str, ...]

    def stand_ins(self) -> list[StandIn]:
        """Each role whose chosen face is not the typeface itself (a free or fallback face stands in)."""
        out = []
        for attribute, role, wanted, proper in ROLES:
            face: FontFace = getattr(self, attribute)
            if face.family.casefold() not in {name.casefold() for name in proper}:
                out.append(StandIn(role, wanted, face.family))
        return out

    def report(self) -> str:
        """One Chinese sentence on the fonts in use: empty when every role has its own typeface."""
        stand_ins = self.stand_ins()
        if not stand_ins:
            return ""
        return "生成的公文使用了替代字体：" + "；".join(str(item) for item in stand_ins) + "。" + FONT_HELP

    def template_data(self) -> dict[str, object]:
        """Family names and weights in the shape the Typst templates read (`data.fonts`)."""
        fallbacks = list(self.fallbacks)
        return {
            "title": [self.title.family, self.body.family, *fallbacks],
            "title_weight": self.title.weight,
            "body": [self.body.family, self.title.family, *fallbacks],
            "heading": [self.heading.family, self.body.family, *fallbacks],
            "kai": [self.kai.family, self.body.family, *fallbacks],
        }


@dataclass(frozen=True)
class _Found:
    family: str
    path: str
    index: int
    weight: int
    style: str
    is_from_font_dir: bool


def _scan(directories: Sequence[Path], *, is_font_dir: bool) -> list[_Found]:
    """Every font in `directories` (recursively), as Typst's scanner reports it."""
    import typst  # a heavy native module: imported when fonts are first needed

    existing = [str(directory) for directory in directories if directory.is_dir()]
    if not existing:
        return []
    scanned = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=existing)
    return [
        _Found(info.family, info.path, info.index, info.weight, info.style, is_font_dir)
        for info in scanned.fonts()
        if info.path
    ]


def _choose(
    found: Sequence[_Found], wanted: Sequence[str], *, weight: int = REGULAR
) -> tuple[_Found, bool] | None:
    """The first wanted family present (font folder first), in the upright face nearest `weight`.

    Returns the face and whether the family has a face at least as heavy as `weight`.
    """
    order = {name.casefold(): rank for rank, name in enumerate(wanted)}
    candidates = [face for face in found if face.family.casefold() in order and face.style == "normal"]
    if not candidates:
        return None
    best = min(candidates, key=lambda face: (not face.is_from_font_dir, order[face.family.casefold()]))
    family_faces = [
        face
        for face in candidates
        if face.family == best.family and face.is_from_font_dir == best.is_from_font_dir
    ]
    nearest = min(family_faces, key=lambda face: abs(face.weight - weight))
    return nearest, nearest.weight >= weight


def _face(found: _Found, *, weight: int) -> FontFace:
    return FontFace(found.family, found.path, found.index, weight, found.is_from_font_dir)


def discover_fonts(*, font_dir: str = "", search_dirs: Sequence[str] = SYSTEM_FONT_DIRS) -> FontSet:
    """Choose a face for each role from `font_dir` (licensed fonts) and then `search_dirs`.

    Raises FontsMissingError, with a Chinese message saying what to install, when `font_dir` is set but
    missing or when no Chinese font is found at all.
    """
    found: list[_Found] = []
    if font_dir:
        folder = Path(font_dir).expanduser()
        if not folder.is_dir():
            raise FontsMissingError(
                f"字体目录不存在：{folder}。请检查 SHUPING_FONT_DIR 设置，或将其留空以使用系统自带的免费字体。",
                code="font_dir_missing",
            )
        found += _scan([folder], is_font_dir=True)
    found += _scan([Path(directory).expanduser() for directory in search_dirs], is_font_dir=False)

    body = _choose(found, BODY_FAMILIES)
    if body is None:
        raise FontsMissingError(
            "未找到任何中文字体，无法生成 PDF。请安装 fonts-noto-cjk（或 fonts-wqy-zenhei），"
            "或将仿宋_GB2312、方正小标宋简体等字体文件放入 SHUPING_FONT_DIR 指定的目录。",
            code="no_cjk_font",
        )
    body_face = _face(body[0], weight=REGULAR)

    title = _choose(found, TITLE_FAMILIES, weight=BOLD)
    if title is None:
        title_face = FontFace(
            body_face.family, body_face.path, body_face.index, BOLD, body_face.is_from_font_dir
        )
    else:
        is_true_title = title[0].family.casefold() in TRUE_TITLE_FAMILIES
        # A 小标宋 is heavy by design; a stand-in is set bold (synthesized by the engine if need be).
        title_face = _face(title[0], weight=REGULAR if is_true_title else BOLD)

    heading = _choose(found, HEADING_FAMILIES)
    heading_face = _face(heading[0], weight=REGULAR) if heading else body_face
    kai = _choose(found, KAI_FAMILIES)
    kai_face = _face(kai[0], weight=REGULAR) if kai else body_face

    present = {face.family.casefold(): face for face in found}
    fallbacks = tuple(name for name in FALLBACK_FAMILIES if name.casefold() in present)
    sources = [(face.path, face.is_from_font_dir) for face in (title_face, body_face, heading_face, kai_face)]
    sources += [(present[name.casefold()].path, False) for name in fallbacks]
    # The configured folder first, so its fonts win wherever a family is present twice.
    dirs: list[str] = []
    for path, _ in sorted(sources, key=lambda source: not source[1]):
        directory = str(Path(path).parent)
        if directory not in dirs:
            dirs.append(directory)
    return FontSet(
        title=title_face,
        body=body_face,
        heading=heading_face,
        kai=kai_face,
        fallbacks=fallbacks,
        dirs=tuple(dirs),
    )


@functools.lru_cache(maxsize=4)
def _cached_fonts(font_dir: str) -> FontSet:
    return discover_fonts(font_dir=font_dir)


def configured_fonts() -> FontSet:
    """The font set for `settings.SHUPING_FONT_DIR` (discovered once per process and folder)."""
    from django.conf import settings

    return _cached_fonts(str(getattr(settings, "SHUPING_FONT_DIR", "") or ""))
