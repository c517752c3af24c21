"""`verify_chain()`: is the audit log intact? (SEC-4 `shuping audit verify`, REL-5)

Streams the rows in sequence order (`.iterator()`, a server-side cursor on PostgreSQL), so a log of
millions of rows is checked in constant memory; the rules themselves are in `shuping.audit.chain`.
The result names the first bad sequence, why in Chinese, and an English code for scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from . import sink
from .chain import HASHED_FIELDS, ChainVerifier, Finding, HeadData
from .models import AuditEvent, ChainHead, Checkpoint
from .signing import checkpoint_mac, hashers

COLUMNS = (*HASHED_FIELDS, "row_hash")


def _messages() -> dict[str, str]:
    # Built per call so the active language applies; %-placeholders, never f-strings, in translated text.
    return {
        "ok": _("审计日志完整：%(count)d 条记录"),
        "checkpoint_signature_invalid": _("第 %(sequence)d 条的签名检查点签名无效（检查点被伪造或篡改）"),
        "checkpoint_mismatch": _(
            "第 %(sequence)d 条记录与签名检查点不符：第 %(first)d 至 %(sequence)d 条之间的记录被改写或重排，"
            "哈希链被重新计算"
        ),
        "sink_unreadable": _("无法读取审计检查点外部存储：%(error)s"),
        "rows_missing_at_start": _(
            "第 %(first)d 至 %(last)d 条记录缺失，且没有对应的签名检查点（记录被删除）"
        ),
        "rows_missing_at_start/1": _("第 %(first)d 条记录缺失，且没有对应的签名检查点（记录被删除）"),
        "pruned_within_retention": _("第 %(first)d 至 %(last)d 条记录在 %(days)d 天保留期内被删除"),
        "pruned_within_retention/1": _("第 %(first)d 条记录在 %(days)d 天保留期内被删除"),
        "sequence_gap": _("第 %(sequence)d 条记录缺失（其后是第 %(found)d 条；记录被删除或重排）"),
        "sequence_duplicate": _("第 %(sequence)d 条记录序号错乱（记录被重排）"),
        "prev_hash_mismatch": _("第 %(sequence)d 条记录与前一条的链接断裂（记录被删除、插入或重排）"),
        "unknown_algorithm": _("第 %(sequence)d 条记录的哈希算法“%(algorithm)s”无法识别"),
        "row_hash_mismatch": _("第 %(sequence)d 条记录内容与哈希不符（记录被修改）"),
        "rows_missing_at_end": _(
            "第 %(sequence)d 条起的记录缺失（链头或签名检查点登记到第 %(until)d 条；末尾记录被删除）"
        ),
        "rows_beyond_head": _(
            "第 %(sequence)d 条起的记录未在链头登记（链头只到第 %(head)d 条；链头被篡改或记录被伪造）"
        ),
        "head_mismatch": _("链头与第 %(sequence)d 条记录不符（链头被篡改）"),
        "head_missing": _("链头缺失（链头被删除）"),
    }


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of a verification.

    ok: the log is intact. code: "ok" or an English code naming the problem (e.g. "row_hash_mismatch").
    message: the same in Chinese, naming the first bad sequence. count: rows checked.
    first_bad_sequence: the first row that is wrong or missing (None when intact).
    first_sequence / last_sequence / last_hash / last_occurred_at: the verified range.
    anchor_sequence: the signed checkpoint verification started from (after pruning), else None.
    """

    ok: bool
    code: str
    message: str
    count: int
    external_checkpoints: int = 0
    first_bad_sequence: int | None = None
    first_sequence: int | None = None
    last_sequence: int = 0
    last_hash: str = ""
    last_occurred_at: datetime | None = None
    anchor_sequence: int | None = None

    def __str__(self) -> str:
        if self.ok:
            return self.message
        return _("审计日志校验失败：%(message)s [%(code)s]") % {"message": self.message, "code": self.code}


def _read_head() -> HeadData | None:
    head = ChainHead.objects.filter(pk=1).first()
    return head.as_data() if head is not None else None


def describe(finding: Finding | None, count: int) -> str:
    """The Chinese message for a finding (or for an intact log of `count` rows)."""
    messages = _messages()
    if finding is None:
        return messages["ok"] % {"count": count}
    params = {"sequence": finding.sequence or 0, "count": count, **finding.params}
    key = finding.code
    if params.get("first") is not None and params.get("first") == params.get("last"):
        key = key + "/1"  # one row, not a range
    return messages.get(key, messages.get(finding.code, finding.code)) % params


def _checkpoints(sink_target: str | None) -> tuple[list, int]:
    """The stored checkpoints merged with those of the external sink (INT-2), the sink's winning.

    Returns (checkpoints in sequence order, how many came from the sink). SinkError when it is unreadable.
    """
    merged = {c.sequence: c for c in (c.as_data() for c in Checkpoint.objects.order_by("sequence"))}
    external = sink.read(sink_target) or []
    # The database's copy of a checkpoint may have been deleted or altered; the sink's copy is what was
    # signed and shipped away, so it is the one the rows must match.
    merged.update({c.sequence: c for c in external})
    return [merged[s] for s in sorted(merged)], len(external)


def verify_chain(
    *, since_latest_checkpoint: bool = False, chunk_size: int = 2000, sink_target: str | None = None
) -> VerifyResult:
    """Check every row, link, checkpoint signature and the chain head; the first problem wins.

    Detects an edited row (its hash no longer matches), a deleted row (a gap in `sequence`, a broken
    `prev_hash` link, a head or checkpoint pointing past the last row), reordered rows (broken links),
    a tampered chain head, a forged or altered checkpoint, and a chain recomputed after an edit (it
    disagrees with a signed checkpoint). `since_latest_checkpoint` checks only the rows after the latest
    signed checkpoint (used before signing the next one).
    """
    try:
        checkpoints, external = _checkpoints(sink_target)
    except sink.SinkError as error:
        message = _messages()["sink_unreadable"] % {"error": str(error)}
        return VerifyResult(ok=False, code="sink_unreadable", message=message, count=0)
    anchor = checkpoints[-1] if since_latest_checkpoint and checkpoints else None
    verifier = ChainVerifier(
        checkpoints=checkpoints, mac=checkpoint_mac, now=timezone.now(), anchor=anchor, hashers=hashers()
    )
    # The head is read before and after the rows so appends made meanwhile are not mistaken for tampering.
    head_before = _read_head()
    rows = AuditEvent.objects.order_by("sequence")
    if anchor is not None:
        rows = rows.filter(sequence__gt=anchor.sequence)
    if verifier.finding is None:
        for values in rows.values_list(*COLUMNS).iterator(chunk_size=chunk_size):
            if not verifier.feed(dict(zip(COLUMNS, values, strict=True))):
                break
    finding = verifier.finish([head_before, _read_head()])
    if finding is not None and finding.code == "checkpoint_mismatch":
        # The rows since the previous checkpoint are where the rewrite can be: name that range.
        earlier = [c.sequence for c in checkpoints if c.sequence < (finding.sequence or 0)]
        finding.params.setdefault("first", (max(earlier) + 1) if earlier else 1)
    start = verifier.start_anchor
    return VerifyResult(
        ok=finding is None,
        code="ok" if finding is None else finding.code,
        message=describe(finding, verifier.count),
        count=verifier.count,
        first_bad_sequence=None if finding is None else finding.sequence,
        first_sequence=verifier.first_sequence,
        last_sequence=verifier.last_sequence,
        last_hash=verifier.last_hash,
        last_occurred_at=verifier.last_occurred_at,
        anchor_sequence=start.sequence if start is not None else None,
        external_checkpoints=external,
    )
