"""Take screenshots of Shuping pages in Debian's Chromium (developer aid; the journeys live in tests).

Usage: .venv/bin/python tools/screenshot.py BASE_URL USER PASSWORD OUT_DIR PATH [PATH …]
Each PATH is captured at 1280 px and 360 px width as OUT_DIR/<slug>-<width>.png.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    base, user, password, out, *paths = sys.argv[1:]
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for width in (1280, 360):
            page = browser.new_page(viewport={"width": width, "height": 900 if width > 400 else 740})
            if user != "-":
                page.goto(f"{base}/accounts/login/")
                page.fill("#id_username", user)
                page.fill("#id_password", password)
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
            for path in paths:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
                page.screenshot(path=str(out_dir / f"{slug}-{width}.png"), full_page=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
