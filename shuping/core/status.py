"""One state machine for every model with a status (CONVENTIONS): `StatusMachine`.

A model's allowed transitions are declared in its app's `choices.py`, beside the TextChoices they move
between ({current: frozenset of next}); the model names them and the field they move:

    class Report(StatusMachine, models.Model):
        TRANSITIONS = ALLOWED_TRANSITIONS  # from .choices
        STATUS_NOUN = "述职报告"

One contract everywhere: `transition_to(new)` changes the field if the declared transitions allow it and
returns the fields it changed (the status, and whatever `on_transition` stamps) — it never saves and never
audits: the service that calls it has checked its own preconditions, saves, and records the audit event in
its transaction. A transition not declared raises `TransitionRefused`, a ConflictError with a Chinese
message naming both statuses, so a page, the API or the CLI shows it like any other refusal (SEC-6).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.db import models

from .errors import ConflictError


class TransitionRefused(ConflictError):
    """A status change the model's declared transitions do not allow."""


class StatusMachine(models.Model):
    """Abstract base of every model with a status (no fields of its own: nothing in the migrations)."""

    #: {current value: frozenset of the values it may move to}, declared beside the TextChoices.
    TRANSITIONS: ClassVar[Mapping[str, frozenset[str]]] = {}
    #: The field that holds the status.
    STATUS_FIELD: ClassVar[str] = "status"
    #: What the message calls the object, e.g. "票箱" → "票箱当前为“草拟”，不能变为“已结束”。"
    STATUS_NOUN: ClassVar[str] = "当前记录"
    TRANSITION_CODE: ClassVar[str] = "bad_transition"

    class Meta:
        abstract = True

    def can_transition_to(self, new: str) -> bool:
        return new in self.TRANSITIONS.get(getattr(self, self.STATUS_FIELD), frozenset())

    def transition_to(self, new: str) -> list[str]:
        """Move to `new` if declared; returns the fields changed (the caller saves them and audits).

        Raises `TransitionRefused` (Chinese message) for a transition not declared."""
        current = getattr(self, self.STATUS_FIELD)
        if not self.can_transition_to(new):
            raise TransitionRefused(
                f"{self.STATUS_NOUN}当前为“{self._status_label(current)}”，"
                f"不能变为“{self._status_label(new)}”。",
                code=self.TRANSITION_CODE,
            )
        setattr(self, self.STATUS_FIELD, new)
        return [self.STATUS_FIELD, *self.on_transition(current, new)]

    def on_transition(self, old: str, new: str) -> list[str]:
        """Stamp what a change of status stamps (e.g. a start time); returns the extra fields changed."""
        return []

    def _status_label(self, value: Any) -> str:
        choices = dict(getattr(self._meta.get_field(self.STATUS_FIELD), "flatchoices", ()))
        return str(choices.get(value, value))
