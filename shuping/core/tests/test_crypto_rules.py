"""INT-4 / SEC-7: database-free tests that pin the crypto module's exact behaviour (the sealing mutants).

Each test calls a helper of `shuping.core.crypto` directly with a known input and asserts the exact value or
the exact bilingual message a deployer reads, so a changed constant, boundary or message turns it red.
"""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from shuping.core import crypto
from shuping.core.crypto import DecryptionError, SelfTestError, SoftwareProvider

pytestmark = pytest.mark.req("INT-4", "SEC-7")

KEY = bytes(range(32))
KEY_B64 = base64.b64encode(KEY).decode()
OTHER_B64 = base64.b64encode(bytes(range(32, 64))).decode()
HOW = 'python -c "import base64,secrets;print(base64.b64encode(secrets.token_bytes(32)).decode())"'
# Made once with SoftwareProvider(KEY): pins HKDF (salt, info, length) and the SM4-GCM token layout.
HMAC_VECTOR = "1058e5de5acda5b921c9ac0b09f299e3882a44d24e0f8ae44947ea966307ad2d"
TOKEN_VECTOR = "019d3bc853a6114fae33a4557de62cb856b5524f77b3b7280cd324dde27fdc653a640b"
KEYED_VECTOR = "fcc9692964d325d294fd95c7cdc0c6fb6f1218817ed5ceafbda9c56f42c47019"


@pytest.fixture(autouse=True)
def fresh_provider():
    crypto.reset_provider()
    yield
    crypto.reset_provider()


def test_expect_raises_the_bilingual_self_test_message():
    crypto._expect(True, "x")
    with pytest.raises(SelfTestError) as info:
        crypto._expect(False, "SM3 测试")
    assert str(info.value) == "密码自检失败：SM3 测试 / Cryptographic self-test failed: SM3 测试"


def test_an_empty_key_label_is_refused_with_its_message():
    assert crypto._label_bytes("述评") == "述评".encode()
    with pytest.raises(ValueError) as info:
        crypto._label_bytes("")
    assert str(info.value) == "A key label must not be empty."


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ("abc", b"abc", True),
        (b"abc", "abc", True),
        ("述评", "述评".encode(), True),
        ("abc", "abd", False),
        (b"abc", b"ab", False),
        ("述评", "述", False),
    ],
)
def test_constant_time_equal_compares_text_and_bytes(a, b, equal):
    assert crypto.constant_time_equal(a, b) is equal


def test_keyed_hmac_matches_its_vector_and_depends_on_key_and_data():
    provider = SoftwareProvider(KEY)
    assert provider.hmac_sm3_keyed(b"k" * 32, b"shuping").hex() == KEYED_VECTOR
    assert crypto.hmac_sm3_keyed(b"k" * 32, b"shuping").hex() == KEYED_VECTOR
    assert crypto.hmac_sm3_keyed(b"j" * 32, b"shuping").hex() != KEYED_VECTOR
    assert crypto.hmac_sm3_keyed(b"k" * 32, b"shupinG").hex() != KEYED_VECTOR


def test_the_audit_key_is_decoded_when_valid_and_distinct():
    assert crypto.load_audit_key(OTHER_B64) == bytes(range(32, 64))
    assert crypto.load_audit_key(OTHER_B64, data_key=KEY_B64) == bytes(range(32, 64))
    assert crypto.load_audit_key(OTHER_B64, data_key=None) == bytes(range(32, 64))


AUDIT_INVALID = (
    "审计检查点密钥 SHUPING_AUDIT_KEY 未设置或无效：必须是恰好 32 字节的 base64 编码，且不同于数据密钥。"
    f"可用以下命令生成：{HOW} / SHUPING_AUDIT_KEY is missing or invalid (base64 of 32 random bytes, "
    f"distinct from SHUPING_DATA_KEY). Generate one with: {HOW}"
)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "not base64!",
        base64.b64encode(bytes(31)).decode(),
        base64.b64encode(bytes(33)).decode(),
        # valid base64 of 32 bytes with a stray character: only strict decoding refuses it
        OTHER_B64[:8] + "!" + OTHER_B64[8:],
    ],
)
def test_a_missing_or_invalid_audit_key_is_refused_with_the_message(value):
    with pytest.raises(ImproperlyConfigured) as info:
        crypto.load_audit_key(value)
    assert str(info.value) == AUDIT_INVALID


def test_the_audit_key_must_differ_from_the_data_key():
    with pytest.raises(ImproperlyConfigured) as info:
        crypto.load_audit_key(KEY_B64, data_key=KEY_B64)
    assert str(info.value) == (
        "审计检查点密钥 SHUPING_AUDIT_KEY 不得与数据密钥 SHUPING_DATA_KEY 相同。 / "
        "SHUPING_AUDIT_KEY must differ from SHUPING_DATA_KEY."
    )


def test_a_missing_data_key_message_is_exact():
    with pytest.raises(ImproperlyConfigured) as info:
        crypto.load_master_key("")
    assert str(info.value) == (
        "未设置数据密钥 SHUPING_DATA_KEY（32 字节随机数的 base64 编码），个人信息加密和凭据散列无法进行。"
        f"可用以下命令生成：{HOW} / "
        "SHUPING_DATA_KEY is not set (base64 of 32 random bytes); field encryption and credential "
        f"hashing cannot work. Generate one with: {HOW}"
    )


@pytest.mark.parametrize(
    "value", ["not base64!", base64.b64encode(bytes(31)).decode(), KEY_B64[:8] + "!" + KEY_B64[8:]]
)
def test_an_invalid_data_key_message_is_exact(value):
    with pytest.raises(ImproperlyConfigured) as info:
        crypto.load_master_key(value)
    assert str(info.value) == (
        "数据密钥 SHUPING_DATA_KEY 无效：必须是恰好 32 字节的 base64 编码。"
        f"可用以下命令生成：{HOW} / "
        "SHUPING_DATA_KEY is invalid: it must be the base64 encoding of exactly 32 bytes. "
        f"Generate one with: {HOW}"
    )
    assert crypto.load_master_key(KEY_B64) == KEY


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("8613800000000", "13800000000"),
        ("861234", "861234"),
        ("1380000000086", "1380000000086"),
        ("8621234567890", "8621234567890"),
    ],
)
def test_a_bare_86_is_dropped_only_before_a_full_mobile_number(typed, normal):
    assert crypto.normalize_phone(typed) == normal


def test_a_registered_normaliser_is_used_for_its_label(monkeypatch):
    monkeypatch.setattr(crypto, "_NORMALIZERS", dict(crypto._NORMALIZERS))
    crypto.register_normalizer("staff-no", lambda value: value.replace("-", ""))
    assert crypto.normalizer_for("staff-no")("A-12") == "A12"
    assert crypto.blind_index("staff-no", "A-12") == crypto.blind_index("staff-no", "A12")


def test_the_data_key_must_be_exactly_32_bytes():
    SoftwareProvider(bytes(32))
    for size in (31, 33):
        with pytest.raises(ImproperlyConfigured) as info:
            SoftwareProvider(bytes(size))
        assert str(info.value) == "数据密钥必须恰好 32 字节 / The data key must be exactly 32 bytes."


def test_subkey_derivation_matches_the_known_vectors():
    provider = SoftwareProvider(KEY)
    assert provider.hmac_sm3("ballot-credential", b"shuping").hex() == HMAC_VECTOR
    assert provider.decrypt(bytes.fromhex(TOKEN_VECTOR), associated_data=b"vector") == "述评".encode()


def test_subkeys_are_derived_once_and_cached(monkeypatch):
    provider = SoftwareProvider(KEY)
    first = provider.hmac_sm3("ballot-credential", b"shuping")

    def no_more_derivation(*args, **kwargs):
        raise AssertionError("subkey derived again")

    monkeypatch.setattr(crypto, "HKDF", no_more_derivation)
    assert provider.hmac_sm3("ballot-credential", b"shuping") == first


def test_decryption_errors_carry_their_messages():
    provider = SoftwareProvider(KEY)
    with pytest.raises(DecryptionError) as info:
        provider.decrypt(b"\x01" * 5, associated_data=b"vector")
    assert str(info.value) == "密文格式无法识别 / Unrecognised ciphertext format"
    with pytest.raises(DecryptionError) as info:
        provider.decrypt(bytes.fromhex(TOKEN_VECTOR), associated_data=b"other")
    assert str(info.value) == (
        "密文校验失败（被篡改、错位或密钥不符）/ Ciphertext failed authentication (tampered, misplaced or wrong key)"
    )


def _self_test_message(what: str) -> str:
    return f"密码自检失败：{what} / Cryptographic self-test failed: {what}"


def test_a_wrong_sm4_block_answer_fails_the_self_test(monkeypatch):
    monkeypatch.setattr(crypto, "SM4_KAT_CIPHERTEXT", bytes(16))
    with pytest.raises(SelfTestError) as info:
        SoftwareProvider(KEY).self_test()
    assert str(info.value) == _self_test_message("SM4 known-answer test (GB/T 32907)")


@pytest.mark.parametrize("constant", ["SM4_GCM_KAT_TAG", "SM4_GCM_KAT_CIPHERTEXT"])
def test_a_wrong_gcm_answer_in_either_part_fails_the_self_test(monkeypatch, constant):
    monkeypatch.setattr(crypto, constant, bytes(len(getattr(crypto, constant))))
    with pytest.raises(SelfTestError) as info:
        SoftwareProvider(KEY).self_test()
    assert str(info.value) == _self_test_message("SM4-GCM known-answer test (RFC 8998 A.1)")


class _WrongSm3(SoftwareProvider):
    def sm3_hex(self, data):
        return "0" * 64


class _WrongRoundTrip(SoftwareProvider):
    def decrypt(self, token, *, associated_data):
        return super().decrypt(token, associated_data=associated_data) + b"!"


class _NoAuthentication(SoftwareProvider):
    """Checks the format but never the tag: the flaw the tamper probe exists to catch."""

    def decrypt(self, token, *, associated_data):
        if len(token) < 1 + crypto.NONCE_BYTES + crypto.TAG_BYTES or token[0] != crypto.FORMAT_V1:
            raise DecryptionError("format")
        return b"\xe8\xbf\xb0\xe8\xaf\x84"


class _OneKeyForAllLabels(SoftwareProvider):
    def hmac_sm3(self, key_label, data):
        return super().hmac_sm3("one", data)


@pytest.mark.parametrize(
    ("provider", "message"),
    [
        (_WrongSm3, _self_test_message("SM3 known-answer test (GB/T 32905 'abc')")),
        (_WrongRoundTrip, _self_test_message("SM4-GCM round trip")),
        (_NoAuthentication, "SM4-GCM 未能识别被篡改的密文 / SM4-GCM accepted a tampered ciphertext"),
        (_OneKeyForAllLabels, _self_test_message("key separation between labels")),
    ],
)
def test_each_generic_self_test_check_catches_its_flaw(provider, message):
    with pytest.raises(SelfTestError) as info:
        provider(KEY).self_test()
    assert str(info.value) == message


def test_the_tamper_probe_flips_one_bit_of_the_tag():
    calls = []

    class Recording(SoftwareProvider):
        def decrypt(self, token, *, associated_data):
            calls.append(token)
            return super().decrypt(token, associated_data=associated_data)

    Recording(KEY).self_test()
    genuine, tampered = calls
    assert len(tampered) == len(genuine)
    assert tampered[:-1] == genuine[:-1]
    assert tampered[-1] == genuine[-1] ^ 1
