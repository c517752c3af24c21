"""DOC-1: the 发文 register — 机关代字 per organization, numbers per organ and year of issue, taken atomically
(no gap, no duplicate under concurrency), a regenerated document keeps its number, a page for staff."""

from __future__ import annotations

import datetime
import threading
import time
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from shuping.audit.models import AuditEvent
from shuping.campaigns import services as campaign_services
from shuping.core.errors import DomainError
from shuping.documents import rules, services
from shuping.documents.models import NumberCounter, RegisteredDocument

# 2026-12-08 01:00 Beijing = 2026-12-07 17:00 UTC; 2027-01-01 01:00 Beijing = 2026-12-31 17:00 UTC.
BEIJING_1AM = datetime.datetime(2026, 12, 7, 17, 0, tzinfo=datetime.UTC)
NEW_YEAR_1AM = datetime.datetime(2026, 12, 31, 17, 0, tzinfo=datetime.UTC)


@pytest.mark.req("DOC-1")
def test_default_organ_codes_come_from_the_short_name_or_name():
    assert rules.default_organ_code("中共示范省委员会", "示范省委") == "示范省委组"
    assert rules.default_organ_code("中共甲市委员会") == "甲市委组"
    assert rules.default_organ_code("中共示范省直属机关工作委员会") == "示范省直属机关工委组"
    assert rules.document_number("示范省委组", 2026, 3) == "示范省委组〔2026〕3号"
    assert rules.clean_code(" 示范 省委组 ") == "示范省委组"
    assert (
        rules.clean_code("示范〔2026〕") == ""
        and rules.clean_code("组3") == ""
        and rules.clean_code("") == ""
    )


def _register(organ, subject, **changes):
    values = {"kind": "通知", "title": f"关于{subject}的通知"}
    values.update(changes)
    return services.register_document(actor=None, organization=organ, subject=subject, **values)


@pytest.mark.req("DOC-1", "DOC-2")
def test_numbers_run_per_organ_and_year_of_issue_and_a_regenerated_document_keeps_its_number(world):
    with mock.patch("django.utils.timezone.now", return_value=BEIJING_1AM):
        first = _register(world.province, "a")
        second = _register(world.province, "b", kind="通报", classification="秘密★1年", copies=12)
        other = _register(world.prefecture, "c")
        again = _register(world.province, "a", title="关于a的通知（修订）", url="/x/")
    assert (first.number, second.number) == ("示范省委组〔2026〕1号", "示范省委组〔2026〕2号")
    assert first.issued_on == datetime.date(2026, 12, 8)  # Beijing's day, not UTC's 12-07
    assert other.number.endswith("〔2026〕1号") and other.number != first.number
    assert again.pk == first.pk and again.number == first.number and again.issued_on == first.issued_on
    again.refresh_from_db()
    assert again.title == "关于a的通知（修订）" and again.url == "/x/"
    assert (second.classification, second.copies, second.kind) == ("秘密★1年", 12, "通报")
    # 00:00–08:00 Beijing on 1 January is still 31 December in UTC: the new year's numbering starts at 1.
    with mock.patch("django.utils.timezone.now", return_value=NEW_YEAR_1AM):
        new_year = _register(world.province, "d")
    assert new_year.number == "示范省委组〔2027〕1号" and new_year.issued_on == datetime.date(2027, 1, 1)
    assert AuditEvent.objects.filter(action="documents.register").count() == 4


@pytest.mark.req("DOC-1")
def test_a_configured_organ_code_numbers_later_documents_only(world):
    first = _register(world.province, "a")
    with pytest.raises(DomainError):
        services.set_organ_code(actor=world.organizer_staff, organization=world.province, code="示范〔1〕")
    services.set_organ_code(actor=world.organizer_staff, organization=world.province, code="示组")
    second = _register(world.province, "b")
    year = first.year
    assert first.number == f"示范省委组〔{year}〕1号" and second.number == f"示组〔{year}〕2号"


@pytest.mark.req("DOC-1")
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_consecutive_numbers_without_gap_or_duplicate(world):
    threads, per_thread = 6, 5
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def attempt(subject: str) -> RegisteredDocument:
        for _try in range(200):
            try:
                return _register(world.province, subject)
            except OperationalError as exc:
                # SQLite's in-memory test database (shared cache) answers "table is locked" at once
                # instead of waiting; the transaction was rolled back whole, so trying again is safe.
                assert "locked" in str(exc)
                time.sleep(0.01)
        raise AssertionError("never got the lock")

    def work(worker: int) -> None:
        try:
            barrier.wait()
            for n in range(per_thread):
                first = attempt(f"t{worker}-{n}")
                assert attempt(f"t{worker}-{n}").number == first.number  # regenerated: same number
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors, errors
    total = threads * per_thread
    sequences = sorted(RegisteredDocument.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    assert len(set(RegisteredDocument.objects.values_list("number", flat=True))) == total
    assert NumberCounter.objects.get(organization=world.province).last == total


@pytest.mark.req("DOC-1")
def test_staff_reach_the_register_from_the_campaign_page_and_set_the_code(world):
    staff = world.organizer_staff
    campaign = campaign_services.create_campaign(actor=staff, organizer=world.province, year=2025)
    entry = _register(world.province, "page", classification="内部", copies=3, url="/feedback/circulars/1/")
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    link = reverse("documents:register", args=[world.province.pk])
    assert f'href="{link}"' in page and "发文登记" in page
    register = client.get(link).content.decode()
    for text in (entry.number, entry.title, "内部", "/feedback/circulars/1/", "文号", "份数", "密级"):
        assert text in register
    assert client.get(reverse("documents:register_index")).url == link
    refused = client.post(
        link, {"code": "示省组2号"}
    )  # SEC-6: the page again, the refusal and the typed code
    assert refused.status_code == 400
    assert (
        "机关代字应为不超过32个字" in refused.content.decode()
        and 'value="示省组2号"' in refused.content.decode()
    )
    done = client.post(link, {"code": "示省组"})
    assert done.status_code == 302 and done.url == link
    assert "机关代字已设为“示省组”" in client.get(link).content.decode()
    assert _register(world.province, "next").number.startswith("示省组〔")
    leader = Client()
    leader.force_login(world.department_leader)
    assert leader.get(link).status_code == 200 and leader.post(link, {"code": "x"}).status_code == 403
