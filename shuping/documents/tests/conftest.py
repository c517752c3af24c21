"""Fixtures for the documents tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def wqy_or_noto_font() -> Path:
    """A CJK font file installed on this machine (the Makefile installs both packages)."""
    for candidate in (
        Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
        Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    ):
        if candidate.exists():
            return candidate
    pytest.fail("no CJK font installed: run `make sysdeps` (fonts-noto-cjk, fonts-wqy-zenhei)")
