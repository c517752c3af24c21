"""SEC-7: the cryptography provider — known answers, authenticated encryption, key separation, plug-in."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from shuping.core import crypto
from shuping.core.crypto import (
    CryptoProvider,
    DecryptionError,
    SelfTestError,
    SoftwareProvider,
    blind_index,
    get_provider,
    normalize_phone,
)

pytestmark = pytest.mark.req("SEC-7")

OTHER_KEY = base64.b64encode(bytes(range(32))).decode()


@pytest.fixture(autouse=True)
def fresh_provider():
    """Each test sees the provider built from its own settings, and leaves none behind."""
    crypto.reset_provider()
    yield
    crypto.reset_provider()


def test_sm3_matches_the_gbt_32905_abc_vector():
    assert crypto.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm4_block_matches_the_gbt_32907_vector():
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305  (KAT only)
    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


def test_the_software_provider_passes_its_self_test():
    get_provider().self_test()
    crypto.run_self_test()


def test_encrypt_then_decrypt_returns_the_plaintext():
    token = crypto.encrypt("张三 13800000000".encode(), associated_data=b"accounts.person.phone")
    assert crypto.decrypt(token, associated_data=b"accounts.person.phone") == "张三 13800000000".encode()


def test_ciphertext_is_version_nonce_body_tag_and_never_repeats():
    first = crypto.encrypt(b"same", associated_data=b"ad")
    second = crypto.encrypt(b"same", associated_data=b"ad")
    assert first[0] == crypto.FORMAT_V1
    assert len(first) == 1 + crypto.NONCE_BYTES + len(b"same") + crypto.TAG_BYTES
    assert first != second  # fresh nonce every time: equal plaintexts are not visible as equal rows
    assert b"same" not in first


@pytest.mark.parametrize("position", [0, 1, 12, 13, -1])
def test_a_flipped_byte_is_refused_not_decrypted_to_garbage(position):
    token = bytearray(crypto.encrypt(b"secret value", associated_data=b"ad"))
    token[position] ^= 0x01
    with pytest.raises(DecryptionError):
        crypto.decrypt(bytes(token), associated_data=b"ad")


def test_a_truncated_token_is_refused():
    token = crypto.encrypt(b"secret value", associated_data=b"ad")
    for cut in (0, 5, len(token) - 1):
        with pytest.raises(DecryptionError):
            crypto.decrypt(token[:cut], associated_data=b"ad")


def test_wrong_associated_data_is_refused():
    token = crypto.encrypt(b"13800000000", associated_data=b"accounts.person.phone")
    with pytest.raises(DecryptionError):
        crypto.decrypt(token, associated_data=b"accounts.person.id_number")


def test_another_master_key_cannot_decrypt():
    token = crypto.encrypt(b"secret", associated_data=b"ad")
    with override_settings(SHUPING_DATA_KEY=OTHER_KEY), pytest.raises(DecryptionError):
        crypto.decrypt(token, associated_data=b"ad")


def test_blind_index_is_deterministic_hex_and_normalises_phone_numbers():
    expected = blind_index("phone", "13800000000")
    assert len(expected) == 64
    int(expected, 16)
    for typed in (
        "13800000000",
        "+86 138-0000-0000",
        "0086 13800000000",
        "8613800000000",
        "１３８００００００００",
    ):
        assert blind_index("phone", typed) == expected, typed
    assert blind_index("phone", "13800000001") != expected


def test_blind_index_depends_on_the_key():
    before = blind_index("phone", "13800000000")
    with override_settings(SHUPING_DATA_KEY=OTHER_KEY):
        assert blind_index("phone", "13800000000") != before
    assert blind_index("phone", "13800000000") == before


def test_blind_index_differs_between_labels_for_the_same_value():
    assert blind_index("phone", "13800000000") != blind_index("id-number", "13800000000")


def test_different_labels_derive_different_keys():
    labels = ["field-encryption", "blind-index", "ballot-credential", "audit-checkpoint"]
    macs = {crypto.hmac_sm3(label, b"same input") for label in labels}
    assert len(macs) == len(labels)
    assert all(len(mac) == 32 for mac in macs)


def test_hmac_is_stable_for_a_label_and_rejects_an_empty_label():
    assert crypto.hmac_sm3("ballot-credential", b"A7K2") == crypto.hmac_sm3("ballot-credential", b"A7K2")
    with pytest.raises(ValueError):
        crypto.hmac_sm3("", b"x")


def test_phone_normalisation_keeps_landline_area_codes():
    assert normalize_phone("010-1234 5678") == "01012345678"
    assert normalize_phone("(0571) 8888-6666") == "057188886666"


def test_text_normalisation_is_case_and_width_insensitive():
    assert blind_index("id-number", "11010519491231002x") == blind_index("id-number", " 11010519491231002X ")


def test_the_provider_is_built_once_and_cached():
    assert get_provider() is get_provider()


class RecordingProvider(SoftwareProvider):
    """A stand-in for a hardware device: same algorithms, counts calls."""

    name = "recording"
    calls = 0

    def hmac_sm3(self, key_label: str, data: bytes) -> bytes:
        RecordingProvider.calls += 1
        return super().hmac_sm3(key_label, data)


class NotAProvider:
    pass


class BrokenProvider(SoftwareProvider):
    """Returns a wrong SM3 digest, as a faulty device would."""

    def sm3_hex(self, data: bytes) -> str:
        return "0" * 64


def test_the_provider_is_pluggable_through_the_setting():
    with override_settings(SHUPING_CRYPTO_PROVIDER=f"{__name__}.RecordingProvider"):
        provider = get_provider()
        assert isinstance(provider, RecordingProvider)
        before = RecordingProvider.calls
        blind_index("phone", "13800000000")
        assert RecordingProvider.calls == before + 1
    assert type(get_provider()) is SoftwareProvider


def test_a_setting_naming_something_else_is_refused_clearly():
    with override_settings(SHUPING_CRYPTO_PROVIDER=f"{__name__}.NotAProvider"):
        with pytest.raises(ImproperlyConfigured, match="CryptoProvider"):
            get_provider()
    with override_settings(SHUPING_CRYPTO_PROVIDER="shuping.core.no_such_module.Provider"):
        with pytest.raises(ImproperlyConfigured, match="无法加载密码服务"):
            get_provider()


def test_a_failing_self_test_stops_the_app_from_starting():
    with override_settings(SHUPING_CRYPTO_PROVIDER=f"{__name__}.BrokenProvider"):
        with pytest.raises(SelfTestError):
            get_provider().self_test()
        with pytest.raises(ImproperlyConfigured, match="自检失败"):
            apps.get_app_config("core").ready()
    apps.get_app_config("core").ready()  # the real provider starts


@pytest.mark.parametrize("key", [None, ""])
def test_a_missing_key_gives_a_bilingual_error(key):
    with override_settings(SHUPING_DATA_KEY=key), pytest.raises(ImproperlyConfigured) as caught:
        get_provider()
    assert "未设置数据密钥" in str(caught.value)
    assert "SHUPING_DATA_KEY is not set" in str(caught.value)


@pytest.mark.parametrize(
    "key",
    [
        base64.b64encode(bytes(16)).decode(),  # too short
        base64.b64encode(bytes(33)).decode(),  # too long
        "not base64 at all!",
    ],
)
def test_a_bad_key_gives_a_bilingual_error(key):
    with override_settings(SHUPING_DATA_KEY=key), pytest.raises(ImproperlyConfigured) as caught:
        get_provider()
    assert "必须是恰好 32 字节" in str(caught.value)
    assert "exactly 32 bytes" in str(caught.value)


def test_a_key_missing_from_settings_entirely_is_reported(settings):
    del settings.SHUPING_DATA_KEY
    crypto.reset_provider()
    with pytest.raises(ImproperlyConfigured, match="SHUPING_DATA_KEY is not set"):
        get_provider()


def test_the_interface_cannot_be_instantiated_without_the_primitives():
    with pytest.raises(TypeError):
        CryptoProvider()  # type: ignore[abstract]


@hypothesis_settings(deadline=None)
@given(plaintext=st.binary(max_size=2048), associated=st.binary(max_size=64))
def test_any_bytes_survive_a_round_trip(plaintext, associated):
    token = crypto.encrypt(plaintext, associated_data=associated)
    assert crypto.decrypt(token, associated_data=associated) == plaintext


@hypothesis_settings(deadline=None)
@given(
    number=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), style=st.sampled_from(["+86 ", "0086", "86", ""])
)
def test_any_formatting_of_a_mobile_number_gives_the_same_index(number, style):
    formatted = f"{style}{number[:3]}-{number[3:7]} {number[7:]}"
    assert blind_index("phone", formatted) == blind_index("phone", number)
