"""The audit chain's cryptography, through the one provider (SEC-7).

Row hashes use the provider's SM3; checkpoint signatures are HMAC-SM3 under the provider's
"audit-checkpoint" subkey, derived from `SHUPING_DATA_KEY` by HKDF-SM3 with that label as domain
separation — so the audit key is useless for anything else and other keys are useless here.
"""

from __future__ import annotations

from collections.abc import Mapping

from shuping.core import crypto

from .chain import Hasher


def hashers() -> Mapping[str, Hasher]:
    """Row-hash algorithms by the name recorded in each row."""
    return {"sm3": crypto.sm3_hex}


def checkpoint_mac(data: bytes) -> bytes:
    """HMAC-SM3 of `data` under the audit-checkpoint subkey."""
    return crypto.hmac_sm3(crypto.LABEL_AUDIT_CHECKPOINT, data)
