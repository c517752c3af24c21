"""Render every generated document type from the demo data to PNG at 60 dpi for the user guide (DOC-3).

Usage (from the repository, `make guide-docs` does this):

    PYTHONPATH=$PWD .venv/bin/python tools/doc_shots.py [OUT_DIR]

It builds the small demo province in a throw-away SQLite database (so it never touches yours), then
renders each document as the product serves it — the same views a user downloads from, signed in as the
demo's provincial organizer staff, or the same builder the meeting-pack job runs — and converts the first
pages with `pdftoppm -r 60` into OUT_DIR (default docs/guide/img) as `doc-*.png`. The role guides embed
them (organizer-staff.md, department-leader.md, assessee.md, field-team.md).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

M = TypeVar("M", bound="Model")

ROOT = Path(__file__).resolve().parent.parent

#: name → (how many pages to keep, what it is). The order is the year's.
SHOTS: dict[str, tuple[int, str]] = {
    "doc-notice-red-header": (1, "campaign 工作通知 (红头文件)"),
    "doc-notice-attachment": (1, "the notice's 附件 测评表样式"),
    "doc-field-report": (1, "实地考核报告 (the field team's)"),
    "doc-meeting-notice": (1, "述职评议会 通知 (meeting pack)"),
    "doc-meeting-plan": (1, "会议方案 (meeting pack)"),
    "doc-sign-in-sheet": (1, "签到表 (meeting pack)"),
    "doc-ballot": (1, "民主评议 测评表 (meeting pack)"),
    "doc-tally-certificate": (1, "计票结果报告单"),
    "doc-evaluation-form": (1, "综合评价意见表"),
    "doc-feedback-letter": (1, "反馈意见"),
    "doc-circular": (1, "通报"),
    "doc-transfer-list": (1, "移交清单"),
    "doc-rectification-circular": (1, "整改通报"),
}


def _setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _first(queryset: QuerySet[M], what: str) -> M:
    """The first row, or stop: the demo data this tool photographs is missing."""
    found = queryset.first()
    if found is None:
        raise SystemExit(f"演示数据中没有{what}：请先运行 shuping demo")
    return found


def _pdfs() -> dict[str, bytes]:
    """Each document of SHOTS as PDF bytes, from the demo data."""
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from shuping.accounts.models import User
    from shuping.campaigns.models import Campaign
    from shuping.feedback.models import ArchiveTransfer, Circular, Feedback
    from shuping.fieldwork.models import FieldAssessment
    from shuping.meetings.models import Meeting
    from shuping.meetings.pack import build_pack, register_notice

    call_command("demo", "--no-serve", "--scale", "small", stdout=io.StringIO())
    setup_test_environment()  # the test client's host
    staff = Client()
    staff.force_login(User.objects.get(username="sheng_zuzhi"))

    def get(url: str) -> bytes:
        response = staff.get(url)
        if response.status_code != 200 or response["Content-Type"] != "application/pdf":
            raise SystemExit(f"{url}: {response.status_code} {response['Content-Type']}")
        return response.content

    province = Campaign.objects.filter(organizer__code="SF").latest("year")
    last_year = Campaign.objects.get(organizer__code="SF", year=province.year - 1)
    out: dict[str, bytes] = {}
    notice = _first(province.notices.order_by("pk"), "工作通知")
    red_header = get(reverse("campaigns:notice_file", args=[province.pk, notice.pk, "pdf"]))
    out["doc-notice-red-header"] = red_header
    out["doc-notice-attachment"] = red_header  # its attachments follow the notice (page chosen below)
    held = _first(Meeting.objects.filter(campaign=province, status="held").order_by("held_on"), "会议")
    visited = _first(FieldAssessment.objects.filter(status="completed").order_by("pk"), "实地考核")
    staff.force_login(User.objects.get(username="kaohe"))  # the team leader downloads the team's report
    out["doc-field-report"] = get(reverse("fieldwork:report", args=[visited.pk, "pdf"]))
    staff.force_login(User.objects.get(username="sheng_zuzhi"))
    register_notice(held, actor=None)  # numbered in the 发文 register first, as the pack job does
    files = {f.name: f.content for f in build_pack(held) if f.name.endswith(".pdf")}
    out["doc-meeting-notice"] = next(c for n, c in sorted(files.items()) if n.startswith("01-"))
    out["doc-meeting-plan"] = files["02-会议方案.pdf"]
    out["doc-sign-in-sheet"] = files["04-签到表.pdf"]
    out["doc-ballot"] = files["05-测评表.pdf"]  # the main one (a recused reporter's 单列 表 is apart)
    box = _first(held.boxes.order_by("pk"), "票箱")
    out["doc-tally-certificate"] = get(reverse("ballots:certificate", args=[box.pk, "pdf"]))
    evaluated = _first(
        province.assessments.filter(stage__in=["evaluation", "decision"]).order_by("pk"), "综合评价"
    )
    out["doc-evaluation-form"] = get(reverse("evaluations:form_pdf", args=[evaluated.pk]))
    letter = _first(
        Feedback.objects.filter(campaign=last_year, released_at__isnull=False).order_by("pk"), "反馈意见"
    )
    out["doc-feedback-letter"] = get(reverse("feedback:letter_pdf", args=[letter.assessment_id]))
    circular = _first(Circular.objects.filter(campaign=last_year).order_by("pk"), "通报")
    out["doc-circular"] = get(reverse("feedback:circular_pdf", args=[circular.pk]))
    transfer = _first(ArchiveTransfer.objects.order_by("pk"), "材料移交")
    staff.force_login(User.objects.get(username="shi_zuzhi"))  # 青川市委 sends its county secretaries' files
    out["doc-transfer-list"] = get(reverse("feedback:transfer_pdf", args=[transfer.pk]))
    staff.force_login(User.objects.get(username="sheng_zuzhi"))
    out["doc-rectification-circular"] = get(reverse("rectification:circular_pdf", args=[last_year.pk]))
    return out


def _tool(name: str) -> str:
    """A poppler-utils program by its full path (Makefile sysdeps installs poppler-utils)."""
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} not found: install poppler-utils")
    return path


def _attachment_page(pdf: Path) -> int:
    """The page of the notice's 测评表样式 attachment (else its first attachment, else page 2)."""
    text = subprocess.run(  # noqa: S603 - fixed argument list, no shell
        [_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    starts = [
        (number, page)
        for number, page in enumerate(text.stdout.split("\f"), start=1)
        if number > 1 and page.lstrip().startswith("附件")
    ]
    ballot = [number for number, page in starts if "测评表" in page[:200]]
    return (ballot or [number for number, _page in starts] or [2])[0]


def main() -> None:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "guide" / "img"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="shuping-doc-shots-") as tmp:
        _setup(Path(tmp) / "demo.sqlite3")
        for name, content in _pdfs().items():
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(content)
            first = _attachment_page(pdf) if name == "doc-notice-attachment" else 1
            pages = SHOTS[name][0]
            stem = Path(tmp) / name
            subprocess.run(  # noqa: S603 - fixed argument list, no shell
                [
                    _tool("pdftoppm"),
                    "-r",
                    "60",
                    "-png",
                    "-f",
                    str(first),
                    "-l",
                    str(first + pages - 1),
                    pdf,
                    stem,
                ],
                check=True,
            )
            made = sorted(Path(tmp).glob(f"{name}-*.png"))
            made[0].replace(out_dir / f"{name}.png")
            print(f"{out_dir / name}.png  {SHOTS[name][1]}")


if __name__ == "__main__":
    main()
