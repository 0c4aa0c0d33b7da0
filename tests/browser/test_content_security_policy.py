"""The Content-Security-Policy in a real browser: the pages people use run with no
inline script or style, so Chromium reports no violation — htmx, the countdowns,
the language switch and the API docs included."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import DEMO_PASSWORD
from tests.api.clients import client_for
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_policy(page):
    """Every console message or page error that mentions the policy."""
    seen = []
    page.on("console", lambda message: seen.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def test_the_main_pages_run_without_a_policy_violation(live_server, demo, persona, school, file_case, new_page):
    case = file_case(persona("ua-coordinator"), "ua-school-1")
    meeting = client_for(persona("ua-secretary")).post("/api/v1/meetings/", {
        "school": school("ua-school-1").pk, "starts_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        "place": "Зала", "cases": [str(case.pk)],
    }, format="json").json()

    page = new_page()
    violations = watch_policy(page)
    log_in(page, live_server.url, "ua-secretary", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/cases/")
    for path in ["/cases/", f"/cases/{case.pk}/", "/inbox/", "/notifications/",
                 "/commission/", f"/commission/meetings/{meeting['id']}/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert "script-src 'self'" in response.headers.get("content-security-policy", ""), path
        page.wait_for_load_state("networkidle")
    # The meeting page polls with htmx: let a poll or two happen.
    page.wait_for_timeout(1500)

    # The language switch submits itself (a script file, not an inline handler).
    page.select_option("#language", "uk")
    page.wait_for_selector("html[lang=uk]")

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)

    coordinator = new_page()
    violations += watch_policy(coordinator)
    log_in(coordinator, live_server.url, "ua-coordinator", DEMO_PASSWORD)
    coordinator.goto(f"{live_server.url}/cases/new/")
    coordinator.click("#add-party")
    coordinator.wait_for_load_state("networkidle")

    assert violations == []
