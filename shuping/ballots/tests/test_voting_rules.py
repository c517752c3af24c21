"""The voting engine's pure rules (BAL-2, BAL-3, BAL-5, BAL-7; INT-4): codes, hashes, receipts, refusals
by box status and the ballot check — without a database, so `make mutation` can run them quickly.

The transactional half (sessions, consume-and-store) is covered by test_services.py and test_guards.py;
mutmut does not mutate those decorated functions (docs/testing.md).
"""

from __future__ import annotations

import dataclasses

import pytest

from shuping.ballots import services_voting as v
from shuping.ballots.choices import BoxStatus
from shuping.core import crypto
from shuping.core.errors import DomainError

pytestmark = pytest.mark.req("INT-4", "BAL-5")


def config(**overrides) -> v.BoxConfig:
    base = v.BoxConfig(
        box_id=1,
        public_id="p",
        version=1,
        grades=frozenset({"good", "poor"}),
        subjects=(("1", "张三"), ("2", "李四")),
        subject_ids=frozenset({"1", "2"}),
        dimension_ids=frozenset({"d1"}),
        requires_every_subject=False,
        has_opinion=True,
    )
    return dataclasses.replace(base, **overrides)


def test_a_code_is_normalized_from_what_the_voter_typed():
    assert v.normalize_code("abcde-23456") == "ABCDE23456"
    assert v.normalize_code(" ａｂｃ　de-2 3 ") == "ABCDE23"  # full-width, spaces and dashes
    assert v.normalize_code("") == ""
    assert v.normalize_code(None) == ""
    assert v.format_code("ABCDE23456") == "ABCDE-23456"


def test_the_credential_hash_is_keyed_and_of_the_normalized_code():
    expected = crypto.hmac_sm3(crypto.LABEL_BALLOT_CREDENTIAL, b"ABCDE23456").hex()
    assert v.code_hash("abcde-23456") == expected
    key = v.slip_key_from_secret("pair-secret")
    keyed = v.code_hash("abcde-23456", slip_key=key)
    assert keyed == v._slip_mac(key, b"credential", b"ABCDE23456").hex() != expected
    assert len(key) == v.SLIP_KEY_BYTES == 32
    assert v.slip_key_from_secret("PAIR SECRET") == key  # normalized like a code
    assert v.slip_key_from_secret("other") != key
    # Each purpose gets its own subkey.
    assert v._slip_mac(key, b"credential", b"X") != v._slip_mac(key, b"receipt", b"X")
    assert len(v._slip_mac(key, b"credential", b"X")) == 32


def test_the_receipt_is_eight_characters_of_the_code_alphabet_from_its_own_key():
    receipt = v.receipt_for_code("abcde-23456")
    assert len(receipt) == v.RECEIPT_LENGTH == 8
    assert set(receipt) <= set(v.RECEIPT_ALPHABET)
    digest = crypto.hmac_sm3(v.RECEIPT_LABEL, b"ABCDE23456")
    number = int.from_bytes(digest[:8], "big")
    expected = ""
    for _ in range(8):
        number, index = divmod(number, len(v.RECEIPT_ALPHABET))
        expected += v.RECEIPT_ALPHABET[index]
    assert receipt == expected
    assert v.receipt_for_code("ABCDE23456") == receipt != v.receipt_for_code("ABCDE23457")
    key = v.slip_key_from_secret("pair-secret")
    keyed = v.receipt_for_code("abcde-23456", slip_key=key)
    number = int.from_bytes(v._slip_mac(key, b"receipt", b"ABCDE23456")[:8], "big")
    expected = ""
    for _ in range(8):
        number, index = divmod(number, len(v.RECEIPT_ALPHABET))
        expected += v.RECEIPT_ALPHABET[index]
    assert keyed == expected != receipt


@pytest.mark.parametrize(
    ("status", "rehearsal", "code", "message"),
    [
        (BoxStatus.CLOSED, False, "closed", "投票已结束，票箱已封箱，不再接受投票。"),
        (BoxStatus.CLOSED, True, "closed", "投票已结束，票箱已封箱，不再接受投票。"),
        (BoxStatus.COUNTING, False, "closed", "手机投票已结束，正在计票，不再接受投票。"),
        (BoxStatus.REHEARSAL, False, "not_open", "现在是演练时间，正式投票尚未开始，请稍候。"),
        (BoxStatus.OPEN, True, "unknown", "这是演练凭证，演练已结束，不能用于正式投票。"),
        (BoxStatus.DRAFT, False, "not_open", "投票尚未开始，请等候工作人员宣布开始后再试。"),
        (BoxStatus.DRAFT, True, "not_open", "投票尚未开始，请等候工作人员宣布开始后再试。"),
    ],
)
def test_a_box_status_refuses_with_the_voters_message(status, rehearsal, code, message):
    with pytest.raises(v.CredentialError) as caught:
        v._refuse(status, rehearsal)
    assert (caught.value.code, caught.value.message) == (code, message)
    assert caught.value.status == (400 if code == "unknown" else 409)


def test_open_and_rehearsal_accept_their_own_credentials():
    assert v._refuse(BoxStatus.OPEN, False) is None
    assert v._refuse(BoxStatus.REHEARSAL, True) is None


def test_credential_error_statuses():
    assert v.CredentialError("x", code="rate_limited").status == 429
    assert v.CredentialError("x", code="unknown").status == 400
    assert v.CredentialError("x", code="busy").status == 409
    error = v.CredentialError("x", code="used", field="code")
    assert (error.code, error.field) == ("used", "code")


def test_the_session_hash_is_keyed():
    assert v.session_hash("tok") == crypto.hmac_sm3(v.SESSION_LABEL, b"tok").hex()
    assert v.session_hash("tok") != v.session_hash("tok2")


def _refused(code, *args):
    with pytest.raises(DomainError) as caught:
        v.clean_ballot(*args)
    assert caught.value.code == code
    return caught.value.message


def test_a_ballot_is_checked_and_normalized():
    assert v.clean_ballot(config(), {"1": "good", 2: "poor"}, None, None) == (
        {"1": "good", "2": "poor"},
        {},
        {},
    )
    # An abstention on a known subject is left out; on an unknown subject it is malformed.
    assert v.clean_ballot(config(), {"1": "good", "2": ""}, {}, {})[0] == {"1": "good"}
    assert v.clean_ballot(config(), {"1": "good", "2": None}, {}, {})[0] == {"1": "good"}
    assert (
        _refused("malformed", config(), {"1": "good", "9": ""}, {}, {})
        == "选票内容与票箱不符，请刷新页面后重试。"
    )
    assert _refused("malformed", config(), {"9": "good"}, {}, {})
    assert _refused("malformed", config(), {"1": "great"}, {}, {})


def test_the_shapes_must_be_objects():
    message = "选票内容格式不正确，请刷新页面后重试。"
    assert _refused("malformed", config(), ["1"], {}, {}) == message
    assert _refused("malformed", config(), {"1": "good"}, ["d1"], {}) == message
    assert _refused("malformed", config(), {"1": "good"}, {}, ["x"]) == message


def test_every_subject_or_at_least_one():
    every = config(requires_every_subject=True)
    assert _refused("incomplete", every, {"1": "good"}, {}, {}) == "请对每位测评对象作出评价。尚未评价：李四"
    assert _refused("incomplete", every, {}, {}, {}) == "请对每位测评对象作出评价。尚未评价：张三、李四"
    assert v.clean_ballot(every, {"1": "good", "2": "good"}, {}, {})[0] == {"1": "good", "2": "good"}
    assert _refused("incomplete", config(), {"1": ""}, {}, {}) == "请至少对一位测评对象作出评价。"


def test_dimension_marks():
    assert v.clean_ballot(config(), {"1": "good"}, {"1": {"d1": "poor"}, 2: {"d1": ""}}, {})[1] == {
        "1": {"d1": "poor"}
    }
    assert v.clean_ballot(config(), {"1": "good"}, {"1": {"d1": None}}, {})[1] == {}
    assert _refused("malformed", config(), {"1": "good"}, {"9": {"d1": "poor"}}, {})
    assert _refused("malformed", config(), {"1": "good"}, {"1": ["d1"]}, {})
    assert _refused("malformed", config(), {"1": "good"}, {"1": {"d9": "poor"}}, {})
    assert _refused("malformed", config(), {"1": "good"}, {"1": {"d1": "great"}}, {})


def test_opinions():
    ok = v.clean_ballot(config(), {"1": "good"}, {}, {"1": "  很好  ", "general": "总体意见", 2: ""})
    assert ok[2] == {"1": "很好", "general": "总体意见"}
    assert v.clean_ballot(config(), {"1": "good"}, {}, {"1": None})[2] == {}
    assert v.clean_ballot(config(has_opinion=False), {"1": "good"}, {}, {"1": "很好"})[2] == {}
    assert _refused("malformed", config(), {"1": "good"}, {}, {"9": "x"})
    long = "字" * v.MAX_OPINION_CHARS
    assert v.clean_ballot(config(), {"1": "good"}, {}, {"1": long})[2] == {"1": long}
    assert (
        _refused("too_long", config(), {"1": "good"}, {}, {"1": long + "字"})
        == "意见建议每条不超过 1000 字。"
    )
    assert (
        _refused("malformed", config(), {"1": "good"}, {}, {"1": "a\x00b"})
        == "意见建议中含有不允许的字符，请修改后重试。"
    )


def test_receipt_digest_fingerprint_and_seal():
    from shuping.ballots import receipts

    digest = receipts.receipt_digest("ABCD2345")
    assert digest == crypto.hmac_sm3(receipts.RECEIPT_DIGEST_LABEL, b"ABCD2345").hex()
    assert digest != receipts.receipt_digest("ABCD2346")
    assert receipts.receipt_digest("ABCD2345\u00e9") == digest  # non-ASCII ignored, never an error
    fingerprint = receipts.receipt_fingerprint(digest)
    text = crypto.hmac_sm3(receipts.RECEIPT_FINGERPRINT_LABEL, digest.encode()).hex()[:12]
    assert fingerprint == f"{text[:4]}-{text[4:8]}-{text[8:]}"
    assert len(fingerprint) == 14
    sealed = receipts.seal_receipt("ABCD2345", "token-hash-1")
    assert b"ABCD2345" not in sealed
    assert receipts.open_receipt(memoryview(sealed), "token-hash-1") == "ABCD2345"
    with pytest.raises(crypto.DecryptionError):
        receipts.open_receipt(sealed, "token-hash-2")  # bound to its session
    assert receipts._receipt_associated("t") == b"ballots.session.receipt/t"


def test_non_ascii_letters_are_dropped_from_what_is_hashed_never_an_error():
    """isalnum() keeps letters of any script; the hashes take the ASCII ones and ignore the rest."""
    assert v.normalize_code("甲ABCDE23456") == "甲ABCDE23456"
    assert v.code_hash("甲ABCDE23456") == v.code_hash("ABCDE23456")
    assert v.receipt_for_code("甲ABCDE23456") == v.receipt_for_code("ABCDE23456")
    key = v.slip_key_from_secret("pair-secret")
    assert v.code_hash("甲ABCDE23456", slip_key=key) == v.code_hash("ABCDE23456", slip_key=key)
    assert v.slip_key_from_secret("甲pair-secret") == key
    assert v.session_hash("令牌tok") == v.session_hash("tok")


def test_the_slip_key_and_its_subkeys_are_the_documented_hkdf_sm3():
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import hmac as crypto_hmac
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    salt = b"shuping/offline-slips/v1"
    key = HKDF(algorithm=hashes.SM3(), length=32, salt=salt, info=b"slip-key").derive(b"PAIRSECRET")
    assert v.slip_key_from_secret("pair-secret") == key
    subkey = HKDF(algorithm=hashes.SM3(), length=32, salt=salt, info=b"mac/credential").derive(key)
    mac = crypto_hmac.HMAC(subkey, hashes.SM3())
    mac.update(b"ABCDE23456")
    assert v._slip_mac(key, b"credential", b"ABCDE23456") == mac.finalize()


def test_an_abstention_before_a_mark_does_not_end_the_check():
    assert v.clean_ballot(config(), {"1": "", "2": "good"}, {}, {})[0] == {"2": "good"}
