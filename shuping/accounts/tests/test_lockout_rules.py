"""The lockout and sign-in policy rules without a database (SEC-3; INT-4).

`User.is_locked`, the per-address throttle counter and the policy predicates of accounts/policy.py,
decided by assertions on in-memory objects and the local cache, so `make mutation` can run them quickly.
The database half of the lockout (`register_login_failure`, a transaction) is covered by test_login.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from shuping.accounts import policy, services
from shuping.accounts.choices import Role
from shuping.accounts.models import User

pytestmark = pytest.mark.req("INT-4", "SEC-3")

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def local_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield cache
    cache.clear()


def test_locked_only_while_the_lock_lasts():
    assert User(locked_until_at=None).is_locked(NOW) is False
    assert User(locked_until_at=NOW + timedelta(seconds=1)).is_locked(NOW) is True
    assert User(locked_until_at=NOW).is_locked(NOW) is False  # expires at that very moment
    assert User(locked_until_at=NOW - timedelta(seconds=1)).is_locked(NOW) is False
    # Without a moment: now.
    assert User(locked_until_at=datetime.now(UTC) + timedelta(minutes=5)).is_locked() is True
    assert User(locked_until_at=datetime.now(UTC) - timedelta(minutes=5)).is_locked() is False


def test_the_address_throttle_counts_failures_per_address_in_a_window(local_cache, settings):
    settings.SHUPING_LOGIN_IP_THROTTLE_FAILURES = 3
    settings.SHUPING_LOGIN_IP_THROTTLE_SECONDS = 600
    ip = "203.0.113.7"
    assert services.address_throttled(ip=ip) is False
    services._count_address_failure(ip)
    services._count_address_failure(ip)
    assert cache.get(services._ip_key(ip)) == 2
    assert services.address_throttled(ip=ip) is False
    services._count_address_failure(ip)
    assert services.address_throttled(ip=ip) is True  # at the limit
    assert services.address_throttled(ip="203.0.113.8") is False  # another address
    # No address (a test client, a proxy that strips it): nothing counted, never throttled.
    services._count_address_failure("")
    assert cache.get(services._ip_key("")) is None
    settings.SHUPING_LOGIN_IP_THROTTLE_FAILURES = 1
    assert services.address_throttled(ip="203.0.113.99") is False  # no failure counted yet
    settings.SHUPING_LOGIN_IP_THROTTLE_FAILURES = 0
    assert services.address_throttled(ip="") is False


class _Cache:
    """A cache whose counter can vanish between add() and incr(), recording every call."""

    def __init__(self, *, vanish=False):
        self.data, self.calls, self.vanish = {}, [], vanish

    def add(self, key, value, timeout=None):
        self.calls.append(("add", key, value, timeout))
        if key in self.data:
            return False
        self.data[key] = value
        return True

    def incr(self, key):
        self.calls.append(("incr", key))
        if self.vanish:
            raise ValueError("expired")
        self.data[key] += 1
        return self.data[key]

    def set(self, key, value, timeout=None):
        self.calls.append(("set", key, value, timeout))
        self.data[key] = value

    def get(self, key, default=None):
        return self.data.get(key, default)


def test_a_counter_that_expired_between_add_and_incr_starts_again(settings, monkeypatch):
    settings.SHUPING_LOGIN_IP_THROTTLE_SECONDS = 600
    fake = _Cache(vanish=True)
    monkeypatch.setattr(services, "cache", fake)
    key = services._ip_key("198.51.100.1")
    fake.data[key] = 5
    services._count_address_failure("198.51.100.1")
    assert fake.data[key] == 1
    assert fake.calls[-1] == ("set", key, 1, 600)


def test_the_first_failure_opens_a_window_of_the_configured_length(settings, monkeypatch):
    settings.SHUPING_LOGIN_IP_THROTTLE_SECONDS = 321
    fake = _Cache()
    monkeypatch.setattr(services, "cache", fake)
    key = services._ip_key("192.0.2.9")
    services._count_address_failure("192.0.2.9")
    assert fake.calls == [("add", key, 1, 321)]
    services._count_address_failure("192.0.2.9")
    assert fake.calls[-1] == ("incr", key) and fake.data[key] == 2


def test_the_address_key_is_a_keyed_hash_not_the_address():
    key = services._ip_key("192.0.2.9")
    assert key.startswith("accounts:login-failures:") and "192.0.2.9" not in key
    assert key == services._ip_key("192.0.2.9") != services._ip_key("192.0.2.10")
    detail = services._source_detail("192.0.2.9")
    assert detail == {"ip_prefix": "192.0.2.0/24", "ip_hash": policy.ip_fingerprint("192.0.2.9")}
    assert services._source_detail("") == {"ip_prefix": "", "ip_hash": ""}


def test_ip_prefix_and_fingerprint():
    assert policy.ip_prefix("192.0.2.77") == "192.0.2.0/24"
    assert policy.ip_prefix("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert policy.ip_prefix("not an address") == ""
    assert policy.ip_prefix("") == ""
    fp = policy.ip_fingerprint("192.0.2.77")
    from shuping.core import crypto

    assert fp == crypto.hmac_sm3("login-ip", b"192.0.2.77").hex()[:16]  # its own subkey
    assert len(fp) == 16 and int(fp, 16) >= 0
    assert fp == policy.ip_fingerprint("192.0.2.77") != policy.ip_fingerprint("192.0.2.78")


class _Grants:
    def __init__(self, roles):
        self.roles = roles
        self.asked = None

    def filter(self, role__in):
        self.asked = tuple(role__in)
        return SimpleNamespace(exists=lambda: any(r in role__in for r in self.roles))


def test_second_factor_for_administrators_and_organizer_staff_when_required(settings):
    settings.SHUPING_REQUIRE_SECOND_FACTOR = True
    admin = SimpleNamespace(admin_role="security", grants=_Grants([]))
    staff = SimpleNamespace(admin_role="", grants=_Grants([Role.ORGANIZER_STAFF]))
    leader = SimpleNamespace(admin_role="", grants=_Grants([Role.DEPARTMENT_LEADER]))
    liaison = SimpleNamespace(admin_role="", grants=_Grants([Role.LIAISON]))
    assert policy.requires_second_factor(admin) is True
    assert policy.requires_second_factor(staff) is True
    assert policy.requires_second_factor(leader) is True
    assert policy.requires_second_factor(liaison) is False
    assert liaison.grants.asked == (Role.ORGANIZER_STAFF, Role.DEPARTMENT_LEADER)
    settings.SHUPING_REQUIRE_SECOND_FACTOR = False
    assert policy.requires_second_factor(admin) is False
    assert policy.requires_second_factor(staff) is False


def test_password_expiry(settings):
    settings.SHUPING_ADMIN_PASSWORD_MAX_AGE_DAYS = 90

    def user(admin_role="system", changed=None, must=False):
        return SimpleNamespace(admin_role=admin_role, password_changed_at=changed, must_change_password=must)

    assert policy.password_expired(user(must=True, admin_role="")) is True
    assert policy.password_expired(user(admin_role="")) is False  # only administrators rotate
    assert policy.password_expired(user(changed=None)) is True  # predates the policy
    assert policy.password_expired(user(changed=NOW - timedelta(days=89)), at=NOW) is False
    assert policy.password_expired(user(changed=NOW - timedelta(days=90)), at=NOW) is True  # on the day
    assert policy.password_expired(user(changed=NOW - timedelta(days=91)), at=NOW) is True
    assert policy.password_expired(user(changed=datetime.now(UTC) - timedelta(days=1))) is False
    assert policy.password_expired(user(changed=datetime.now(UTC) - timedelta(days=100))) is True
    assert policy.password_expired(SimpleNamespace(admin_role="", password_changed_at=None)) is False
    settings.SHUPING_ADMIN_PASSWORD_MAX_AGE_DAYS = 0  # rotation off
    assert policy.password_expired(user(changed=None)) is False
    assert policy.password_expired(user(must=True)) is True
