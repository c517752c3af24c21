"""SEC-5: production settings pass `check --deploy`; CSP, HSTS, secure cookies; no secrets in code;
SEC-1: no default or shared accounts."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from shuping.core.security import (
    HANDLER_ATTRIBUTE,
    add_nonces,
    build_policy,
    inline_handlers,
    source_hash,
    template_directories,
)

ROOT = Path(__file__).resolve().parents[2]


def _prod_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHUPING_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SHUPING_SECRET_KEY=secrets.token_urlsafe(50),
        SHUPING_DATA_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        SHUPING_AUDIT_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        SHUPING_ALLOWED_HOSTS="shuping.example.gov.cn",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


@pytest.mark.req("SEC-5")
def test_production_settings_pass_check_deploy_at_warning_level(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        cwd=tmp_path,
        env=_prod_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.req("SEC-5", "SEC-1")
def test_production_settings_have_hsts_secure_cookies_and_no_debug(tmp_path):
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY, s.SECURE_REFERRER_POLICY, s.X_FRAME_OPTIONS, "
        "'shuping.core.security.ContentSecurityPolicyMiddleware' in s.MIDDLEWARE, "
        "[k for k in dir(s) if k.isupper() and 'PASSWORD' in k and isinstance(getattr(s, k), str) and getattr(s, k)]]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=_prod_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    debug, hsts, session_secure, csrf_secure, ssl, httponly, referrer, frames, csp, passwords = json.loads(
        result.stdout
    )
    assert debug is False and hsts >= 31536000 and session_secure and csrf_secure and ssl and httponly
    assert referrer == "same-origin" and frames == "DENY" and csp
    # No default or shared account's password is configured anywhere in settings (SEC-1).
    assert passwords == []


@pytest.mark.req("SEC-1")
def test_a_migrated_database_has_no_accounts(db):
    from shuping.accounts.models import User

    assert User.objects.count() == 0  # migrations create no default or shared account


@pytest.mark.req("SEC-5")
def test_every_page_gets_a_strict_content_security_policy(client):
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/")
    policy = first["Content-Security-Policy"]
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["style-src"].startswith("'self' 'nonce-")
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert "unsafe-eval" not in policy and "*" not in policy
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    assert nonce not in second["Content-Security-Policy"]  # a fresh nonce per response
    assert first["X-Frame-Options"] == "DENY"
    assert first["Referrer-Policy"] == "same-origin"
    assert first["X-Content-Type-Options"] == "nosniff"


@pytest.mark.req("SEC-5")
def test_the_policy_allows_exactly_the_listed_inline_handlers():
    policy = build_policy("n0nce")
    assert inline_handlers(), "templates have a few static handlers (print, confirm)"
    for handler in inline_handlers():
        assert source_hash(handler) in policy
    assert "'nonce-n0nce'" in policy
    relaxed = build_policy("n0nce", inline=True)
    script = next(p for p in relaxed.split("; ") if p.startswith("script-src "))
    assert "'unsafe-inline'" in script and "nonce" not in script  # a nonce would disable unsafe-inline


def _templates():
    for directory in template_directories():
        for path in directory.rglob("*.html"):
            yield path.relative_to(directory).as_posix(), path.read_text(encoding="utf-8")


@pytest.mark.req("SEC-5")
def test_no_inline_handler_escapes_the_policy():
    handlers = set()
    for _name, text in _templates():
        handlers.update(HANDLER_ATTRIBUTE.findall(text))
    dynamic = {h for h in handlers if "{{" in h or "{%" in h}
    assert dynamic == set(), "含模板变量的内联事件处理无法按哈希放行：请移到静态 JS 文件"
    assert len(handlers) <= 8, "内联事件处理越来越多：请移到静态 JS 文件"
    assert settings.SHUPING_CSP_INLINE_PATHS == []


def test_the_loaders_put_the_nonce_on_inline_elements_of_template_sources_only():
    source = (
        '<script>go()</script><script src="/s.js"></script><STYLE media="print">p{}</STYLE><p>{{ x }}</p>'
    )
    rewritten = add_nonces(source)
    assert rewritten.count("csp_nonce") == 2
    assert '<script src="/s.js">' in rewritten
    # Data rendered into a template is escaped and never rewritten: injected markup gets no nonce.
    rendered = Template(add_nonces("<script>a()</script>{{ x }}")).render(
        Context({"x": "<script>evil()</script>", "request": type("R", (), {"csp_nonce": "N1"})()})
    )
    assert rendered.startswith('<script nonce="N1">a()</script>')
    assert "&lt;script&gt;evil()" in rendered


@pytest.mark.req("SEC-5")
def test_an_inline_script_page_gets_its_nonce_matching_the_header(client):
    response = client.get("/v/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    body = response.content.decode()
    inline = re.findall(r"<(?:script|style)\b(?![^>]*\bsrc=)[^>]*>", body)
    assert inline, "the voting page has inline CSS and script"
    assert all(f'nonce="{nonce}"' in tag for tag in inline)


_SECRET_PATTERNS = [
    re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"),
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(
        r"""(?:SECRET_KEY|SHUPING_DATA_KEY|SHUPING_AUDIT_KEY|AWS_SECRET_ACCESS_KEY)\s*=\s*["'][^"']{16,}["']"""
    ),
    re.compile(r"""postgres(?:ql)?://[^:@/\s]+:[^@\s]{4,}@"""),  # a URL with an embedded password
]
#: Fixed keys used only by the test settings and tests themselves.
_ALLOWED = {"config/settings/test.py"}


@pytest.mark.req("SEC-5")
def test_no_secrets_in_tracked_files():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    found = []
    for name in files.split():
        if (
            name in _ALLOWED
            or "/tests/" in f"/{name}"
            or not name.endswith(
                (
                    ".py",
                    ".md",
                    ".toml",
                    ".cfg",
                    ".conf",
                    ".service",
                    ".env",
                    ".sh",
                    ".ini",
                    ".yml",
                    ".yaml",
                    ".json",
                    ".txt",
                    ".html",
                )
            )
        ):
            continue
        path = ROOT / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{name}: {p.pattern}" for p in _SECRET_PATTERNS if p.search(text)]
    assert found == []
    assert "shuping.keys" in (ROOT / ".gitignore").read_text()


@pytest.mark.req("SEC-6")
def test_a_nul_character_in_any_text_input_is_a_400_in_chinese_not_a_500(client, world):
    client.force_login(world.organizer_staff)
    api = client.get("/api/v1/orgs", {"q": "\x00a"})
    assert api.status_code == 400
    assert api.json()["errors"][0]["code"] == "null_character"
    assert "空字符" in api.json()["detail"]
    body = client.post("/api/v1/orgs", data='{"name": "a\\u0000b"}', content_type="application/json")
    assert body.status_code == 400
    page = client.get("/orgs/search/", {"q": "x\x00"})
    assert page.status_code == 400 and "空字符" in page.content.decode()
    assert client.get("/api/v1/orgs", {"q": "甲市"}).status_code == 200
