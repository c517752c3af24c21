"""Offline venue pack (MTG-6): for classified rooms (phones banned) and sub-venues without the network.

1. `export_venue_pack` (main server): the box's subjects, categories and credential HASHES only (never a
   code), the meeting's metadata, a random nonce and a serial; a one-time pairing secret is printed on the
   paper pack and kept on the server only encrypted (SM4-GCM). The pack is signed with HMAC-SM3 under that
   secret.
2. On the laptop (Shuping on its embedded SQLite) voting happens on the local network or on paper.
3. `seal_results` (laptop): the tally inputs — [category, {assessment id: grade}] per ballot, shuffled,
   no credential, no time — with the box metadata, a manifest of SM3 hashes and an HMAC-SM3 signature
   keyed by the pairing secret, carrying the export's serial and nonce.
4. `import_results` (main server): refuses a file whose hashes or signature do not match (tampered), one
   whose serial/nonce were already imported or belong to another meeting (replayed), and one whose box
   metadata differ from the export; otherwise stores the tally inputs, which join the meeting's
   consolidated count.
"""

from __future__ import annotations

import base64
import json
import random
import secrets
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.db import transaction
from django.utils import timezone

from shuping.core import crypto

from .models import MeetingBox, OfflineExport
from .services import MeetingConflict, MeetingError, _audit

if TYPE_CHECKING:
    from shuping.accounts.models import User

FORMAT_PACK = "shuping.meetings.offline-pack/1"
FORMAT_RESULTS = "shuping.meetings.offline-results/1"
_random = random.SystemRandom()


def canonical(value: Any) -> bytes:
    """The bytes every hash and signature is taken over: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(secret: str, data: bytes) -> str:
    """HMAC-SM3 keyed by the pairing secret (the laptop holds no server key, so the provider's labelled
    HMAC cannot be used here)."""
    mac = crypto_hmac.HMAC(secret.encode("utf-8"), hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def _associated(serial: str) -> bytes:
    return f"shuping/meetings/offline/{serial}".encode()


def _box_metadata(meeting_box: MeetingBox) -> dict[str, Any]:
    box = meeting_box.box
    return {
        "title": box.title,
        "scale": [list(g) for g in box.scale],
        "subjects": [
            {
                "id": s.pk,
                "name": s.name,
                "post": s.post,
                "section": s.section,
                "assessment": meeting_box.subject_assessments.get(str(s.pk)),
            }
            for s in box.subjects.order_by("position", "pk")
        ],
        "categories": [{"id": c.pk, "name": c.name} for c in box.categories.order_by("position", "pk")],
    }


@transaction.atomic
def export_venue_pack(
    *, actor: User | None, meeting_box: MeetingBox, source: str = "web"
) -> tuple[bytes, str]:
    """The venue pack file and the one-time pairing secret to print on it (shown once, stored encrypted)."""
    meeting_box = MeetingBox.objects.select_related("box", "meeting", "venue").get(pk=meeting_box.pk)
    box = meeting_box.box
    hashes_ = list(
        box.credentials.filter(is_rehearsal=False, is_used=False).values_list("category__name", "code_hash")
    )
    if not hashes_:
        raise MeetingError("该票箱尚未生成凭条，不能导出离线会场包。", field="box")
    secret = "-".join(secrets.token_hex(3).upper() for _ in range(4))
    export = OfflineExport(
        meeting=meeting_box.meeting,
        meeting_box=meeting_box,
        nonce=secrets.token_hex(16),
        exported_by=actor if getattr(actor, "pk", None) else None,
    )
    export.secret_sealed = crypto.encrypt(secret.encode(), associated_data=_associated(str(export.serial)))
    export.save()
    _random.shuffle(hashes_)
    payload = {
        "format": FORMAT_PACK,
        "serial": str(export.serial),
        "nonce": export.nonce,
        "meeting": {
            "title": meeting_box.meeting.title,
            "held_on": meeting_box.meeting.held_on.isoformat(),
            "venue": meeting_box.venue.name,
        },
        "box": _box_metadata(meeting_box),
        "credentials": [{"category": c, "hash": h} for c, h in hashes_],
    }
    body = canonical(payload)
    document = {"payload": payload, "sm3": crypto.sm3_hex(body), "signature": sign(secret, body)}
    _audit(
        actor,
        "meetings.offline_export",
        meeting_box.meeting,
        source,
        serial=str(export.serial),
        slips=len(hashes_),
    )
    return canonical(document), secret


def seal_results(
    *, pack: dict[str, Any], pairing_secret: str, ballots: Iterable[tuple[str, dict[str, str]]]
) -> bytes:
    """On the laptop: the sealed results file. `ballots` are (category name, {box subject id: grade key});
    they are re-keyed to assessment ids and shuffled, so the file carries no voting order (BAL-6)."""
    payload_in = pack["payload"]
    to_assessment = {str(s["id"]): s["assessment"] for s in payload_in["box"]["subjects"]}
    inputs = [[c, {str(to_assessment[k]): v for k, v in r.items() if k in to_assessment}] for c, r in ballots]
    _random.shuffle(inputs)
    payload = {
        "format": FORMAT_RESULTS,
        "serial": payload_in["serial"],
        "nonce": payload_in["nonce"],
        "results_nonce": secrets.token_hex(16),
        "sealed_at": timezone.now().isoformat(),
        "box": payload_in["box"],
        "tally_inputs": inputs,
    }
    manifest = {
        "box": crypto.sm3_hex(canonical(payload["box"])),
        "tally_inputs": crypto.sm3_hex(canonical(inputs)),
        "payload": crypto.sm3_hex(canonical(payload)),
    }
    signature = sign(
        pairing_secret,
        canonical({"manifest": manifest, "serial": payload["serial"], "nonce": payload["nonce"]}),
    )
    return canonical({"payload": payload, "manifest": manifest, "signature": signature})


class TamperedFile(MeetingConflict):
    """The results file does not match its hashes or signature."""


class ReplayedFile(MeetingConflict):
    """The results file was already imported, or belongs to another meeting or export."""


@transaction.atomic
def import_results(*, actor: User | None, meeting, data: bytes, source: str = "web") -> OfflineExport:
    """Check and import a sealed results file (MTG-6); refuse a tampered or replayed one, changing nothing."""
    try:
        document = json.loads(data.decode("utf-8"))
        payload, manifest, signature = document["payload"], document["manifest"], document["signature"]
        serial, nonce = str(payload["serial"]), str(payload["nonce"])
        inputs = payload["tally_inputs"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise MeetingError("文件不是 Shuping 离线会场结果文件。", field="file") from None
    if payload.get("format") != FORMAT_RESULTS:
        raise MeetingError("文件不是 Shuping 离线会场结果文件。", field="file")
    export = (
        OfflineExport.objects.select_for_update()
        .select_related("meeting_box__box")
        .filter(serial=serial)
        .first()
        if _is_uuid(serial)
        else None
    )
    if (
        export is None
        or export.meeting_id != meeting.pk
        or not crypto.constant_time_equal(export.nonce, nonce)
    ):
        raise ReplayedFile("结果文件不属于本次会议导出的离线会场包，已拒绝导入。", code="replayed")
    if export.imported_at is not None:
        raise ReplayedFile("该离线会场的结果已导入过，不能重复导入（重放），已拒绝。", code="replayed")
    expected = {
        "box": crypto.sm3_hex(canonical(payload.get("box"))),
        "tally_inputs": crypto.sm3_hex(canonical(inputs)),
        "payload": crypto.sm3_hex(canonical(payload)),
    }
    secret = crypto.decrypt(bytes(export.secret_sealed), associated_data=_associated(serial)).decode()
    good_signature = sign(secret, canonical({"manifest": manifest, "serial": serial, "nonce": nonce}))
    if manifest != expected or not crypto.constant_time_equal(good_signature, str(signature)):
        raise TamperedFile("结果文件校验失败（摘要或签名不符），可能已被篡改，已拒绝导入。", code="tampered")
    if payload["box"] != _box_metadata(export.meeting_box):
        raise TamperedFile("结果文件中的票箱信息与导出时不一致，已拒绝导入。", code="tampered")
    _check_inputs(inputs, export)
    export.tally_inputs = inputs
    export.ballots_imported = len(inputs)
    export.results_sm3 = crypto.sm3_hex(data)
    export.imported_at = timezone.now()
    export.imported_by = actor if getattr(actor, "pk", None) else None
    export.save(
        update_fields=["tally_inputs", "ballots_imported", "results_sm3", "imported_at", "imported_by"]
    )
    _audit(actor, "meetings.offline_import", meeting, source, serial=serial, ballots=len(inputs))
    return export


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _check_inputs(inputs: Sequence[Any], export: OfflineExport) -> None:
    categories = set(export.meeting_box.box.categories.values_list("name", flat=True))
    assessments = {str(a) for a in export.meeting_box.subject_assessments.values()}
    grades = {str(g[0]) for g in export.meeting_box.box.scale} | {"!"}
    slips = export.meeting_box.box.credentials.filter(is_rehearsal=False).count()
    if len(inputs) > slips:
        raise TamperedFile("结果文件中的选票多于导出的凭条数，已拒绝导入。", code="tampered")
    for row in inputs:
        if (
            not isinstance(row, list)
            or len(row) != 2
            or row[0] not in categories
            or not isinstance(row[1], dict)
            or not set(row[1]) <= assessments
            or not set(row[1].values()) <= grades
        ):
            raise TamperedFile("结果文件中的选票内容与票箱不符，已拒绝导入。", code="tampered")


def pack_download_href(content: bytes) -> str:
    return "data:application/json;base64," + base64.b64encode(content).decode()
