"""Deadlines, notices, case events, waivers, the agency inbox and the bell in the browser pages.

Who may do what (the permission matrix of these pages):
- a user who may not see the case (another school, another country, the ombudsman office)
  gets 404 on every page and form that touches it, never 403;
- recording a notice or an event needs ``change_case``: an agency the case was shared
  with can read the clocks but gets 404 on those forms;
- waiving is open to anyone who can see the case to ask, and the service decides: the
  school head may, the coordinator gets 400 with a clear message and nothing changes.
"""

import datetime as dt
import re
import zoneinfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from cases import permissions
from cases.services import PartyInput
from conftest import make_parties
from notifications import messages, selectors
from notifications.models import Deadline, DeadlineState, Notice, OutboxMessage
from notifications.services.notices import notice_send
from notifications.services.outbox import outbox_deliver

pytestmark = pytest.mark.django_db

KZ_ZONE = zoneinfo.ZoneInfo("Asia/Almaty")
LOCAL = "%Y-%m-%dT%H:%M"
HTMX = {"HX-Request": "true"}
OUTSIDERS = ["kz-coordinator-2", "ua-coordinator", "kz-ombudsman"]
KZ_NOTICE_RULES = ["kz.guardianship_notice", "kz.committee_notice", "kz.police_notice", "kz.ombudsman_notice",
                   "kz.authorities_notice"]
KZ_CLOCKS = [*KZ_NOTICE_RULES, "kz.minors_commission_notice"]


@pytest.fixture
def kz_case(persona, file_case):
    return file_case(persona("kz-coordinator"), "kz-school-1")


def agency(code):
    return Agency.objects.get(code=code)


def deadline_of(case, code):
    return Deadline.objects.get(case=case, rule__code=code)


def case_page(client, case):
    return client.get(reverse("cases:detail", args=[case.pk]))


def post_notice(client, case, recipient, *, channel="phone", sent_at="", headers=None):
    return client.post(reverse("notifications:notice_new", args=[case.pk]),
                       {"recipient": recipient, "channel": channel, "sent_at": sent_at}, headers=headers or {})


def post_waive(client, deadline, reason, headers=None):
    return client.post(reverse("notifications:deadline_waive", args=[deadline.pk]), {"reason": reason},
                       headers=headers or {})


def post_event(client, case, event, at=""):
    return client.post(reverse("notifications:event_new", args=[case.pk]), {"event": event, "at": at})


def row(html, element_id):
    """The HTML of one table row by id."""
    match = re.search(rf'<tr id="{element_id}".*?</tr>', html, re.S)
    assert match, f"no row {element_id}"
    return match.group(0)


# --- The case page's clocks -----------------------------------------------------------------------


def test_the_case_page_shows_the_one_hour_clocks_with_countdowns(client, persona, kz_case):
    client.force_login(persona("kz-head"))
    html = case_page(client, kz_case).content.decode()
    assert 'id="deadlines"' in html
    for code in KZ_NOTICE_RULES:
        deadline = deadline_of(kz_case, code)
        tr = row(html, f"deadline-{deadline.pk}")
        assert deadline.rule.name in tr and deadline.rule.source in tr
        due_utc = deadline.due_at.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
        assert f'data-due="{due_utc}"' in tr
        # Shown in the case's local time (Kazakhstan, UTC+5), not UTC.
        assert timezone.localtime(deadline.due_at, KZ_ZONE).strftime("%H:%M") in tr
        assert "state-pending" in tr and "left" in tr
        assert "Head" in tr and kz_case.school.name in tr
        assert "Waive" in tr
    assert 'id="notices"' in html and "Record a notice" in html and "Record an event" in html
    assert 'src="/static/js/countdown.js"' in html


def test_rule_names_follow_the_readers_language(client, persona, kz_case):
    client.force_login(persona("kz-head"))
    client.cookies["django_language"] = "ru"
    html = case_page(client, kz_case).content.decode()
    assert "Уведомить орган опеки и попечительства" in html
    assert "Notify the guardianship authority" not in html


def test_the_coordinator_records_notices_but_sees_no_waive_form(client, persona, kz_case):
    client.force_login(persona("kz-coordinator"))
    html = case_page(client, kz_case).content.decode()
    assert "Record a notice" in html and "Waive" not in html


def test_an_agency_the_case_was_shared_with_reads_the_clocks_and_may_only_notify_under_the_matrix(
        client, persona, kz_case):
    notice_send(user=persona("kz-head"), case=kz_case, channel="phone", to_agency=agency("kz-guardianship"))
    client.force_login(persona("kz-guardianship"))
    html = case_page(client, kz_case).content.decode()
    assert 'id="deadlines"' in html and "Met on time" in html
    assert "Record an event" not in html and "Waive" not in html
    # KZ §18.2–§18.3: the guardianship authority tells the police, 111, the ombudsmen and the committee.
    assert "Record a notice" in html
    response = post_notice(client, kz_case, f"agency:{agency('kz-school-2').pk}")
    assert response.status_code == 400 and Notice.objects.count() == 1


def test_a_ua_case_shows_its_24_hour_and_working_day_clocks(client, persona, file_case):
    case = file_case(persona("ua-coordinator"), "ua-school-1")
    client.force_login(persona("ua-head"))
    html = case_page(client, case).content.decode()
    for code in ["ua.police_notice", "ua.parent_notice", "ua.children_service_notice",
                 "ua.social_centre_notice", "ua.commission_meeting", "ua.case_decision"]:
        assert f'data-rule="{code}"' in html
    assert "for party no. 1" in html  # the parent notice runs per minor party
    assert "Europe/Kyiv" in html
    # No recordable event matters to the UA protocol: no event form.
    assert "Record an event" not in html


# --- Recording a notice ---------------------------------------------------------------------------


def test_the_head_records_a_notice_and_the_guardianship_clock_is_met(client, persona, kz_case):
    client.force_login(persona("kz-head"))
    response = post_notice(client, kz_case, f"agency:{agency('kz-guardianship').pk}")
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[kz_case.pk]) + "#notices"
    notice = Notice.objects.get()
    assert notice.to_agency.code == "kz-guardianship" and notice.sent_by == persona("kz-head")
    assert deadline_of(kz_case, "kz.guardianship_notice").state == DeadlineState.MET

    html = client.get(response.url).content.decode()
    assert f"Notice {notice.outgoing_number} recorded." in html
    assert notice.outgoing_number in row(html, f"notice-{notice.pk}")
    assert "Met on time" in row(html, f"deadline-{deadline_of(kz_case, 'kz.guardianship_notice').pk}")


def test_with_htmx_the_clocks_section_comes_back_alone(client, persona, kz_case):
    client.force_login(persona("kz-head"))
    response = post_notice(client, kz_case, f"agency:{agency('kz-guardianship').pk}", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="clocks"') and "<html" not in html
    assert "recorded." in html and "Met on time" in html


def test_a_notice_with_a_sent_time_in_local_time_is_kept_in_utc(client, persona, kz_case):
    client.force_login(persona("kz-head"))
    sent_local = timezone.localtime(timezone.now(), KZ_ZONE).replace(second=0, microsecond=0)
    post_notice(client, kz_case, f"agency:{agency('kz-police').pk}", sent_at=sent_local.strftime(LOCAL))
    assert Notice.objects.get().sent_at == sent_local


def test_a_notice_to_a_representative_who_is_the_alleged_perpetrator_is_refused(client, persona, file_case):
    parties = [make_parties()[0], PartyInput(
        role="legal_representative", family_name="Ахметов", given_name="Болат", is_minor=False,
        represents_index=0, is_alleged_perpetrator=True, phone="+77010000009")]
    case = file_case(persona("kz-coordinator"), "kz-school-1", parties=parties)
    perpetrator = case.parties.get(is_alleged_perpetrator=True)
    client.force_login(persona("kz-head"))

    page = case_page(client, case).content.decode()
    assert "alleged perpetrator: must not be notified" in page
    assert re.search(rf'<option value="party:{perpetrator.pk}"[^>]*disabled', page)

    response = post_notice(client, case, f"party:{perpetrator.pk}")
    assert response.status_code == 400
    assert "This person is the alleged perpetrator and must not be notified." in response.content.decode()
    assert Notice.objects.count() == 0 and OutboxMessage.objects.count() == 0


def test_a_notice_to_a_legal_representative_is_listed_by_number(client, persona, kz_case):
    representative = kz_case.parties.get(role="legal_representative")
    client.force_login(persona("kz-head"))
    post_notice(client, kz_case, f"party:{representative.pk}")
    notice = Notice.objects.get()
    assert notice.to_party == representative
    head_view = row(case_page(client, kz_case).content.decode(), f"notice-{notice.pk}")
    assert "Legal representative no. 2" in head_view and "Сауле" in head_view

    # A reader without view_case_identity sees the number, never the name.
    police = persona("kz-police")
    permissions.grant_to_user(kz_case, police, (permissions.VIEW,))
    client.force_login(police)
    html = case_page(client, kz_case).content.decode()
    assert "Legal representative no. 2" in row(html, f"notice-{notice.pk}")
    assert "Сауле" not in html and "Ахметов" not in html


@pytest.mark.parametrize("data, field_message", [
    ({"sent_at": "future"}, "The time cannot be in the future."),
    ({"recipient": ""}, "Choose the recipient."),
    ({"channel": ""}, "Choose a channel."),
    ({"recipient": "agency:999999"}, "Choose a recipient from the list."),
])
def test_bad_notice_input_gives_400_and_saves_nothing(client, persona, kz_case, data, field_message):
    client.force_login(persona("kz-head"))
    values = {"recipient": f"agency:{agency('kz-guardianship').pk}", "channel": "phone", "sent_at": ""}
    values.update(data)
    if values["sent_at"] == "future":
        values["sent_at"] = (timezone.localtime(timezone.now(), KZ_ZONE) + dt.timedelta(days=2)).strftime(LOCAL)
    for headers in ({}, HTMX):
        response = post_notice(client, kz_case, values["recipient"], channel=values["channel"],
                               sent_at=values["sent_at"], headers=headers)
        assert response.status_code == 400
        assert field_message in response.content.decode()
    assert Notice.objects.count() == 0 and OutboxMessage.objects.count() == 0
    assert deadline_of(kz_case, "kz.guardianship_notice").state == DeadlineState.PENDING
    assert not persona("kz-guardianship").has_perm("cases.view_case", kz_case)


@pytest.mark.parametrize("username", OUTSIDERS)
def test_outsiders_get_404_on_every_clock_form(client, persona, kz_case, username):
    client.force_login(persona(username))
    deadline = deadline_of(kz_case, "kz.guardianship_notice")
    assert post_notice(client, kz_case, f"agency:{agency('kz-guardianship').pk}").status_code == 404
    assert post_event(client, kz_case, "placement_flagged").status_code == 404
    assert post_waive(client, deadline, "Not needed").status_code == 404
    assert Notice.objects.count() == 0
    assert Deadline.objects.filter(case=kz_case).count() == len(KZ_CLOCKS)
    assert deadline_of(kz_case, "kz.guardianship_notice").state == DeadlineState.PENDING


def test_the_forms_only_accept_posts(client, persona, kz_case):
    client.force_login(persona("kz-head"))
    assert client.get(reverse("notifications:notice_new", args=[kz_case.pk])).status_code == 405


# --- Case events ----------------------------------------------------------------------------------


def test_flagging_placement_opens_its_clock_and_the_decision_meets_it(client, persona, kz_case):
    client.force_login(persona("kz-head"))
    response = post_event(client, kz_case, "placement_flagged")
    assert response.status_code == 302
    deadline = deadline_of(kz_case, "kz.placement_decision")
    assert deadline.due_at == kz_case.received_at + dt.timedelta(hours=12)
    html = client.get(response.url).content.decode()
    tr = row(html, f"deadline-{deadline.pk}")
    assert "Decide on the child" in tr and "Commission on minors" not in tr
    assert "Кәмелетке толмағандардың істері жөніндегі комиссия" in tr and "Officer" in tr

    post_event(client, kz_case, "placement_decided")
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET


@pytest.mark.parametrize("data, message", [
    ({"event": "", "at": ""}, "Choose an event."),
    ({"event": "meeting_held", "at": ""}, "Select a valid choice"),
    ({"event": "placement_flagged", "at": "future"}, "The time cannot be in the future."),
])
def test_bad_event_input_gives_400_and_changes_nothing(client, persona, kz_case, data, message):
    client.force_login(persona("kz-head"))
    if data["at"] == "future":
        data["at"] = (timezone.localtime(timezone.now(), KZ_ZONE) + dt.timedelta(hours=3)).strftime(LOCAL)
    response = post_event(client, kz_case, data["event"], data["at"])
    assert response.status_code == 400 and message in response.content.decode()
    assert Deadline.objects.filter(case=kz_case).count() == len(KZ_CLOCKS)


# --- Waiving --------------------------------------------------------------------------------------


def test_the_head_waives_a_deadline_with_a_reason(client, persona, kz_case):
    client.force_login(persona("kz-head"))
    deadline = deadline_of(kz_case, "kz.committee_notice")
    response = post_waive(client, deadline, "The committee was informed by the police on site.")
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.WAIVED and deadline.waived_by == persona("kz-head")
    tr = row(client.get(response.url).content.decode(), f"deadline-{deadline.pk}")
    assert "Waived" in tr and "informed by the police on site" in tr and "data-due" not in tr


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_an_empty_waive_reason_gives_400_and_changes_nothing(client, persona, kz_case, headers):
    client.force_login(persona("kz-head"))
    deadline = deadline_of(kz_case, "kz.committee_notice")
    response = post_waive(client, deadline, "   ", headers=headers)
    assert response.status_code == 400
    assert "Give the reason for waiving this deadline." in response.content.decode()
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.PENDING and deadline.waived_reason == ""


def test_the_coordinator_cannot_waive_and_is_told_why(client, persona, kz_case):
    # The coordinator can see the case, so the refusal is a 400 with the reason (not a 404).
    client.force_login(persona("kz-coordinator"))
    deadline = deadline_of(kz_case, "kz.committee_notice")
    response = post_waive(client, deadline, "Not needed")
    assert response.status_code == 400
    assert "Only the school head or the responsible agency" in response.content.decode()
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.PENDING


def test_waiving_an_unknown_deadline_is_404(client, persona, kz_case):
    client.force_login(persona("kz-head"))
    response = client.post(reverse("notifications:deadline_waive", args=[999999]), {"reason": "x"})
    assert response.status_code == 404


# --- The agency inbox -----------------------------------------------------------------------------


def test_the_guardianship_authority_sees_the_notice_and_acknowledges_it(client, persona, kz_case):
    notice = notice_send(user=persona("kz-head"), case=kz_case, channel="phone",
                         to_agency=agency("kz-guardianship"))
    client.force_login(persona("kz-guardianship"))
    html = client.get(reverse("notifications:inbox")).content.decode()
    tr = row(html, f"notice-{notice.pk}")
    assert kz_case.reference in tr and reverse("cases:detail", args=[kz_case.pk]) in tr
    assert kz_case.school.name in tr and notice.outgoing_number in tr and "Acknowledge" in tr

    response = client.post(reverse("notifications:inbox_acknowledge", args=[notice.pk]))
    assert response.status_code == 302
    notice.refresh_from_db()
    first = notice.acknowledged_at
    assert first is not None and notice.acknowledged_by == persona("kz-guardianship")
    shown = timezone.localtime(first, KZ_ZONE)
    tr = row(client.get(reverse("notifications:inbox")).content.decode(), f"notice-{notice.pk}")
    assert "Acknowledge</button>" not in tr and shown.strftime("%H:%M") in tr

    # Acknowledging again keeps the first time; the school sees it on the case page.
    client.post(reverse("notifications:inbox_acknowledge", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.acknowledged_at == first
    assert case_page(client, kz_case).status_code == 200
    client.force_login(persona("kz-head"))
    assert shown.strftime("%H:%M") in row(case_page(client, kz_case).content.decode(), f"notice-{notice.pk}")


def test_acknowledging_with_htmx_returns_the_row(client, persona, kz_case):
    notice = notice_send(user=persona("kz-head"), case=kz_case, channel="phone",
                         to_agency=agency("kz-guardianship"))
    client.force_login(persona("kz-guardianship"))
    response = client.post(reverse("notifications:inbox_acknowledge", args=[notice.pk]), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith(f'<tr id="notice-{notice.pk}"')
    assert 'class="acknowledged"' in html


@pytest.mark.parametrize("username", ["kz-police", "kz-coordinator-2", "ua-children-service", "kz-head"])
def test_a_notice_to_another_agency_is_not_in_the_inbox_and_cannot_be_acknowledged(
    client, persona, kz_case, username,
):
    notice = notice_send(user=persona("kz-head"), case=kz_case, channel="phone",
                         to_agency=agency("kz-guardianship"))
    client.force_login(persona(username))
    assert notice.outgoing_number not in client.get(reverse("notifications:inbox")).content.decode()
    response = client.post(reverse("notifications:inbox_acknowledge", args=[notice.pk]))
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_the_ombudsman_office_sees_its_notice_but_cannot_open_the_case(client, persona, kz_case):
    notice = notice_send(user=persona("kz-head"), case=kz_case, channel="in_system", to_agency=agency("kz-bku"))
    client.force_login(persona("kz-ombudsman"))
    tr = row(client.get(reverse("notifications:inbox")).content.decode(), f"notice-{notice.pk}")
    assert kz_case.reference in tr and "href" not in tr.split("</td>")[0]
    assert case_page(client, kz_case).status_code == 404


def test_the_inbox_pages_by_cursor_without_count_or_offset(persona, kz_case):
    head, guardianship = persona("kz-head"), agency("kz-guardianship")
    sent = [notice_send(user=head, case=kz_case, channel="phone", to_agency=guardianship,
                        sent_at=kz_case.received_at + dt.timedelta(minutes=i)) for i in range(5)]
    qs = selectors.inbox_for_user(persona("kz-guardianship"))
    seen, cursor = [], None
    with CaptureQueriesContext(connection) as queries:
        while True:
            rows, cursor = selectors.inbox_page(qs, cursor=cursor, size=2)
            seen += rows
            if cursor is None:
                break
    assert [n.pk for n in seen] == [n.pk for n in reversed(sent)]
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "COUNT(" not in sql and "OFFSET" not in sql


# --- The bell and e-mail --------------------------------------------------------------------------


def test_the_bell_counts_unread_messages_and_opening_the_list_marks_them_read(client, persona, kz_case):
    notice = notice_send(user=persona("kz-head"), case=kz_case, channel="phone",
                         to_agency=agency("kz-guardianship"))
    client.force_login(persona("kz-guardianship"))
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert 'class="bell unread"' in html and '<span class="count">1</span>' in html

    html = client.get(reverse("notifications:bell")).content.decode()
    assert f"Case {kz_case.reference}: notice {notice.outgoing_number} received" in html
    assert reverse("cases:detail", args=[kz_case.pk]) in html
    assert not OutboxMessage.objects.filter(recipient=persona("kz-guardianship"), channel="in_app",
                                            read_at__isnull=True).exists()
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert '<span class="count">0</span>' in html


def test_the_bell_count_comes_with_the_navigation_in_one_query(persona, kz_case):
    from agencies.selectors import memberships_of
    from config.nav import nav_links

    notice_send(user=persona("kz-head"), case=kz_case, channel="phone", to_agency=agency("kz-guardianship"))
    officer = persona("kz-guardianship")
    memberships_of(officer)  # read by the time-zone middleware before any page renders
    with CaptureQueriesContext(connection) as queries:
        assert nav_links(officer).unread == 1
    assert len(queries.captured_queries) == 1
    assert nav_links(persona("kz-head")).unread == 0


def test_notices_and_emails_carry_no_personal_data(client, persona, kz_case, settings):
    settings.SITE_URL = "https://cases.example.kz"
    officer = persona("kz-guardianship")
    officer.email = "officer@guardianship.example.kz"
    officer.save(update_fields=["email"])
    client.force_login(persona("kz-head"))
    post_notice(client, kz_case, f"agency:{agency('kz-guardianship').pk}")
    mail.outbox.clear()

    outbox_deliver()

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["officer@guardianship.example.kz"]
    text = email.subject + "\n" + email.body
    assert kz_case.reference in email.subject and messages.case_link(kz_case) in email.body
    assert messages.case_link(kz_case).startswith("https://cases.example.kz/cases/")
    for personal in ["Ахметов", "Ерлан", "Сауле", "+7701", "Қонаев", "6А", "2013", "мазақ", "Сыныптастары"]:
        assert personal not in text
