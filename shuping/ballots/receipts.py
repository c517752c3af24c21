"""Receipts kept only as keyed digests (DSC-3, BAL-7; docs/adr/0004-ballot-anonymity.md §7).

A slip's receipt (`services_voting.receipt_for_code`) is printed beside its code, so whoever printed the
slips knows every receipt. The ballot therefore keeps only `receipt_digest(receipt)` — HMAC-SM3 under its
own subkey of the data key — and the published list shows `receipt_fingerprint(digest)`, a keyed digest of
that digest: a voter types the receipt, the server answers with its fingerprint and whether it is in the
list, and nobody holding the database (and the public list) but not the data key can pair a receipt, a
fingerprint and a stored ballot. During voting the session keeps the receipt sealed (SM4-GCM, bound to its
token hash) only to give it back to the phone on a retry; sealing deletes sessions.
"""

from __future__ import annotations

from shuping.core import crypto

#: The subkeys of the stored receipt digest and of the published fingerprint.
RECEIPT_DIGEST_LABEL = "ballot-receipt-digest"
RECEIPT_FINGERPRINT_LABEL = "ballot-receipt-fingerprint"


def receipt_digest(receipt: str) -> str:
    """The keyed HMAC-SM3 digest of a receipt (canonical: upper case, no dash): the only form in which a
    ballot keeps it (DSC-3).

    Under its own subkey of this instance's data key, so whoever printed the slips (and so knows every
    slip's receipt) cannot, with the database alone, find the ballot a receipt belongs to.
    """
    return crypto.hmac_sm3(RECEIPT_DIGEST_LABEL, receipt.encode("ascii", "ignore")).hex()


def receipt_fingerprint(digest: str) -> str:
    """What the published list shows for a counted ballot: a keyed digest *of the stored digest* (DSC-3).

    The list can be made from the database (only digests are there), yet neither the list nor the
    check answer (which shows the voter the fingerprint of their receipt) lets anyone without the data
    key pair a fingerprint with a stored row: mapping a row's digest to its fingerprint needs the key.
    12 hex digits in groups of four.
    """
    text = crypto.hmac_sm3(RECEIPT_FINGERPRINT_LABEL, digest.encode("ascii")).hex()[:12]
    return f"{text[:4]}-{text[4:8]}-{text[8:]}"


def seal_receipt(receipt: str, token_hash: str) -> bytes:
    """The receipt under SM4-GCM, bound to one session (its token hash): kept only to answer the phone."""
    return crypto.encrypt(receipt.encode("ascii"), associated_data=_receipt_associated(token_hash))


def open_receipt(sealed: bytes | memoryview, token_hash: str) -> str:
    """The receipt `seal_receipt` sealed for this session."""
    return crypto.decrypt(bytes(sealed), associated_data=_receipt_associated(token_hash)).decode("ascii")


def _receipt_associated(token_hash: str) -> bytes:
    return f"ballots.session.receipt/{token_hash}".encode()
