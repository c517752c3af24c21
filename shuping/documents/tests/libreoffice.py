"""Converting the generated .docx files to PDF in LibreOffice, to measure them like the PDFs (DOC-3, DOC-4).

`soffice --headless --convert-to pdf` (Debian `libreoffice-writer-nogui`, in the Makefile's system
packages) lays the file out as an office suite does. A test that needs it FAILS without it (INT-4): a check
that silently does nothing where LibreOffice is missing would pass without proving anything.

The .docx names the fonts of the standard (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体), which a
Debian machine does not have; a private fontconfig file maps each of them to the face the font chooser
picked for the same role — what an office machine with the licensed fonts (or an administrator's alias)
gives — so that the widths and fonts measured are those of real Chinese faces, not of whatever fallback
fontconfig would pick (DejaVu Sans for digits, a Japanese sans for 仿宋).

Each conversion runs with its own LibreOffice profile (`-env:UserInstallation`), so parallel test runs
do not share (and lock) one.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from shuping.documents import word
from shuping.documents.fonts import FontFace, configured_fonts

# The names the .docx gives each GB/T 9704 role, and the attribute of the font set that plays it.
ROLE_NAMES = (
    (word.TITLE_FONT, "title"),
    (word.BODY_FONT, "body"),
    (word.HEADING_FONT, "heading"),
    (word.KAI_FONT, "kai"),
    (word.NUMBER_FONT, "body"),
)


def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        pytest.fail(
            "soffice is needed to measure the .docx files: apt-get install libreoffice-writer-nogui "
            "(make sysdeps)"
        )
    return found


def _fontconfig_family(face: FontFace) -> str:
    """The family fontconfig knows the face by (Typst may spell it differently: "AR PL UKai")."""
    shown = subprocess.run(
        ["fc-query", "-i", str(face.index), "-f", "%{family[0]}", face.path],
        capture_output=True,
        check=True,
        text=True,
    ).stdout.strip()
    return shown or face.family


def fontconfig_file(directory: Path) -> Path:
    """A fonts.conf: the system's configuration, plus each official font name mapped to its stand-in."""
    fonts = configured_fonts()
    rules = "\n".join(
        f'  <match target="pattern"><test name="family"><string>{escape(name)}</string></test>'
        f'<edit name="family" mode="assign" binding="strong">'
        f"<string>{escape(_fontconfig_family(getattr(fonts, role)))}</string></edit></match>"
        for name, role in ROLE_NAMES
    )
    path = directory / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"{rules}\n</fontconfig>\n",
        encoding="utf-8",
    )
    return path


def as_libreoffice_reads_it(data: bytes) -> bytes:
    """The .docx with w:overflowPunct inverted, because LibreOffice reads that flag upside down.

    ECMA-376 §17.3.1.21 (and Word, and LibreOffice's own .docx export) take w:overflowPunct="0" to mean
    "punctuation may not extend past the text extents"; LibreOffice 7.4's import maps it to
    ParaIsHangingPunctuation = (val == 0), so the very flag that keeps Word's 。 inside the type area makes
    LibreOffice hang it 5.6 mm into the margin. Inverting it here lets the measurement see the layout Word
    gives the file; everything else is converted as generated.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "word/document.xml":
                assert b'<w:overflowPunct w:val="1"/>' not in content
                content = content.replace(b'<w:overflowPunct w:val="0"/>', b'<w:overflowPunct w:val="1"/>')
            target.writestr(name, content)
    return buffer.getvalue()


def docx_to_pdf(files: dict[str, bytes], directory: Path) -> dict[str, bytes]:
    """Each named .docx converted to PDF by LibreOffice, in one `soffice` run."""
    tool = soffice()
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files.items():
        path = directory / f"{name}.docx"
        path.write_bytes(as_libreoffice_reads_it(data))
        paths.append(str(path))
    profile = directory / "lo-profile"
    out = directory / "pdf"
    completed = subprocess.run(
        [
            tool,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *paths,
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(directory),
            "FONTCONFIG_FILE": str(fontconfig_file(directory)),
        },
    )
    converted = {name: out / f"{name}.pdf" for name in files}
    missing = [name for name, path in converted.items() if not path.exists()]
    assert not missing, f"LibreOffice converted none of {missing}: {completed.stdout} {completed.stderr}"
    return {name: path.read_bytes() for name, path in converted.items()}
