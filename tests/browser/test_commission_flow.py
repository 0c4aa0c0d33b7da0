"""A whole commission meeting in Chromium (UA II.2, III–IV): the secretary schedules it (and is
warned before saving when the date is past the 3-working-day deadline), sends the notice, marks
attendance until the quorum turns green, opens the session; six members vote, each as themself
in their own browser, one dissenting in writing; the vote passes; the decision is recorded with
its measures; the meeting closes; the head formalises the minutes; the minutes PDF carries the
vote by name."""

import datetime as dt
import io
import re
import zoneinfo

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from commission.models import Meeting, MeetingStatus, VoteChoice
from conftest import DEMO_PASSWORD
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
LOCAL = "%Y-%m-%dT%H:%M"
PRESENT = ["ua-head", "ua-coordinator", "ua-secretary", "ua-psychologist", "ua-social-pedagogue", "ua-teacher"]
DISSENT = "Свідків не опитано; прошу відкласти рішення."


def vote_in_own_browser(new_page, base_url, room_url, username, choice, dissent=""):
    page = new_page()
    log_in(page, base_url, username, DEMO_PASSWORD)
    page.wait_for_url(re.compile(r".*/cases/$"))
    page.goto(room_url)
    form = page.locator("form.vote")
    form.locator(f"input[name=choice][value={choice}]").check()
    if dissent:
        form.locator("textarea[name=dissent]").fill(dissent)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("form.vote .voted")
    page.context.close()   # stop its polling: one browser less talking to the test server


def test_a_whole_commission_meeting(live_server, demo, persona, file_case, new_page, screenshot):
    case = file_case(persona("ua-coordinator"), "ua-school-1", received_at=timezone.now())
    school_id = case.school_id
    base = live_server.url

    # The secretary schedules: a date past the deadline is flagged before saving.
    page = new_page()
    log_in(page, base, "ua-secretary", DEMO_PASSWORD)
    page.wait_for_url(re.compile(r".*/cases/$"))
    page.click("nav a[href='/commission/']")
    screenshot(page, "commission-home")
    page.click(f"#school-{school_id} a[href$='/meetings/new/']")
    page.check(f"#case-{case.pk}")
    now = timezone.localtime(timezone.now(), KYIV)
    page.fill("#id_starts_at", (now + dt.timedelta(days=14)).strftime(LOCAL))
    page.locator("#id_starts_at").dispatch_event("change")
    warning = page.wait_for_selector("#deadline-warning .warning")
    assert case.reference in warning.inner_text()
    screenshot(page, "commission-schedule-warning")

    # In ten minutes: within the 3-working-day deadline, but too soon for the notice by 18:00 of
    # the day before (UA IV.6): warned, and the reason for the short notice is recorded.
    soon = now + dt.timedelta(minutes=10)
    page.fill("#id_starts_at", soon.strftime(LOCAL))
    page.locator("#id_starts_at").dispatch_event("change")
    page.wait_for_selector("#deadline-warning #short-notice-warning")
    assert page.locator("#deadline-warning .warning").count() == 1
    page.fill("#id_short_notice_reason", "Повторний інцидент сьогодні вранці.")
    page.fill("#id_place", "Кабінет №12")
    page.click("form.meeting-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/commission/meetings/\d+/$"))
    meeting = Meeting.objects.get()
    room_url = page.url
    assert meeting.starts_at == soon.replace(second=0, microsecond=0)
    assert meeting.short_notice_reason == "Повторний інцидент сьогодні вранці."

    # The notice, then attendance until the quorum turns green.
    page.click("#send-notice")
    page.wait_for_selector("#notice .ok-text")
    assert page.locator("#quorum.short").is_visible()
    for count, username in enumerate(PRESENT, start=1):
        page.check(f"#present-{persona(username).pk}")
        page.wait_for_selector(f"#quorum:has-text('{count} of 9 present')")
    # htmx keeps the old attributes for a moment while it settles the swapped card: wait for the class.
    page.wait_for_selector("#quorum.ok")
    screenshot(page, "commission-room-quorum")

    # A member watching the room (absent, so not voting) sees the session open without reloading.
    watcher = new_page()
    log_in(watcher, base, "ua-children-service", DEMO_PASSWORD)
    watcher.wait_for_url(re.compile(r".*/cases/$"))
    watcher.goto(room_url)
    assert watcher.locator("form.vote").count() == 0

    page.click("#open-session")
    page.wait_for_selector("#meeting-status:has-text('In session')")
    question = meeting.agenda.get().questions.get()
    watcher.wait_for_selector("#meeting-status:has-text('In session')", timeout=15_000)
    assert watcher.locator("form.vote").count() == 0     # present members vote, the absent do not
    watcher.context.close()

    # Six members vote, each logged in as themself; one dissents in writing.
    form = page.locator("form.vote")
    form.locator("input[name=choice][value=for]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_selector("form.vote .voted")
    for username in PRESENT:
        if username == "ua-secretary":
            continue
        choice = "against" if username == "ua-teacher" else "for"
        vote_in_own_browser(new_page, base, room_url, username, choice, DISSENT if choice == "against" else "")
    # The secretary's tally follows the others' votes live.
    tally = page.locator(f"#tally-{question.pk}")
    tally.locator(".count.for:has-text('5')").wait_for()
    tally.locator(".count.against:has-text('1')").wait_for()
    assert DISSENT in tally.inner_text()
    screenshot(page, "commission-room-votes")

    page.click(f"#close-vote-{question.pk}")
    page.wait_for_selector(f"#outcome-{question.pk}.passed")

    # The decision, with its measures and a monitoring item.
    page.click("a[href$='/decision/']")
    page.fill("#id_needs_assessment", "Потерпілому — консультації психолога.")
    page.fill("#id_causes_and_measures", "Конфлікт у чаті класу; бесіди з учнями.")
    page.fill("#id_class_measures", "Тренінг «Стоп булінг» для класу.")
    page.fill("#id_recommendations_teachers", "Чергування на перервах.")
    page.fill("#id_recommendations_parents", "Обмежити час у соцмережах.")
    page.fill("#id_monitoring-0-description", "Щотижнева консультація психолога")
    page.select_option("#id_monitoring-0-owner", str(persona("ua-psychologist").pk))
    page.fill("#id_monitoring-0-due_date", (now + dt.timedelta(days=30)).strftime("%Y-%m-%d"))
    screenshot(page, "commission-decision-form")
    page.click("form.decision-form button[type=submit]")
    page.wait_for_selector(".decision .outcome.passed")

    page.click("#close-meeting")
    page.wait_for_selector("#meeting-status:has-text('Closed')")
    screenshot(page, "commission-room-closed")

    # The head formalises the minutes by an order, communicates the decision, downloads the minutes.
    head = new_page()
    log_in(head, base, "ua-head", DEMO_PASSWORD)
    head.wait_for_url(re.compile(r".*/cases/$"))
    head.goto(room_url)
    head.fill("#id_order_number", "12-од")
    head.click("#formalise")
    head.wait_for_selector("#minutes .ok-text")
    head.click("#communicate")
    head.wait_for_selector("#minutes .ok-text:has-text('communicated')")
    with head.expect_download() as download:
        head.click("#minutes-pdf")
    with open(download.value.path(), "rb") as pdf:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED and meeting.minutes_order_number == "12-од"
    assert meeting.decision_communicated_at is not None
    with translation.override("uk"):   # the minutes are in the school's language
        labels = {choice: str(label) for choice, label in VoteChoice.choices}
    lines = text.splitlines()
    for username in PRESENT:
        expected = labels["against"] if username == "ua-teacher" else labels["for"]
        # the vote table: the member's name (never the login), then their vote
        name = persona(username).get_full_name()
        assert any(line.strip() == name and lines[i + 1].strip() == expected
                   for i, line in enumerate(lines[:-1])), username
    assert DISSENT in text.replace("\n", " ") and "12-од" in text
    assert "Ахметов" not in text
    assert not [username for username in PRESENT if username in text]

    head.goto(f"{base}/commission/schools/{school_id}/composition/")
    assert "15-од" in head.inner_text("#in-force")
    screenshot(head, "commission-composition")
