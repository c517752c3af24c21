"""Signal receivers: note each signed-in session so that disabling an account can end it (SEC-3).

Receivers only call services; they are connected in AccountsConfig.ready().
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out

from . import services


def _remember(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        services.remember_session(user=user, session_key=session.session_key)


def _forget(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        services.forget_session(session_key=session.session_key)


def connect() -> None:
    user_logged_in.connect(_remember, dispatch_uid="accounts.remember_session")
    user_logged_out.connect(_forget, dispatch_uid="accounts.forget_session")
