"""The one cryptography provider (SEC-7): SM3, HMAC-SM3, SM4-GCM and blind indexes.

Everything in Shuping that hashes, keys or encrypts goes through `get_provider()`, so a certified
hardware device (密码机) can replace the software implementation by naming its provider class in the
`SHUPING_CRYPTO_PROVIDER` setting — no caller changes. The default `SoftwareProvider` uses the
`cryptography` package (OpenSSL's SM3/SM4).

Keys: one 32-byte master key, `settings.SHUPING_DATA_KEY` (base64). It is never used directly; each use
gets its own subkey by HKDF-SM3 with a label ("field-encryption", "blind-index/phone",
"ballot-credential", "audit-checkpoint" …), so a leak or misuse of one subkey says nothing about another.
See docs/adr/0003-crypto-provider.md for the choices and their trade-offs.

Typical use::

    from shuping.core import crypto

    crypto.sm3_hex(b"abc")                                  # audit hash chain (SEC-4)
    crypto.hmac_sm3("ballot-credential", code.encode())     # keyed credential hash (BAL-2)
    token = crypto.encrypt(b"...", associated_data=b"accounts.person.phone")
    crypto.decrypt(token, associated_data=b"accounts.person.phone")
    crypto.blind_index("phone", "+86 138-0000-0000")        # equality lookups of encrypted fields
"""

from __future__ import annotations

import abc
import base64
import binascii
import functools
import hmac as std_hmac
import os
import re
import threading
import unicodedata
from collections.abc import Callable
from typing import Any, ClassVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

DEFAULT_PROVIDER = "shuping.core.crypto.SoftwareProvider"

# Ciphertext layout, format version 1: version (1 byte) | nonce (12) | ciphertext (n) | GCM tag (16).
# The version byte lets a later format (another key, another algorithm) coexist with stored rows.
FORMAT_V1 = 1
NONCE_BYTES = 12
TAG_BYTES = 16
MASTER_KEY_BYTES = 32
SM4_KEY_BYTES = 16

# Well-known labels. Callers may use others; these exist so that two apps never pick the same name
# for different purposes by accident.
LABEL_FIELD_ENCRYPTION = "field-encryption"
LABEL_BLIND_INDEX = "blind-index"
LABEL_BALLOT_CREDENTIAL = "ballot-credential"
LABEL_AUDIT_CHECKPOINT = "audit-checkpoint"

# Domain separation for HKDF: a MAC key and an encryption key derived for the same label must differ
# (HKDF output for one `info` is a prefix-extension of itself, so the purpose goes into `info`).
_HKDF_SALT = b"shuping/sec-7/v1"
_PURPOSE_MAC = b"mac/"
_PURPOSE_SM4_GCM = b"sm4-gcm/"


class CryptoError(Exception):
    """Base class of every error raised by a provider at run time."""


class DecryptionError(CryptoError):
    """Ciphertext failed authentication: tampered, truncated, moved to another column, or wrong key.

    Never returns garbage instead: SM4-GCM verifies the tag before any plaintext is released.
    """


class SelfTestError(CryptoError):
    """A known-answer test or round trip gave a wrong result; the app must not start."""


# --- normalisation for blind indexes ---------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s\-().·/]")


def normalize_text(value: str) -> str:
    """Generic normalisation: full-width → half-width (NFKC), trimmed, case-folded.

    Case-folding makes an ID number ending in "x" match one typed with "X".
    """
    return unicodedata.normalize("NFKC", value).strip().casefold()


def normalize_phone(value: str) -> str:
    """Phone numbers as typed in China: drop spaces, dashes, brackets and the +86 / 0086 / 86 prefix.

    "+86 138-0000-0000", "0086 13800000000" and "１３８００００００００" all give "13800000000".
    Landlines keep their area code ("010-1234 5678" → "01012345678").
    """
    digits = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            return digits[len(prefix) :]
    # A bare "86" is only a country code when a full mobile number follows it.
    if len(digits) == 13 and digits.startswith("861"):
        return digits[2:]
    return digits


# The normaliser is a function of the label alone, so the writing side (BlindIndexField) and the
# querying side (blind_index("phone", user_input)) can never disagree.
_NORMALIZERS: dict[str, Callable[[str], str]] = {
    "phone": normalize_phone,
    "mobile": normalize_phone,
}


def register_normalizer(label: str, normalizer: Callable[[str], str]) -> None:
    """Use `normalizer` for every blind index with this label (call from an AppConfig.ready())."""
    _NORMALIZERS[label] = normalizer


def normalizer_for(label: str) -> Callable[[str], str]:
    """The normaliser registered for `label`, else `normalize_text`."""
    return _NORMALIZERS.get(label, normalize_text)


# --- the provider interface ------------------------------------------------------------------------


class CryptoProvider(abc.ABC):
    """What Shuping needs from cryptography. Implement the abstract methods to plug in a device.

    A hardware provider keeps the master key inside the device; it only has to offer SM3, a labelled
    HMAC-SM3 and SM4-GCM. Blind indexes (normalisation + HMAC) and the generic part of the self-test are
    inherited so their policy stays identical across providers.
    """

    #: Short name recorded next to hashes and in logs (e.g. the audit chain's algorithm column).
    name: ClassVar[str] = "abstract"

    @abc.abstractmethod
    def sm3_hex(self, data: bytes) -> str:
        """SM3 digest of `data` (GB/T 32905), lower-case hex, 64 characters."""

    @abc.abstractmethod
    def hmac_sm3(self, key_label: str, data: bytes) -> bytes:
        """HMAC-SM3 of `data` under the subkey derived for `key_label` (32 bytes)."""

    def hmac_sm3_keyed(self, key: bytes, data: bytes) -> bytes:
        """HMAC-SM3 of `data` under an explicit key kept outside the master key (the audit key, INT-2).

        In software by default; a hardware provider may override it to keep that key in the device too.
        """
        mac = crypto_hmac.HMAC(key, hashes.SM3())
        mac.update(data)
        return mac.finalize()

    @abc.abstractmethod
    def encrypt(self, plaintext: bytes, *, associated_data: bytes) -> bytes:
        """SM4-GCM encryption with a fresh random nonce: version | nonce | ciphertext | tag.

        `associated_data` is authenticated, not stored: the same bytes must be given to `decrypt`.
        """

    @abc.abstractmethod
    def decrypt(self, token: bytes, *, associated_data: bytes) -> bytes:
        """Inverse of `encrypt`; raises `DecryptionError` if anything was altered or misplaced."""

    def blind_index(self, label: str, value: str) -> str:
        """Deterministic keyed digest (hex) of the normalised `value`, for equality lookups.

        Each label gets its own key, so the phone index of a person cannot be matched against the
        index of any other field.
        """
        normalized = normalizer_for(label)(value)
        return self.hmac_sm3(f"{LABEL_BLIND_INDEX}/{label}", normalized.encode("utf-8")).hex()

    def self_test(self) -> None:
        """Known answers and a round trip through this provider; raises `SelfTestError` on any mismatch.

        Subclasses that can reach raw primitives add their own known-answer tests (see SoftwareProvider).
        """
        _expect(self.sm3_hex(b"abc") == SM3_ABC_DIGEST, "SM3 known-answer test (GB/T 32905 'abc')")
        associated = b"shuping/self-test"
        token = self.encrypt(b"\xe8\xbf\xb0\xe8\xaf\x84", associated_data=associated)
        _expect(
            self.decrypt(token, associated_data=associated) == b"\xe8\xbf\xb0\xe8\xaf\x84",
            "SM4-GCM round trip",
        )
        # Authentication is the point of GCM: a flipped bit must be refused, not decrypted.
        tampered = token[:-1] + bytes([token[-1] ^ 1])
        try:
            self.decrypt(tampered, associated_data=associated)
        except DecryptionError:
            pass
        else:
            raise SelfTestError("SM4-GCM 未能识别被篡改的密文 / SM4-GCM accepted a tampered ciphertext")
        _expect(
            self.hmac_sm3(LABEL_FIELD_ENCRYPTION, b"x") != self.hmac_sm3(LABEL_BLIND_INDEX, b"x"),
            "key separation between labels",
        )


# GB/T 32905-2016 Appendix A, example 1.
SM3_ABC_DIGEST = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
# GB/T 32907-2016 Appendix A, example 1 (key = plaintext).
SM4_KAT_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")
SM4_KAT_CIPHERTEXT = bytes.fromhex("681edf34d206965e86b3e94f536e4246")
# RFC 8998 Appendix A.1: SM4-GCM with a fixed nonce — checks the mode, not only the block cipher.
SM4_GCM_KAT_NONCE = bytes.fromhex("00001234567800000000abcd")
SM4_GCM_KAT_AAD = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
SM4_GCM_KAT_PLAINTEXT = bytes.fromhex(
    "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
    "eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa"
)
SM4_GCM_KAT_CIPHERTEXT = bytes.fromhex(
    "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
    "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d"
)
SM4_GCM_KAT_TAG = bytes.fromhex("83de3541e4c2b58177e065a9bf7b62ec")


def _expect(ok: bool, what: str) -> None:
    if not ok:
        raise SelfTestError(f"密码自检失败：{what} / Cryptographic self-test failed: {what}")


def load_master_key(value: Any) -> bytes:
    """Decode `SHUPING_DATA_KEY` (base64 of exactly 32 bytes) or raise ImproperlyConfigured.

    The message is bilingual because it is read by whoever deploys, often before any UI exists.
    """
    how = 'python -c "import base64,secrets;print(base64.b64encode(secrets.token_bytes(32)).decode())"'
    if not value:
        raise ImproperlyConfigured(
            "未设置数据密钥 SHUPING_DATA_KEY（32 字节随机数的 base64 编码），个人信息加密和凭据散列无法进行。"
            f"可用以下命令生成：{how} / "
            "SHUPING_DATA_KEY is not set (base64 of 32 random bytes); field encryption and credential "
            f"hashing cannot work. Generate one with: {how}"
        )
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raw = b""
    if len(raw) != MASTER_KEY_BYTES:
        raise ImproperlyConfigured(
            "数据密钥 SHUPING_DATA_KEY 无效：必须是恰好 32 字节的 base64 编码。"
            f"可用以下命令生成：{how} / "
            "SHUPING_DATA_KEY is invalid: it must be the base64 encoding of exactly 32 bytes. "
            f"Generate one with: {how}"
        )
    return raw


class SoftwareProvider(CryptoProvider):
    """SM3 / SM4 in software through the `cryptography` package (OpenSSL).

    Subkeys are derived once per label and kept in memory for the life of the process.
    """

    name = "software-sm3-sm4"

    def __init__(self, master_key: bytes | None = None) -> None:
        """Use `master_key` if given (tests, tools), else `settings.SHUPING_DATA_KEY`."""
        if master_key is None:
            master_key = load_master_key(getattr(settings, "SHUPING_DATA_KEY", None))
        elif len(master_key) != MASTER_KEY_BYTES:
            raise ImproperlyConfigured("数据密钥必须恰好 32 字节 / The data key must be exactly 32 bytes.")
        self._master_key = master_key
        self._subkeys: dict[bytes, bytes] = {}
        self._lock = threading.Lock()

    def _subkey(self, info: bytes, length: int) -> bytes:
        # Cached because HKDF costs two HMACs; the lock only guards the dict, derivation is pure.
        key = self._subkeys.get(info)
        if key is None:
            key = HKDF(algorithm=hashes.SM3(), length=length, salt=_HKDF_SALT, info=info).derive(
                self._master_key
            )
            with self._lock:
                self._subkeys[info] = key
        return key

    def sm3_hex(self, data: bytes) -> str:
        """SM3 digest of `data`, lower-case hex."""
        digest = hashes.Hash(hashes.SM3())
        digest.update(data)
        return digest.finalize().hex()

    def hmac_sm3(self, key_label: str, data: bytes) -> bytes:
        """HMAC-SM3 of `data` under the subkey for `key_label`."""
        mac = crypto_hmac.HMAC(self._subkey(_PURPOSE_MAC + _label_bytes(key_label), 32), hashes.SM3())
        mac.update(data)
        return mac.finalize()

    def encrypt(self, plaintext: bytes, *, associated_data: bytes) -> bytes:
        """SM4-GCM under the "field-encryption" subkey with a random 96-bit nonce."""
        # A random 96-bit nonce is safe for far more messages than Shuping will ever write under one
        # key (NIST SP 800-38D's 2^32 bound); a counter would need shared state between servers.
        nonce = os.urandom(NONCE_BYTES)
        header = bytes([FORMAT_V1])
        encryptor = Cipher(algorithms.SM4(self._field_key()), modes.GCM(nonce)).encryptor()
        # The header is authenticated too, so the version byte cannot be changed without detection.
        encryptor.authenticate_additional_data(header + associated_data)
        body = encryptor.update(plaintext) + encryptor.finalize()
        return header + nonce + body + encryptor.tag

    def decrypt(self, token: bytes, *, associated_data: bytes) -> bytes:
        """Verify and decrypt a token made by `encrypt`."""
        if len(token) < 1 + NONCE_BYTES + TAG_BYTES or token[0] != FORMAT_V1:
            raise DecryptionError("密文格式无法识别 / Unrecognised ciphertext format")
        header, nonce = token[:1], token[1 : 1 + NONCE_BYTES]
        body, tag = token[1 + NONCE_BYTES : -TAG_BYTES], token[-TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(self._field_key()), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(header + associated_data)
        try:
            return decryptor.update(body) + decryptor.finalize()
        except InvalidTag as exc:
            raise DecryptionError(
                "密文校验失败（被篡改、错位或密钥不符）/ "
                "Ciphertext failed authentication (tampered, misplaced or wrong key)"
            ) from exc

    def _field_key(self) -> bytes:
        return self._subkey(_PURPOSE_SM4_GCM + _label_bytes(LABEL_FIELD_ENCRYPTION), SM4_KEY_BYTES)

    def self_test(self) -> None:
        """Block-cipher and GCM known answers on raw primitives, then the generic provider checks."""
        encryptor = Cipher(algorithms.SM4(SM4_KAT_KEY), modes.ECB()).encryptor()  # noqa: S305  (KAT only)
        block = encryptor.update(SM4_KAT_KEY) + encryptor.finalize()
        _expect(block == SM4_KAT_CIPHERTEXT, "SM4 known-answer test (GB/T 32907)")
        encryptor = Cipher(algorithms.SM4(SM4_KAT_KEY), modes.GCM(SM4_GCM_KAT_NONCE)).encryptor()
        encryptor.authenticate_additional_data(SM4_GCM_KAT_AAD)
        body = encryptor.update(SM4_GCM_KAT_PLAINTEXT) + encryptor.finalize()
        _expect(
            body == SM4_GCM_KAT_CIPHERTEXT and encryptor.tag == SM4_GCM_KAT_TAG,
            "SM4-GCM known-answer test (RFC 8998 A.1)",
        )
        super().self_test()


def _label_bytes(label: str) -> bytes:
    if not label:
        raise ValueError("A key label must not be empty.")
    return label.encode("utf-8")


# --- the configured provider -----------------------------------------------------------------------


@functools.cache
def get_provider() -> CryptoProvider:
    """The provider named by `settings.SHUPING_CRYPTO_PROVIDER` (default: SoftwareProvider), built once.

    The setting is a dotted path to a CryptoProvider subclass, or to any callable returning an instance
    (a device's factory that opens a session, say).
    """
    path = getattr(settings, "SHUPING_CRYPTO_PROVIDER", None) or DEFAULT_PROVIDER
    try:
        factory = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"无法加载密码服务 SHUPING_CRYPTO_PROVIDER={path!r} / "
            f"Cannot import the crypto provider SHUPING_CRYPTO_PROVIDER={path!r}: {exc}"
        ) from exc
    provider = factory()
    if not isinstance(provider, CryptoProvider):
        raise ImproperlyConfigured(
            f"SHUPING_CRYPTO_PROVIDER={path!r} 不是 CryptoProvider / "
            f"SHUPING_CRYPTO_PROVIDER={path!r} did not give a CryptoProvider"
        )
    return provider


def reset_provider() -> None:
    """Forget the cached provider so the next call rebuilds it from settings (tests, key reload)."""
    get_provider.cache_clear()


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    # override_settings in tests must take effect without every test remembering to reset the cache.
    if setting in {"SHUPING_CRYPTO_PROVIDER", "SHUPING_DATA_KEY"}:
        reset_provider()


def run_self_test() -> None:
    """Run the configured provider's self-test; ImproperlyConfigured on any failure (start-up check)."""
    try:
        get_provider().self_test()
    except ImproperlyConfigured:
        raise
    except Exception as exc:
        raise ImproperlyConfigured(
            f"密码模块自检失败，系统拒绝启动 / Cryptographic self-test failed; refusing to start: {exc}"
        ) from exc


# --- module-level shortcuts: what the rest of the code calls ---------------------------------------


def sm3_hex(data: bytes) -> str:
    """SM3 hex digest through the configured provider."""
    return get_provider().sm3_hex(data)


def hmac_sm3(key_label: str, data: bytes) -> bytes:
    """HMAC-SM3 under the subkey for `key_label`, through the configured provider."""
    return get_provider().hmac_sm3(key_label, data)


def hmac_sm3_keyed(key: bytes, data: bytes) -> bytes:
    """HMAC-SM3 under an explicit key (not derived from the data key), through the configured provider."""
    return get_provider().hmac_sm3_keyed(key, data)


def load_audit_key(value: Any, *, data_key: Any = None) -> bytes:
    """Decode `SHUPING_AUDIT_KEY` (base64 of exactly 32 bytes, not the data key) or raise ImproperlyConfigured.

    The audit checkpoint key is separate from the data key (INT-2): whoever holds the data key on the
    application server to decrypt fields cannot sign a checkpoint unless they also hold this one.
    """
    how = 'python -c "import base64,secrets;print(base64.b64encode(secrets.token_bytes(32)).decode())"'
    try:
        raw = base64.b64decode(value or "", validate=True)
    except (binascii.Error, ValueError, TypeError):
        raw = b""
    if len(raw) != MASTER_KEY_BYTES:
        raise ImproperlyConfigured(
            "审计检查点密钥 SHUPING_AUDIT_KEY 未设置或无效：必须是恰好 32 字节的 base64 编码，且不同于数据密钥。"
            f"可用以下命令生成：{how} / SHUPING_AUDIT_KEY is missing or invalid (base64 of 32 random bytes, "
            f"distinct from SHUPING_DATA_KEY). Generate one with: {how}"
        )
    if data_key and value == data_key:
        raise ImproperlyConfigured(
            "审计检查点密钥 SHUPING_AUDIT_KEY 不得与数据密钥 SHUPING_DATA_KEY 相同。 / "
            "SHUPING_AUDIT_KEY must differ from SHUPING_DATA_KEY."
        )
    return raw


def encrypt(plaintext: bytes, *, associated_data: bytes) -> bytes:
    """SM4-GCM encryption through the configured provider."""
    return get_provider().encrypt(plaintext, associated_data=associated_data)


def decrypt(token: bytes, *, associated_data: bytes) -> bytes:
    """SM4-GCM decryption through the configured provider; DecryptionError if altered."""
    return get_provider().decrypt(token, associated_data=associated_data)


def blind_index(label: str, value: str) -> str:
    """Blind index (hex) of `value` for lookups: `filter(phone_index=blind_index("phone", typed))`."""
    return get_provider().blind_index(label, value)


def constant_time_equal(a: bytes | str, b: bytes | str) -> bool:
    """Compare MACs or digests without leaking where they differ (credential checks)."""
    if isinstance(a, str):
        a = a.encode("utf-8")
    if isinstance(b, str):
        b = b.encode("utf-8")
    return std_hmac.compare_digest(a, b)
