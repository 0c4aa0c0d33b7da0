"""The statutory clocks in a real browser: countdowns, a notice that meets a clock, the
receiving agency's inbox and acknowledgement, and a UA case's working-day clocks."""

import re

import pytest

from agencies.models import Agency
from conftest import DEMO_PASSWORD
from notifications.models import Deadline, DeadlineState, Notice
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KZ_RULES = ["kz.guardianship_notice", "kz.committee_notice", "kz.police_notice", "kz.ombudsman_notice",
            "kz.authorities_notice"]
UA_RULES = ["ua.police_notice", "ua.parent_notice", "ua.children_service_notice", "ua.social_centre_notice",
            "ua.commission_meeting", "ua.case_decision"]
COUNTDOWN = re.compile(r"^(\d+ d )?\d\d:\d\d:\d\d left$")


@pytest.fixture(autouse=True)
def _shipped_data(transactional_db, demo):
    """The demo fixture puts back what an earlier transactional test flushed (protocols included)."""


def sign_in(page, base_url, username):
    log_in(page, base_url, username, DEMO_PASSWORD)
    page.wait_for_url(f"{base_url}/cases/")


def deadline_row(page, code):
    return page.locator(f'tr[data-rule="{code}"]')


def test_kz_clocks_notice_inbox_and_acknowledgement(live_server, persona, file_case, new_page, screenshot):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    case_url = f"{live_server.url}/cases/{case.pk}/"

    head = new_page()
    sign_in(head, live_server.url, "kz-head")
    head.goto(case_url)
    assert head.locator("tr.deadline").count() == len(KZ_RULES) + 1  # and the KZ §24 day-long clock
    for code in KZ_RULES:
        countdown = deadline_row(head, code).locator(".countdown")
        head.wait_for_function("el => /left$/.test(el.textContent) && el.textContent.includes(':')",
                               arg=countdown.element_handle())
        assert COUNTDOWN.match(countdown.inner_text()), countdown.inner_text()
    # The countdown runs: about 50 minutes are left of the hour, and it ticks every second.
    first = deadline_row(head, "kz.guardianship_notice").locator(".countdown").inner_text()
    assert first.startswith("00:4") or first.startswith("00:5")
    head.wait_for_timeout(1300)
    assert deadline_row(head, "kz.guardianship_notice").locator(".countdown").inner_text() != first
    screenshot(head, "clocks-kz-case")

    # A sent time in the future is refused: the 400 answer is swapped in with the message by the field.
    guardianship = Agency.objects.get(code="kz-guardianship")
    head.select_option("#id_notice_recipient", f"agency:{guardianship.pk}")
    head.select_option("#id_notice_channel", "phone")
    head.fill("#id_notice_sent_at", "2099-01-01T10:00")
    head.click("form.clock-form >> text=Record the notice")
    head.wait_for_selector("#notices .has-error .error")
    assert "The time cannot be in the future." in head.locator("#notices .has-error").inner_text()
    assert Notice.objects.count() == 0
    screenshot(head, "clocks-kz-notice-refused")

    # The head records the notice to the guardianship authority (htmx swaps the section in place).
    head.fill("#id_notice_sent_at", "")
    head.click("form.clock-form >> text=Record the notice")
    head.wait_for_selector('tr[data-rule="kz.guardianship_notice"] .badge.state-met')
    assert "Met on time" in deadline_row(head, "kz.guardianship_notice").inner_text()
    assert deadline_row(head, "kz.guardianship_notice").locator(".countdown").count() == 0
    notice = Notice.objects.get()
    assert notice.outgoing_number in head.locator("#notices").inner_text()
    assert "recorded" in head.locator("#clocks .message.success").inner_text()
    assert head.url == case_url  # htmx: no navigation
    screenshot(head, "clocks-kz-notice-recorded")

    # The guardianship officer sees the notice in the inbox, with the bell counting it.
    officer = new_page()
    sign_in(officer, live_server.url, "kz-guardianship")
    assert officer.locator(".topbar .bell .count").inner_text() == "1"
    officer.click("nav >> text=Inbox")
    row = officer.locator(f"#notice-{notice.pk}")
    assert case.reference in row.inner_text() and notice.outgoing_number in row.inner_text()
    screenshot(officer, "inbox-before-acknowledgement")
    row.locator("button", has_text="Acknowledge").click()
    officer.wait_for_selector(f"#notice-{notice.pk} .acknowledged")
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None
    screenshot(officer, "inbox-acknowledged")

    # The bell's list names the case by reference only; opening it clears the count.
    officer.click(".topbar .bell")
    assert f"Case {case.reference}: notice {notice.outgoing_number} received" in officer.inner_text("main")
    assert officer.locator(".topbar .bell .count").inner_text() == "0"
    screenshot(officer, "bell")

    officer.goto(f"{live_server.url}/inbox/")
    officer.click(f"#notice-{notice.pk} a:has-text('{case.reference}')")
    officer.wait_for_url(case_url)
    assert case.reference in officer.inner_text("h1")
    assert "Met on time" in deadline_row(officer, "kz.guardianship_notice").inner_text()
    # The agency notifies only whom the matrix lets it (KZ §18.2–§18.3), never a school; no other forms.
    offered = officer.locator("#id_notice_recipient option").all_inner_texts()
    assert Agency.objects.get(code="kz-police").name in offered
    assert not [name for name in offered if name in {a.name for a in Agency.objects.filter(kind="school")}]
    assert officer.locator("#id_event_event").count() == 0
    screenshot(officer, "clocks-kz-case-as-guardianship")

    # The school sees the acknowledgement on the case page.
    head.reload()
    assert "Not yet" not in head.locator(f"#notice-{notice.pk}").inner_text()


def test_waiving_works_without_javascript(live_server, persona, file_case, browser, screenshot):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    context = browser.new_context(viewport={"width": 1200, "height": 900}, java_script_enabled=False)
    try:
        page = context.new_page()
        # Without JavaScript the language form's <noscript> button is a submit button too,
        # so log in through the login form's own button.
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "kz-head")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("form:has(#id_username) button[type=submit]")
        page.wait_for_url(f"{live_server.url}/cases/")
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        row = deadline_row(page, "kz.committee_notice")
        # Without JavaScript the countdown is the server's text ("59 minutes left").
        assert "left" in row.locator(".countdown").inner_text()
        row.locator("summary").click()
        row.locator("textarea").fill("The committee was informed by the police on site.")
        row.locator("button", has_text="Waive this deadline").click()
        page.wait_for_url(re.compile(r".*/cases/.*/#deadlines$"))
        assert "Waived" in deadline_row(page, "kz.committee_notice").inner_text()
        assert Deadline.objects.get(case=case, rule__code="kz.committee_notice").state == DeadlineState.WAIVED
        screenshot(page, "clocks-waived-no-js")
    finally:
        context.close()


def test_a_ua_case_shows_its_24_hour_and_working_day_clocks(live_server, persona, file_case, new_page,
                                                             screenshot):
    case = file_case(persona("ua-coordinator"), "ua-school-1")
    page = new_page()
    sign_in(page, live_server.url, "ua-head")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert page.locator("tr.deadline").count() == len(UA_RULES)
    for code in UA_RULES:
        assert deadline_row(page, code).count() == 1
    for code in ["ua.police_notice", "ua.parent_notice"]:
        text = deadline_row(page, code).locator(".countdown").inner_text()
        assert re.match(r"^23:[45]\d:\d\d left$", text), text
    for code in ["ua.commission_meeting", "ua.case_decision"]:
        text = deadline_row(page, code).locator(".countdown").inner_text()
        assert re.match(r"^\d+ d \d\d:\d\d:\d\d left$", text), text
    assert "for party no. 1" in deadline_row(page, "ua.parent_notice").inner_text()
    assert "Europe/Kyiv" in page.inner_text("#deadlines")
    screenshot(page, "clocks-ua-case")
