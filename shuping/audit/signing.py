"""The audit chain's cryptography, through the one provider (SEC-7).

Row hashes use the provider's SM3; checkpoint signatures are HMAC-SM3 under `SHUPING_AUDIT_KEY`, a key of
its own (INT-2): not derived from `SHUPING_DATA_KEY`, so whoever holds the data key to read personal
fields still cannot sign a checkpoint, and the audit key can be kept by fewer people (or in the device).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings

from shuping.core import crypto

from .chain import Hasher


def hashers() -> Mapping[str, Hasher]:
    """Row-hash algorithms by the name recorded in each row."""
    return {"sm3": crypto.sm3_hex}


def audit_key() -> bytes:
    """The checkpoint signing key (ImproperlyConfigured when missing, malformed or equal to the data key)."""
    return crypto.load_audit_key(
        getattr(settings, "SHUPING_AUDIT_KEY", ""), data_key=getattr(settings, "SHUPING_DATA_KEY", "")
    )


def checkpoint_mac(data: bytes) -> bytes:
    """HMAC-SM3 of `data` under the audit checkpoint key."""
    return crypto.hmac_sm3_keyed(audit_key(), data)
