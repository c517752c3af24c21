"""Periodic jobs of accounts for `shuping tick` (SEC-3, SPEC §11), autodiscovered by `shuping.core.periodic`."""

from __future__ import annotations

from shuping.core.periodic import register

from .services import disable_dormant_accounts, prune_session_records


def disable_dormant() -> str:
    disabled = disable_dormant_accounts()
    return f"停用长期未使用账号 {len(disabled)} 个"


def prune_sessions() -> str:
    return f"清理过期会话记录 {prune_session_records()} 条"


register(
    "accounts.disable_dormant_accounts",
    disable_dormant,
    schedule="daily",
    description="停用超过 SHUPING_DORMANT_ACCOUNT_DAYS 天未登录的账号（SEC-3）",
)
register(
    "accounts.prune_session_records",
    prune_sessions,
    schedule="daily",
    description="清理超过绝对超时的会话记录（SEC-3）",
)
