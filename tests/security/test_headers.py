"""Caching and headers (issue #7, item 4): nothing with a child's data stays in a
browser or proxy cache, every answer carries a Content-Security-Policy that
allows no inline script or style, and the templates keep to it.
"""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.api.clients import client_for

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.fixture
def meeting_id(persona, school, file_case):
    ua_case = file_case(persona("ua-coordinator"), "ua-school-1")
    response = client_for(persona("ua-secretary")).post("/api/v1/meetings/", {
        "school": school("ua-school-1").pk, "starts_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        "place": "Зала", "cases": [str(ua_case.pk)],
    }, format="json")
    return response.json()["id"]


def _browser(user):
    client = Client()
    client.force_login(user)
    return client


def test_case_pages_api_answers_and_pdfs_are_never_stored(persona, file_case, meeting_id):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    kz_web, kz_api = _browser(persona("kz-coordinator")), client_for(persona("kz-coordinator"))
    ua_web, ua_api = _browser(persona("ua-secretary")), client_for(persona("ua-secretary"))
    answers = {
        "case page": kz_web.get(f"/cases/{case.pk}/"),
        "case list": kz_web.get("/cases/"),
        "API case": kz_api.get(f"/api/v1/cases/{case.pk}/"),
        "API case list": kz_api.get("/api/v1/cases/"),
        "API meeting": ua_api.get(f"/api/v1/meetings/{meeting_id}/"),
        "minutes PDF": ua_web.get(f"/commission/meetings/{meeting_id}/minutes.pdf"),
        "minutes PDF (API)": ua_api.get(f"/api/v1/meetings/{meeting_id}/minutes/", HTTP_ACCEPT="application/pdf"),
        "a 404": kz_web.get("/cases/00000000-0000-0000-0000-000000000000/"),
        "login page": Client().get("/login/"),
    }
    for what, response in answers.items():
        assert response.status_code in (200, 404), (what, response.status_code)
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives, (what, response["Cache-Control"])
    assert answers["minutes PDF"]["Content-Type"] == "application/pdf"


def test_static_files_keep_their_cache_lifetime(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_every_page_has_a_policy_without_inline_script_or_style(persona):
    response = _browser(persona("kz-coordinator")).get("/cases/new/")
    policy = dict(
        (part.split()[0], part.split()[1:]) for part in response["Content-Security-Policy"].split(";") if part.strip()
    )
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


def test_the_production_settings_have_the_same_policy(tmp_path):
    from tests.test_deploy import manage, production_env

    script = ("import json; from django.conf import settings as s; "
              "print(json.dumps([s.CONTENT_SECURITY_POLICY['DIRECTIVES'], s.MIDDLEWARE]))")
    result = manage(production_env(tmp_path), "shell", "--verbosity", "0", "-c", script)
    assert result.returncode == 0, result.stderr
    directives, middleware = json.loads(result.stdout)
    assert "csp.middleware.CSPMiddleware" in middleware and "config.middleware.NoStoreMiddleware" in middleware
    assert directives.pop("upgrade-insecure-requests") is True
    assert directives == settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "an inline <style>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on…= handler attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: address"),
]


def test_no_template_has_inline_script_style_or_handlers():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {what}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        for pattern, what in INLINE
        if pattern.search(line)
    ]
    assert found == []


def test_the_pages_people_use_render_without_inline_script_or_style(persona, file_case, meeting_id):
    case = file_case(persona("ua-coordinator"), "ua-school-1")
    coordinator, secretary = _browser(persona("ua-coordinator")), _browser(persona("ua-secretary"))
    pages = [(coordinator, url) for url in ["/cases/", "/cases/new/", f"/cases/{case.pk}/", "/inbox/", "/api/docs/"]]
    pages += [(secretary, url) for url in ["/commission/", f"/commission/meetings/{meeting_id}/"]]
    for client, url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        page = response.content.decode()
        problems = [what for pattern, what in INLINE if pattern.search(page)]
        assert problems == [], (url, problems)


def test_the_api_schema_and_docs_need_a_login():
    assert APIClient().get("/api/schema/").status_code == 401
    assert Client().get("/api/docs/").status_code in (401, 403)
