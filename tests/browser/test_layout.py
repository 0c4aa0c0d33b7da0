"""Every main page is usable on a phone (390 px wide): nothing wider than the screen, a header
of at most two lines, and long unbroken words wrapped (one 100-character word made a page
1,880 px wide; at 390 px the header took three lines and the case page was 683 px wide).

Screenshots: test-artifacts/phone-*.png.
"""

import datetime as dt

import pytest
from django.utils import timezone

from agencies.models import Agency
from commission import services as commission_services
from conftest import DEMO_PASSWORD, make_parties
from notifications.services.notices import notice_send
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LONG_WORD = "Ж" * 100
MAX_HEADER_HEIGHT = 110  # two lines of links and controls


@pytest.fixture
def phone(browser):
    contexts = []

    def _page(username=None, base_url=None):
        context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
        contexts.append(context)
        page = context.new_page()
        if username:
            log_in(page, base_url, username, DEMO_PASSWORD)
        return page

    yield _page
    for context in contexts:
        context.close()


def measure(page, name, screenshot) -> list[str]:
    width = page.evaluate("document.documentElement.scrollWidth")
    header = page.evaluate("document.querySelector('header.topbar').getBoundingClientRect().height")
    screenshot(page, f"phone-{name}")
    problems = []
    if width > PHONE["width"]:
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > innerWidth)
            .filter(e => { for (let a = e.parentElement; a; a = a.parentElement) {
                if (getComputedStyle(a).overflowX !== 'visible' && a !== document.body && a !== document.documentElement) return false; }
                return true; })
            .slice(0, 3).map(e => e.tagName + '.' + e.className + '#' + e.id + ' in ' + (e.closest('table') ? e.closest('table').className + ' ' + getComputedStyle(e.closest('table')).display + ' ' + e.closest('table').parentElement.className : ''))""")
        problems.append(f"{name}: the page is {width} px wide on a {PHONE['width']} px screen ({wide})")
    if header > MAX_HEADER_HEIGHT:
        problems.append(f"{name}: the header is {header:.0f} px tall")
    return problems


def check(page, url, name, screenshot) -> list[str]:
    response = page.goto(url)
    assert response.status < 400, f"{name}: {response.status}"
    return measure(page, name, screenshot)


def test_the_main_pages_fit_a_phone(live_server, demo, phone, screenshot, persona, file_case):
    base = live_server.url
    kz_case = file_case(persona("kz-coordinator"), "kz-school-1", description=f"{LONG_WORD} {LONG_WORD}",
                        parties=make_parties(victim_name=(LONG_WORD[:60], "Ерлан")))
    notice_send(user=persona("kz-head"), case=kz_case, channel="phone",
                to_agency=Agency.objects.get(code="kz-guardianship"))
    ua_case = file_case(persona("ua-coordinator"), "ua-school-1", description=LONG_WORD)
    ua_school = Agency.objects.get(code="ua-school-1")
    meeting = commission_services.meeting_schedule(
        user=persona("ua-secretary"), school=ua_school, starts_at=timezone.now() + dt.timedelta(minutes=10),
        place=LONG_WORD[:40], cases=[ua_case], short_notice_reason="Термінове засідання")

    problems = check(phone(), f"{base}/login/", "login", screenshot)

    page = phone("kz-coordinator", base)
    page.select_option("#language", "kk")
    page.wait_for_selector("html[lang=kk]")
    problems += check(page, f"{base}/cases/", "case-list", screenshot)
    problems += check(page, f"{base}/cases/new/", "case-form", screenshot)
    page.click("form.intake button[type=submit]")  # refused: the error summary and field errors
    page.wait_for_selector("[data-error-summary]")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    for link in page.locator("[data-error-summary] a").all():  # each link takes the focus to its field
        target = link.get_attribute("href")[1:]
        link.click()
        assert page.evaluate("document.activeElement.id").startswith(target), target
    problems += measure(page, "case-form-refused", screenshot)
    problems += check(page, f"{base}/cases/{kz_case.pk}/", "case-page", screenshot)
    problems += check(page, f"{base}/notifications/", "bell", screenshot)

    guardianship = phone("kz-guardianship", base)
    problems += check(guardianship, f"{base}/inbox/", "inbox", screenshot)

    head = phone("ua-head", base)
    head.select_option("#language", "uk")
    head.wait_for_selector("html[lang=uk]")
    problems += check(head, f"{base}/commission/", "commission-home", screenshot)
    problems += check(head, f"{base}/commission/schools/{ua_school.pk}/composition/", "commission-composition", screenshot)
    problems += check(head, f"{base}/commission/schools/{ua_school.pk}/meetings/new/", "commission-meeting-new", screenshot)
    problems += check(head, f"{base}/commission/meetings/{meeting.pk}/", "commission-meeting", screenshot)
    problems += check(head, f"{base}/cases/{ua_case.pk}/", "case-page-uk", screenshot)
    assert not problems, "\n".join(problems)
