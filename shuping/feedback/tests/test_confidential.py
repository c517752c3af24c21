"""BAL-6 / EVA-5: raw free-text ballot opinions never reach the assessee — not through the feedback page,
the letter (PDF, .docx), the API, the evaluation page or form, nor the list of their feedback. The organizer
writes a de-identified 意见归纳; a summary that copies a voter's words is refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from shuping.ballots import services as ballot_services
from shuping.ballots.tests.factories import make_box
from shuping.documents.tests.helpers import pdf_text
from shuping.evaluations import services as evaluation_services
from shuping.evaluations.tests.builders import campaign_at_evaluation
from shuping.feedback import services

from .builders import decide

RAW = "王某某书记在村里开会时总是拍桌子骂人，去年还把低保名额给了亲戚"


@pytest.fixture
def fed_back(world):
    campaign = campaign_at_evaluation(world, extra=2)
    assessment = campaign.assessments.select_related("campaign").get(organization=world.prefecture)
    box, slips = make_box(world, subjects=1, categories={"党代表": 5})
    subject = box.subjects.get()
    for i, slip in enumerate(slips):
        session = ballot_services.start_session(code=slip.code)
        ballot_services.submit_ballot(
            token=session.token,
            ratings={str(subject.pk): "good"},
            opinions={str(subject.pk): RAW if i == 0 else "希望多到基层走走"},
        )
    ballot_services.close_box(actor=world.organizer_staff, box=box)
    evaluation_services.link_ballot_subject(
        actor=world.organizer_staff, assessment=assessment, subject=subject
    )
    decide(campaign, world.organizer_staff)
    return campaign, assessment


@pytest.mark.req("EVA-5", "BAL-6")
def test_a_summary_copying_a_voters_words_is_refused(world, fed_back):
    _campaign, assessment = fed_back
    with pytest.raises(services.FeedbackError) as refused:
        services.draft_feedback(
            actor=world.organizer_staff, assessment=assessment, summary=f"有同志反映：{RAW[:20]}。"
        )
    assert refused.value.field == "summary"
    # With opinions received, release needs the organizer's own summary first.
    with pytest.raises(services.FeedbackError):
        services.release_feedback(actor=world.organizer_staff, assessment=assessment)


@pytest.mark.req("EVA-5", "BAL-6")
def test_raw_ballot_opinions_reach_no_page_api_or_document_of_the_assessee(world, fed_back, client, tmp_path):
    _campaign, assessment = fed_back
    services.draft_feedback(
        actor=world.organizer_staff,
        assessment=assessment,
        summary="部分同志希望进一步改进工作作风，更多深入基层、听取群众意见，严格落实惠民政策公开公示。",
    )
    feedback = services.release_feedback(actor=world.organizer_staff, assessment=assessment)
    probes = (RAW[:12], "拍桌子", "低保名额")
    for persona in ("assessee", "liaison"):
        client.force_login(world.users[persona])
        pages = {
            "page": client.get(f"/feedback/assessments/{assessment.pk}/"),
            "mine": client.get("/feedback/"),
            "api_list": client.get("/api/v1/feedback"),
            "api_one": client.get(f"/api/v1/feedback/{feedback.pk}"),
            "evaluation": client.get(f"/evaluations/assessments/{assessment.pk}/"),
            "evaluations_api": client.get("/api/v1/evaluations"),
        }
        for name, response in pages.items():
            assert response.status_code == 200, (persona, name)
            body = response.content.decode()
            assert not any(p in body for p in probes), (persona, name)
        assert "更多深入基层" in pages["page"].content.decode()
        letter = client.get(f"/feedback/assessments/{assessment.pk}/letter.pdf")
        form = client.get(f"/evaluations/assessments/{assessment.pk}/form.pdf")
        for response in (letter, form):
            assert response.status_code == 200
            text = pdf_text(response.content, tmp_path)
            assert text is not None, "pdftotext (poppler-utils) is needed"
            flat = "".join(text.split())
            assert not any(p in flat for p in probes)
        assert "更多深入基层" in "".join(pdf_text(letter.content, tmp_path).split())
        docx = client.get(f"/feedback/assessments/{assessment.pk}/letter.docx")
        xml = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode()
        assert not any(p in xml for p in probes)
    # Organizer staff can still read the raw opinions in the ballots app (BAL-6: organizer-only).
    from shuping.feedback.selectors import raw_opinions_for

    assert RAW in raw_opinions_for(assessment)
