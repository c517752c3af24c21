"""DOC-2: a meeting document generated at 01:00 Beijing time carries that day's date, not UTC's."""

from __future__ import annotations

import datetime
import io
from unittest import mock

import docx
import pytest

from shuping.documents.services import render_document_docx
from shuping.meetings import pack
from shuping.meetings.models import Meeting

# 2026-12-08 01:00 in Beijing is 2026-12-07 17:00 UTC.
BEIJING_1AM = datetime.datetime(2026, 12, 7, 17, 0, tzinfo=datetime.UTC)


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


@pytest.mark.req("DOC-2", "MTG-5")
def test_the_notice_generated_at_1am_beijing_is_dated_that_day(scene):
    meeting = Meeting.objects.select_related("campaign__organizer").get(pk=scene.meeting.pk)
    with mock.patch("django.utils.timezone.now", return_value=BEIJING_1AM):
        entry = pack.register_notice(meeting, actor=None)
        document = pack.notice(meeting)
    assert entry.issued_on == datetime.date(2026, 12, 8) and entry.year == 2026
    assert document.document_number == entry.number
    assert document.issued_on == datetime.date(2026, 12, 8)
    assert "2026年12月8日" in _text(render_document_docx(document))
