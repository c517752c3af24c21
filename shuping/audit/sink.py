"""The checkpoint sink outside the database (INT-2): where signed checkpoints are also written.

Someone with write access to the database can delete the tail of the audit chain, rewind the chain head
and delete the checkpoints stored beside them; or edit rows, recompute every hash and drop the checkpoints
that would disagree. They cannot reach a copy of the checkpoints they have no access to. `SHUPING_AUDIT_SINK`
names that copy:

- a file path (`/mnt/audit/shuping.jsonl`): one JSON line appended per checkpoint (O_APPEND, fsync) —
  put it on storage the database host cannot rewrite (a mount owned by another host, `chattr +a`);
- a directory (an existing one, or a path ending in "/"): one file per checkpoint, created exclusively
  and never overwritten (`checkpoint-000000001234.json`);
- `syslog:` (the local /dev/log), `syslog:/path/to/socket` or `syslog:host[:port]` (UDP): one message
  per checkpoint, facility authpriv, to be forwarded to a log host; `shuping audit verify --sink FILE`
  then reads the lines collected there (a copy of the log host's file).

`shuping audit verify` reads the sink back and trusts each line only after checking its HMAC-SM3 signature
under the audit key, so a line added to the sink cannot vouch for anything either.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import re
import socket
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from .chain import CheckpointData, timestamp_text

LINE_PREFIX = "shuping-audit-checkpoint "
_FILE_NAME = re.compile(r"^checkpoint-\d{12}\.json$")


class SinkError(Exception):
    """The sink cannot be written or read (message in Chinese)."""


def configured() -> str:
    return (getattr(settings, "SHUPING_AUDIT_SINK", "") or "").strip()


def as_record(checkpoint: CheckpointData) -> dict[str, Any]:
    """A checkpoint as the JSON object written to the sink."""
    return {
        "sequence": checkpoint.sequence,
        "row_hash": checkpoint.row_hash,
        "row_occurred_at": timestamp_text(checkpoint.row_occurred_at),
        "signed_at": timestamp_text(checkpoint.signed_at),
        "algorithm": checkpoint.algorithm,
        "signature": checkpoint.signature,
    }


def from_record(record: dict[str, Any]) -> CheckpointData:
    return CheckpointData(
        sequence=int(record["sequence"]),
        row_hash=str(record["row_hash"]),
        row_occurred_at=datetime.fromisoformat(record["row_occurred_at"]),
        signed_at=datetime.fromisoformat(record["signed_at"]),
        algorithm=str(record["algorithm"]),
        signature=str(record["signature"]),
    )


def _is_directory(target: str) -> bool:
    return target.endswith(("/", os.sep)) or Path(target).is_dir()


def export(checkpoint: CheckpointData, target: str | None = None) -> bool:
    """Append one checkpoint to the sink; False when no sink is configured. SinkError when it fails."""
    target = configured() if target is None else target
    if not target:
        return False
    line = json.dumps(as_record(checkpoint), sort_keys=True, separators=(",", ":"))
    try:
        if target.startswith("syslog:"):
            _to_syslog(target[len("syslog:") :], line)
        elif _is_directory(target):
            directory = Path(target)
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / f"checkpoint-{checkpoint.sequence:012d}.json"
            # Exclusive: a checkpoint file is written once and never replaced.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(line + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        else:
            path = Path(target)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "a") as handle:
                handle.write(line + "\n")
                handle.flush()
                os.fsync(handle.fileno())
    except FileExistsError:
        return True  # the same checkpoint exported twice (idempotent)
    except OSError as error:
        raise SinkError(f"无法写入审计检查点外部存储 {target}：{error}") from error
    return True


def _to_syslog(where: str, line: str) -> None:
    if not where:
        address: Any = "/dev/log"
    elif where.startswith("/"):
        address = where
    else:
        host, _, port = where.partition(":")
        address = (host, int(port or 514))
    handler = logging.handlers.SysLogHandler(
        address=address,
        facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV,
        socktype=socket.SOCK_DGRAM,
    )
    try:
        handler.emit(
            logging.makeLogRecord({"msg": LINE_PREFIX + line, "levelno": logging.INFO, "levelname": "INFO"})
        )
    finally:
        handler.close()


def _parse_lines(text: str, where: str) -> list[CheckpointData]:
    found = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().strip("\x00").strip()
        if not line:
            continue
        # Lines collected from syslog carry a prefix (and the log host's own header) before the JSON.
        if LINE_PREFIX in line:
            line = line.split(LINE_PREFIX, 1)[1]
        try:
            found.append(from_record(json.loads(line)))
        except (ValueError, KeyError, TypeError) as error:
            raise SinkError(f"审计检查点外部存储 {where} 第 {number} 行无法读取") from error
    return found


def read(target: str | None = None) -> list[CheckpointData] | None:
    """Every checkpoint in the sink (a file or a directory), in the order written; None without a sink.

    A syslog sink cannot be read back from here: pass the collected log file as `target`.
    """
    target = configured() if target is None else target
    if not target or target.startswith("syslog:"):
        return None
    path = Path(target)
    try:
        if _is_directory(target):
            if not path.exists():
                return []
            found: list[CheckpointData] = []
            for entry in sorted(path.iterdir()):
                if _FILE_NAME.match(entry.name):
                    found += _parse_lines(entry.read_text(encoding="utf-8"), str(entry))
            return found
        if not path.exists():
            return []
        return _parse_lines(path.read_text(encoding="utf-8"), target)
    except OSError as error:
        raise SinkError(f"无法读取审计检查点外部存储 {target}：{error}") from error
