"""Offline venue pack (MTG-6): for classified rooms (phones banned) and sub-venues without the network.

Design and threat model: docs/adr/0005-offline-venue.md. In short:

1. `export_venue_pack` (main server): mints the venue's slips afresh (the printable sheet is returned
   once, with the pack) and voids the box's online slips, so nobody can vote for that venue online. The
   pack carries the box's subjects, categories and scale, the meeting's metadata, a random nonce and a
   serial, and the new slips only as HMAC-SM3 hashes keyed by a *slip key* derived from the one-time
   pairing secret (never a code, never a hash under the server's data key). The pairing secret is printed
   on the paper pack and kept on the server only encrypted (SM4-GCM). The pack is signed with HMAC-SM3
   under that secret and carries its own SM3 digest.
2. `load_pack` (laptop, `shuping offline load`): checks digest and signature with the typed secret, then
   builds an ordinary ballot box through the ballot engine whose credentials are the pack's hashes and
   whose `slip_key_sealed` lets the engine check the venue's codes — phones at /v/ over the local network
   and keyboard paper entry, the normal screens.
3. `venue_results` (laptop, `shuping offline results`): once the box is closed and sealed by the engine,
   the box's stored ballots go through `seal_results` — re-keyed to the server's subject ids, shuffled, no
   credential, no receipt, no time — with the laptop's 清点核对 figures, a manifest of SM3 hashes and an
   HMAC-SM3 signature keyed by the pairing secret, carrying the export's serial and nonce.
4. `import_results` (main server): refuses a file whose hashes or signature do not match (tampered), one
   whose serial/nonce were already imported, were replaced by a later export, or belong to another meeting
   (replayed), and one whose box metadata or counts differ from the export; otherwise stores the tally
   inputs, which join the meeting's consolidated count (`voting.consolidated_tally`).
"""

from __future__ import annotations

import base64
import json
import random
import secrets
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.db import transaction
from django.utils import timezone

from shuping.ballots import services as ballot_services
from shuping.ballots.choices import BoxStatus
from shuping.ballots.models import Ballot, Credential
from shuping.core import crypto, uploads

from .models import Meeting, MeetingBox, OfflineExport, OfflineVenue
from .services import MeetingConflict, MeetingError, audit

if TYPE_CHECKING:
    from shuping.accounts.models import User

FORMAT_PACK = "shuping.meetings.offline-pack/2"
FORMAT_RESULTS = "shuping.meetings.offline-results/1"
#: How the pack's slip hashes are made: HMAC-SM3 under a subkey of HKDF-SM3(pairing secret) — see
#: `ballot_services.slip_key_from_secret` / `code_hash(…, slip_key=…)`.
SLIP_SCHEME = "hmac-sm3/hkdf-sm3(pairing-secret)/v1"
#: The pairing secret: 5 groups of 4 from the slip-code alphabet (no 0/O, 1/I/L): 31**20 ≈ 2**99.
SECRET_GROUPS, SECRET_GROUP_LENGTH = 5, 4
_random = random.SystemRandom()


def canonical(value: Any) -> bytes:
    """The bytes every hash and signature is taken over: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def normalize_secret(secret: str) -> str:
    """The pairing secret as printed (groups of 4 joined by dashes), whatever case and spacing was typed."""
    raw = ballot_services.normalize_code(secret)
    return "-".join(raw[i : i + SECRET_GROUP_LENGTH] for i in range(0, len(raw), SECRET_GROUP_LENGTH))


def new_secret() -> str:
    alphabet = ballot_services.CODE_ALPHABET
    return "-".join(
        "".join(secrets.choice(alphabet) for _ in range(SECRET_GROUP_LENGTH)) for _ in range(SECRET_GROUPS)
    )


def sign(secret: str, data: bytes) -> str:
    """HMAC-SM3 keyed by the pairing secret (the laptop holds no server key, so the provider's labelled
    HMAC cannot be used here)."""
    mac = crypto_hmac.HMAC(normalize_secret(secret).encode("utf-8"), hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def _associated(serial: str) -> bytes:
    return f"shuping/meetings/offline/{serial}".encode()


def _box_metadata(meeting_box: MeetingBox) -> dict[str, Any]:
    box = meeting_box.box
    return {
        "title": box.title,
        "scale": [list(g) for g in box.scale],
        "requires_every_subject": box.requires_every_subject,
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


# --- main server: export -------------------------------------------------------------------------------


def active_exports(meeting: Meeting):
    """The meeting's exports still in force (not replaced by a later export of the same box)."""
    return meeting.offline_exports.filter(revoked_at__isnull=True)


def online_boxes(meeting: Meeting):
    """The meeting's boxes that vote on the server: all but those exported to an offline venue."""
    return meeting.boxes.exclude(pk__in=active_exports(meeting).values("meeting_box_id"))


def laptop_public_id(serial: str) -> str:
    """The public id the laptop's box will have, known at export so the slips can print the receipts
    address (BAL-7): derived from the random serial, so it is as unguessable as a random one."""
    return crypto.sm3_hex(f"shuping/offline/public-id/{serial}".encode())[:12]


def normalize_vote_url(value: str) -> str:
    """The laptop's voting address as typed (e.g. http://192.168.1.100:8000/v/), or "" if left blank."""
    value = (value or "").strip()
    if not value:
        return ""
    if not value.startswith(("http://", "https://")) or any(c.isspace() for c in value) or len(value) > 200:
        raise MeetingError(
            "笔记本投票地址应以 http:// 开头，例如 http://192.168.1.100:8000/v/。", field="vote_url"
        )
    return value if value.endswith("/") else value + "/"


@dataclass(frozen=True)
class VenuePack:
    """What an export hands out, once: the pack file, the pairing secret and the slips to print."""

    content: bytes
    secret: str
    slips: list[ballot_services.Slip]
    export: OfflineExport


@transaction.atomic
def export_venue_pack(
    *, actor: User | None, meeting_box: MeetingBox, vote_url: str = "", source: str = "web"
) -> VenuePack:
    """Mint the venue's offline slips, void its online ones and build the signed pack (MTG-6).

    As many slips per category as the box had online slips (or as the pack it replaces). The codes exist
    only in the returned slips (the printable sheet); the pack holds their hashes under the slip key, the
    server keeps nothing of them but the counts. Exporting again (a lost pack) replaces the earlier pack:
    its slips and its results file are refused from then on.
    """
    meeting_box = (
        MeetingBox.objects.select_for_update()
        .select_related("box", "meeting", "venue")
        .get(pk=meeting_box.pk)
    )
    box = meeting_box.box
    meeting = meeting_box.meeting
    vote_url = normalize_vote_url(vote_url)
    if box.status != BoxStatus.DRAFT:
        raise MeetingConflict(
            "该票箱已开始投票或演练，不能再导出离线会场包：离线会场须在投票开始前导出。", code="bad_status"
        )
    if Ballot.objects.filter(box=box, is_rehearsal=False).exists():
        raise MeetingConflict("该票箱已有选票，不能导出离线会场包。", code="bad_status")
    earlier = list(OfflineExport.objects.select_for_update().filter(meeting_box=meeting_box, revoked_at=None))
    if any(e.imported_at for e in earlier):
        raise MeetingConflict("该会场的离线结果已导入，不能再导出离线会场包。", code="imported")
    if earlier:
        counts = dict(earlier[0].slip_counts)
    else:
        counts = dict(
            Counter(
                box.credentials.filter(is_rehearsal=False, is_voided=False).values_list(
                    "category__name", flat=True
                )
            )
        )
    if not counts:
        raise MeetingError(
            "该票箱尚未生成凭条，不能导出离线会场包：请先生成凭条（离线会场的凭条数与之相同）。", field="box"
        )
    secret = new_secret()
    slip_key = ballot_services.slip_key_from_secret(secret)
    slips: list[ballot_services.Slip] = []
    receipts: set[str] = set()
    for category, n in sorted(counts.items()):
        for _ in range(int(n)):
            while True:  # receipts are unique per box, as in the engine
                code = "".join(
                    secrets.choice(ballot_services.CODE_ALPHABET) for _ in range(ballot_services.CODE_LENGTH)
                )
                receipt = ballot_services.receipt_for_code(code, slip_key=slip_key)
                if receipt not in receipts:
                    break
            receipts.add(receipt)
            slips.append(ballot_services.Slip(code, category, False, slip_key=slip_key))
    _random.shuffle(slips)
    now = timezone.now()
    for e in earlier:
        e.revoked_at = now
        e.save(update_fields=["revoked_at"])
    voided = Credential.objects.filter(box=box, is_rehearsal=False, is_voided=False).update(is_voided=True)
    export = OfflineExport(
        meeting=meeting,
        meeting_box=meeting_box,
        nonce=secrets.token_hex(16),
        exported_by=actor if getattr(actor, "pk", None) else None,
        slip_counts=counts,
    )
    export.secret_sealed = crypto.encrypt(secret.encode(), associated_data=_associated(str(export.serial)))
    export.save()
    payload = {
        "format": FORMAT_PACK,
        "serial": str(export.serial),
        "nonce": export.nonce,
        "meeting": {
            "title": meeting.title,
            "held_on": meeting.held_on.isoformat(),
            "venue": meeting_box.venue.name,
            "organizer": box.organization.name,
        },
        "box": _box_metadata(meeting_box),
        "vote_url": vote_url,
        "public_id": laptop_public_id(str(export.serial)),
        "slip_scheme": SLIP_SCHEME,
        "slip_counts": counts,
        "credentials": [
            {"category": s.category, "hash": ballot_services.code_hash(s.code, slip_key=slip_key)}
            for s in slips
        ],
    }
    body = canonical(payload)
    document = {"payload": payload, "sm3": crypto.sm3_hex(body), "signature": sign(secret, body)}
    audit(
        actor,
        "meetings.offline_export",
        meeting,
        source,
        serial=str(export.serial),
        slips=len(slips),
        online_slips_voided=voided,
        replaces=[str(e.serial) for e in earlier],
    )
    return VenuePack(canonical(document), secret, slips, export)


# --- laptop: load the pack, seal the results -------------------------------------------------------------


class BadPack(MeetingError):
    """The venue pack is not a Shuping pack, or its digest or signature does not match."""


def read_pack(data: bytes, secret: str) -> dict[str, Any]:
    """The pack document, verified: its SM3 digest and its HMAC-SM3 signature under `secret`."""
    uploads.check_bytes(data, uploads.OFFLINE_PACK)  # the upload gate (INT-1)
    try:
        document = json.loads(data.decode("utf-8"))
        payload, digest, signature = document["payload"], str(document["sm3"]), str(document["signature"])
        fmt = payload["format"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        raise BadPack("文件不是 Shuping 离线会场包。", field="file") from None
    if fmt != FORMAT_PACK:
        raise BadPack("文件不是本版本 Shuping 的离线会场包（格式不符），请在总部重新导出。", field="file")
    body = canonical(payload)
    if not crypto.constant_time_equal(crypto.sm3_hex(body), digest):
        raise BadPack(
            "会场包文件已损坏或被改动（SM3 摘要不符），已拒绝载入。请向总部重新索取。", field="file"
        )
    if not crypto.constant_time_equal(sign(secret, body), signature):
        raise BadPack(
            "配对密钥不正确，或会场包被改动（签名不符），已拒绝载入。请核对会场包封面上打印的配对密钥。",
            field="secret",
        )
    if payload.get("slip_scheme") != SLIP_SCHEME:
        raise BadPack("会场包的凭条方案不受支持，请在总部重新导出。", field="file")
    return document


@dataclass(frozen=True)
class LoadedVenue:
    venue: OfflineVenue
    clerk_username: str
    clerk_password: str


@transaction.atomic
def load_pack(*, data: bytes, secret: str, source: str = "cli") -> LoadedVenue:
    """On the laptop: verify the pack and set up its box through the ballot engine (MTG-6).

    Creates the organizer organization (as named in the pack), a clerk account with organizer-staff
    rights on it (initial password returned once), and a draft box with the pack's subjects, categories
    and scale whose credentials are the pack's slip hashes, checked with the slip key derived from the
    secret. Voting then runs on the engine's normal screens.
    """
    from shuping.accounts.choices import Role
    from shuping.accounts.models import RoleGrant
    from shuping.accounts.services import create_account
    from shuping.orgs.choices import AdminLevel, OrgKind
    from shuping.orgs.services import create_organization

    document = read_pack(data, secret)
    payload = document["payload"]
    serial = str(payload["serial"])
    if OfflineVenue.objects.filter(serial=serial).exists():
        raise MeetingConflict("此会场包已在本机载入，不能重复载入。", code="loaded")
    meta, box_meta = payload["meeting"], payload["box"]
    short = serial.replace("-", "")[:8]
    organization = create_organization(
        name=str(meta.get("organizer") or "离线会场")[:200],
        code=f"offline-{short}",
        kind=OrgKind.LOCAL_COMMITTEE,
        admin_level=AdminLevel.NONE,
        parent=None,
        source=source,
    )
    clerk, password = create_account(
        actor=None, username=f"clerk-{short}", full_name="离线会场工作人员", source=source
    )
    RoleGrant.objects.create(user=clerk, role=Role.ORGANIZER_STAFF, organization=organization)
    box = ballot_services.create_box(
        actor=clerk,
        organization=organization,
        title=str(box_meta["title"])[:200],
        requires_every_subject=bool(box_meta.get("requires_every_subject", True)),
        has_opinion=False,  # the results file carries grades only (see ADR 0005)
    )
    box.scale = [list(g) for g in box_meta["scale"]]  # the server's grade keys, so results map back 1:1
    box.public_id = str(payload.get("public_id") or box.public_id)  # printed on the slips' receipt stubs
    box.save(update_fields=["scale", "public_id"])
    subjects = list(box_meta["subjects"])
    ballot_services.set_up_box(
        actor=clerk,
        box=box,
        subjects=[
            ballot_services.SubjectInput(name=s["name"], post=s.get("post", ""), section=s["section"])
            for s in subjects
        ],
        categories=[ballot_services.CategoryInput(name=c["name"]) for c in box_meta["categories"]],
    )
    mine = list(box.subjects.order_by("position", "pk").values_list("pk", flat=True))
    categories = dict(box.categories.values_list("name", "pk"))
    hashes_ = payload["credentials"]
    if any(c["category"] not in categories for c in hashes_):
        raise BadPack("会场包中的凭条类别与票箱不符，已拒绝载入。", field="file")
    Credential.objects.bulk_create(
        Credential(box=box, category_id=categories[c["category"]], code_hash=str(c["hash"])) for c in hashes_
    )
    box.slip_key_sealed = ballot_services.seal_slip_key(box, ballot_services.slip_key_from_secret(secret))
    box.save(update_fields=["slip_key_sealed"])
    venue = OfflineVenue.objects.create(
        serial=serial,
        box=box,
        pack=document,
        secret_sealed=crypto.encrypt(
            normalize_secret(secret).encode(), associated_data=_associated(serial) + b"/laptop"
        ),
        subject_map={str(m): s["id"] for m, s in zip(mine, subjects, strict=True)},
        clerk=clerk,
    )
    ballot_services.audit_box(
        actor=None,
        action="ballots.offline_pack_loaded",
        box=box,
        detail={"serial": serial, "slips": len(hashes_), "venue": str(meta.get("venue", ""))},
    )
    return LoadedVenue(venue, clerk.username, password)


@transaction.atomic
def venue_results(*, venue: OfflineVenue, actor: User | None = None, source: str = "cli") -> bytes:
    """On the laptop: the sealed results file of a closed (sealed) box, from its stored ballots.

    Written by `shuping offline results` (source "cli") or the box page's 导出结果文件 button ("web", the
    clerk as actor). Each call seals afresh (new results nonce, new order), so each file has its own SM3;
    the last one is kept in `results_sm3` for the 计票结果报告单."""
    venue = OfflineVenue.objects.select_for_update().select_related("box").get(pk=venue.pk)
    box = venue.box
    if box.status != BoxStatus.CLOSED or not box.is_sealed:
        raise MeetingConflict(
            "票箱尚未结束投票并封箱：请先在票箱页面结束投票（封箱），再生成结果文件。", code="not_closed"
        )
    from shuping.ballots import services_counting

    names = dict(box.categories.values_list("pk", "name"))
    rows = Ballot.objects.filter(box=box, is_rehearsal=False).values_list("category_id", "ratings")
    ballots = [(names[c], {str(venue.subject_map[k]): v for k, v in r.items()}) for c, r in rows]
    secret = crypto.decrypt(
        bytes(venue.secret_sealed), associated_data=_associated(str(venue.serial)) + b"/laptop"
    ).decode()
    figures = services_counting.reconciliation(box).as_dict()
    data = seal_results(pack=venue.pack, pairing_secret=secret, ballots=ballots, figures=figures)
    venue.results_written_at = timezone.now()
    venue.results_sm3 = crypto.sm3_hex(data)
    venue.save(update_fields=["results_written_at", "results_sm3"])
    ballot_services.audit_box(
        actor=actor if getattr(actor, "pk", None) else None,
        action="ballots.offline_results_sealed",
        box=box,
        detail={
            "serial": str(venue.serial),
            "ballots": len(ballots),
            "sm3": venue.results_sm3,
            "source": source,
        },
    )
    return data


def seal_results(
    *,
    pack: dict[str, Any],
    pairing_secret: str,
    ballots: Iterable[tuple[str, dict[str, str]]],
    figures: dict[str, Any] | None = None,
) -> bytes:
    """On the laptop: the sealed results file. `ballots` are (category name, {box subject id: grade key}),
    subject ids being the pack's (the main server's); they are re-keyed to assessment ids and shuffled, so
    the file carries no voting order (BAL-6). `figures` are the laptop's 清点核对 counts."""
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
        "figures": figures or {},
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
    uploads.check_bytes(data, uploads.OFFLINE_RESULTS)  # the upload gate (INT-1), also for the CLI
    try:
        document = json.loads(data.decode("utf-8"))
        payload, manifest, signature = document["payload"], document["manifest"], document["signature"]
        serial, nonce = str(payload["serial"]), str(payload["nonce"])
        inputs = payload["tally_inputs"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
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
    if export.revoked_at is not None:
        raise ReplayedFile(
            "该离线会场包已被之后重新导出的会场包取代，旧包的结果文件不能导入，已拒绝。", code="replayed"
        )
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
    figures = payload.get("figures") or {}
    _check_inputs(inputs, export, figures)
    export.tally_inputs = inputs
    export.figures = figures
    export.ballots_imported = len(inputs)
    export.results_sm3 = crypto.sm3_hex(data)
    export.imported_at = timezone.now()
    export.imported_by = actor if getattr(actor, "pk", None) else None
    export.save(
        update_fields=[
            "tally_inputs",
            "figures",
            "ballots_imported",
            "results_sm3",
            "imported_at",
            "imported_by",
        ]
    )
    audit(actor, "meetings.offline_import", meeting, source, serial=serial, ballots=len(inputs))
    return export


def _is_uuid(value: str) -> bool:

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _check_inputs(inputs: Sequence[Any], export: OfflineExport, figures: dict[str, Any]) -> None:
    categories = set(export.meeting_box.box.categories.values_list("name", flat=True))
    assessments = {str(a) for a in export.meeting_box.subject_assessments.values()}
    grades = {str(g[0]) for g in export.meeting_box.box.scale} | {"!"}
    slips = {str(k): int(v) for k, v in (export.slip_counts or {}).items()}
    if len(inputs) > sum(slips.values()):
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
    for category, n in Counter(row[0] for row in inputs).items():
        if n > slips.get(category, 0):
            raise TamperedFile(
                f"结果文件中“{category}”的选票多于为该类别导出的凭条数，已拒绝导入。", code="tampered"
            )
    if figures and (figures.get("cast") != len(inputs) or figures.get("issued") != sum(slips.values())):
        raise TamperedFile("结果文件中的清点数字与选票数或导出的凭条数不符，已拒绝导入。", code="tampered")


def pack_download_href(content: bytes) -> str:
    return "data:application/json;base64," + base64.b64encode(content).decode()
