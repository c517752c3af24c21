"""The shared kernel's app config: runs the cryptographic self-test before anything else starts."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared kernel (no domain models)."""

    name = "shuping.core"
    label = "core"
    verbose_name = "共享内核"

    def ready(self) -> None:
        """SEC-7: refuse to start on a broken SM3/SM4 implementation or a missing/invalid data key.

        Known answers cost well under a millisecond, so every process (web, worker, CLI) checks.
        """
        from shuping.core import logging as shuping_logging
        from shuping.core.crypto import run_self_test

        run_self_test()
        # DSC-4: every log record of every logger is scrubbed as it is made (codes, receipts, /p/ tokens).
        shuping_logging.install()
