"""Periodic job of audit for `shuping tick` (SEC-4, INT-2), autodiscovered by `shuping.core.periodic`."""

from __future__ import annotations

from shuping.core.errors import DomainError
from shuping.core.periodic import register

from .services import create_checkpoint


def checkpoint() -> str:
    try:
        made = create_checkpoint()
    except DomainError as error:
        if error.code == "empty":
            return error.message
        raise
    return f"审计检查点：第 {made.sequence} 条"


register(
    "audit.checkpoint",
    checkpoint,
    schedule="hourly",
    description="校验审计哈希链并签名检查点，同时写入外部存储 SHUPING_AUDIT_SINK（SEC-4、INT-2）",
)
