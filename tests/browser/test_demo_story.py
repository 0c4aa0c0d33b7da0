"""After `load_demo`, a coordinator in Kazakhstan and a head in Ukraine log in to a living system:
cases in their lists, clocks in every state on a case page, notifications in the bell and the
commission's meetings."""

import io
import re

import pytest
from django.core.management import call_command

from cases.models import Case
from commission.models import Meeting, MeetingStatus
from conftest import DEMO_PASSWORD
from notifications.models import Deadline
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_story(transactional_db, demo):
    call_command("load_demo", stdout=io.StringIO())


def sign_in(page, base_url, username):
    log_in(page, base_url, username, DEMO_PASSWORD)
    page.wait_for_url(re.compile(r".*/cases/$"))


def test_kz_coordinator_meets_cases_and_clocks(live_server, demo_story, new_page, screenshot):
    page = new_page()
    sign_in(page, live_server.url, "kz-coordinator")
    school_cases = Case.objects.filter(school__code="kz-school-1")
    listed = page.locator("table.list tbody tr")
    # The school's own reports and the 111 centre's report linked to the school.
    assert listed.count() == school_cases.count() == 6
    for case in school_cases:
        assert case.reference in page.locator("table.list").inner_text()
    screenshot(page, "demo-kz-coordinator-case-list")

    placement = Deadline.objects.get(rule__code="kz.placement_decision", state="pending").case
    page.click(f"text={placement.reference}")
    page.wait_for_selector('tr[data-rule="kz.placement_decision"]')
    # Every notice clock met within the hour, the 12-hour placement clock still running.
    met = placement.deadlines.filter(state="met").count()
    assert met >= 4 and page.locator("tr.deadline .badge.state-met").count() == met
    assert page.locator('tr[data-rule="kz.placement_decision"] .countdown').count() == 1
    assert "Мұратова" in page.inner_text("body")
    screenshot(page, "demo-kz-coordinator-case-placement")

    breached = Deadline.objects.filter(rule__code="kz.committee_notice", state="breached").get().case
    page.goto(f"{live_server.url}/cases/{breached.pk}/")
    breached_count = breached.deadlines.filter(state="breached").count()
    assert breached_count >= 2 and page.locator("tr.deadline .badge.state-breached").count() == breached_count
    screenshot(page, "demo-kz-coordinator-case-breached")


def test_ua_head_meets_cases_bell_and_commission(live_server, demo_story, new_page, screenshot):
    page = new_page()
    sign_in(page, live_server.url, "ua-head")
    assert page.locator("table.list tbody tr").count() == Case.objects.filter(school__code="ua-school-1").count()
    assert int(page.locator(".bell .count").inner_text()) > 0
    screenshot(page, "demo-ua-head-case-list")

    decided = Meeting.objects.get(status=MeetingStatus.CLOSED).agenda.get().case
    page.click(f"text={decided.reference}")
    page.wait_for_selector('tr[data-rule="ua.case_decision"]')
    assert "Бондар" in page.inner_text("body")
    screenshot(page, "demo-ua-head-case-decided")

    page.goto(f"{live_server.url}/notifications/")
    screenshot(page, "demo-ua-head-bell")
    page.goto(f"{live_server.url}/commission/")
    screenshot(page, "demo-ua-head-commission")
