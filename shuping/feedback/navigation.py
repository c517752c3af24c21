"""Menu entries (shown only to those who may use them): the assessee's feedback, the department's inbox."""

from __future__ import annotations

from shuping.core.navigation import NavItem, register


def _has_feedback(user) -> bool:
    from . import selectors

    return selectors.feedback_visible_to(user).filter(released_at__isnull=False).exists()


def _has_inbox(user) -> bool:
    from . import selectors

    return bool(selectors.department_org_ids(user))


register(NavItem("考核反馈", "feedback:mine", _has_feedback, order=240))
register(NavItem("通报与移交", "feedback:inbox", _has_inbox, order=245))
