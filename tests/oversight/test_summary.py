"""The daily summary to the ombudsman offices (KZ §19.6; issue #10 item 5).

Each country's summary of the previous local day goes out once its local morning hour
has passed — once, however often the beat runs, across restarts and from two workers at
the same moment — to every member of the country's ombudsman offices, in the system
and by e-mail; its figures are counts with small cells suppressed, and nothing
personal is in the stored figures, the messages or the e-mails.
"""

import datetime as dt
import json
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from agencies.models import Agency, Jurisdiction
from cases.services import PartyInput, case_register
from notifications import messages
from notifications.models import OutboxMessage
from notifications.services.notices import notice_send
from notifications.services.outbox import outbox_deliver
from oversight.models import DailySummary
from oversight.summary import (
    daily_summaries_run, daily_summary_send, summary_figures, summary_lines, summary_recipients,
)
from privacy.models import AuditAction, AuditEvent

CANARY_FAMILY, CANARY_GIVEN = "Зкканарейкин", "Канарейка"
CANARY_BORN = dt.date(2013, 5, 2)
CANARY_IIN = "130502500127"
CANARY_TEXT = "Канарейка сыныптасының ұялы телефонын алды"


def jurisdiction(code):
    return Jurisdiction.objects.get(code=code)


def local_moment(code, day, hour, minute=0):
    return jurisdiction(code).at(day, dt.time(hour, minute))


def file_kz(user, *, received_at, kinds=("bullying",), school="kz-school-1"):
    return case_register(
        user=user, school=Agency.objects.get(code=school), received_at=received_at,
        incident_at=received_at - dt.timedelta(hours=2), channel="self_report", kinds=list(kinds),
        forms=["psychological"], places=["classroom"], description=CANARY_TEXT,
        parties=[PartyInput(role="victim", family_name=CANARY_FAMILY, given_name=CANARY_GIVEN,
                            birth_date=CANARY_BORN, identity_number=CANARY_IIN, class_name="7Б"),
                 PartyInput(role="legal_representative", family_name=CANARY_FAMILY, given_name="Сауле",
                            is_minor=False, represents_index=0, phone="+77010000002")])


DAY = dt.date(2026, 3, 10)  # a Tuesday
NEXT = DAY + dt.timedelta(days=1)


def summaries(code):
    return DailySummary.objects.filter(jurisdiction__code=code)


@pytest.mark.django_db
def test_each_country_gets_its_summary_once_its_local_morning_has_come(demo):
    kz_morning = local_moment("KZ", NEXT, 9)
    # At nine in Almaty it is still early morning in Kyiv: only KZ's summary of DAY is due.
    assert jurisdiction("UA").local(kz_morning).hour < 8
    with time_machine.travel(local_moment("KZ", NEXT, 7, 59), tick=False):
        assert daily_summaries_run() == []
    with time_machine.travel(kz_morning, tick=False):
        sent = daily_summaries_run()
        assert [(s.jurisdiction.code, s.day) for s in sent] == [("KZ", DAY)]
        # The beat runs again (every few minutes) and after a restart: nothing more.
        assert daily_summaries_run() == [] and daily_summaries_run() == []
    kz_messages = OutboxMessage.objects.filter(subject_key=messages.DAILY_SUMMARY).count()
    with time_machine.travel(local_moment("UA", NEXT, 8, 5), tick=False):
        sent = daily_summaries_run()
        assert [(s.jurisdiction.code, s.day) for s in sent] == [("UA", DAY)]
        assert daily_summaries_run() == []
    assert summaries("KZ").count() == 1 and summaries("UA").count() == 1
    assert OutboxMessage.objects.filter(subject_key=messages.DAILY_SUMMARY).count() > kz_messages
    # The next morning brings the next day's summary, once.
    with time_machine.travel(local_moment("KZ", NEXT + dt.timedelta(days=1), 10), tick=False):
        assert [s.day for s in daily_summaries_run()] == [NEXT]
        assert daily_summaries_run() == []
    assert summaries("KZ").count() == 2
    events = AuditEvent.objects.filter(action=AuditAction.DAILY_SUMMARY)
    assert sorted(e.detail["jurisdiction"] for e in events) == ["KZ", "KZ", "UA"]


@pytest.mark.django_db
def test_every_member_of_the_ombudsman_offices_is_told_in_the_system_and_by_email(demo, persona):
    ombudsmen = ["kz-ombudsman", "kz-regional-ombudsman", "kz-regional-ombudsman-2"]
    for username in ombudsmen:
        user = persona(username)
        user.email = f"{username}@ombudsman.example"
        user.save(update_fields=["email"])
    with time_machine.travel(local_moment("KZ", NEXT, 9), tick=False):
        summary = daily_summaries_run()[0]
    recipients = {m.recipient.username for m in OutboxMessage.objects.filter(subject_key=messages.DAILY_SUMMARY)}
    assert set(ombudsmen) <= recipients
    assert "kz-head" not in recipients and "ua-ombudsman" not in recipients
    rows = OutboxMessage.objects.filter(subject_key=messages.DAILY_SUMMARY)
    assert rows.filter(channel="in_app").count() == len(summary_recipients(summary.jurisdiction))
    assert rows.filter(channel="email").count() == len(ombudsmen)
    outbox_deliver()
    outbox_deliver()  # a second delivery sends nothing twice
    sent = [m for m in mail.outbox if m.to[0].endswith("@ombudsman.example")]
    assert sorted(m.to[0].split("@")[0] for m in sent) == sorted(ombudsmen)
    assert "/dashboards/" in sent[0].body


def _two_at_once(target):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_the_same_moment_send_one_summary(demo):
    moment = local_moment("KZ", NEXT, 9)

    def beat():
        with time_machine.travel(moment, tick=False):
            return [s.pk for s in daily_summaries_run()]

    results, errors = _two_at_once(beat)
    assert errors == []
    assert sorted(len(r) for r in results) == [0, 1]
    assert summaries("KZ").count() == 1
    recipients = summary_recipients(jurisdiction("KZ"))
    in_app = OutboxMessage.objects.filter(subject_key=messages.DAILY_SUMMARY, channel="in_app")
    assert in_app.count() == len(recipients)
    assert AuditEvent.objects.filter(action=AuditAction.DAILY_SUMMARY).count() == 1


@pytest.mark.django_db
def test_the_figures_count_the_day_and_hide_small_cells(demo, persona):
    coordinator = persona("kz-coordinator")
    with time_machine.travel(local_moment("KZ", DAY, 18), tick=False):
        cases = []
        for hour in (9, 10, 11, 12, 13, 14):
            cases.append(file_kz(coordinator, received_at=local_moment("KZ", DAY, hour),
                                 kinds=("bullying",) if hour < 12 else ("bullying", "violence")))
        # The day before and the day after do not count.
        file_kz(coordinator, received_at=local_moment("KZ", DAY, 0) - dt.timedelta(minutes=1))
        for case in cases[:2]:  # KZ §18.3: the police and the 111 centre, within the hour
            for code in ("kz-police", "kz-111"):
                notice_send(user=coordinator, case=case, channel="phone", to_agency=Agency.objects.get(code=code),
                            sent_at=case.received_at + dt.timedelta(minutes=20))
    figures = summary_figures(jurisdiction("KZ"), DAY)
    reports = figures["new_reports"]
    assert reports["total"] == {"value": 6, "suppressed": False, "display": "6"}
    kinds = {row["key"]: row for row in reports["by_kind"]}
    assert kinds["bullying"]["value"] == 6
    assert kinds["violence"] == {"key": "violence", "value": None, "suppressed": True, "display": "<5"}
    assert kinds["cyberbullying"]["value"] == 0
    regions = {row["name"]: row for row in reports["by_region"]}
    assert regions["Алматы облысы"]["value"] == 6
    assert regions["Астана қаласы"]["value"] == 0
    clocks = {row["rule"]: row for row in figures["clocks"]["rules"]}
    # Two police clocks met within the hour: fewer than five, so hidden.
    assert clocks["kz.police_notice"]["met"] == {"value": None, "suppressed": True, "display": "<5"}
    # No hidden count is stored as its number.
    assert '"value": 2' not in json.dumps(figures) and '"value": 1,' not in json.dumps(figures)


@pytest.mark.django_db
def test_a_region_alone_below_the_threshold_is_hidden_with_its_complement(demo, persona):
    with time_machine.travel(local_moment("KZ", DAY, 18), tick=False):
        for hour in range(8, 14):
            file_kz(persona("kz-coordinator"), received_at=local_moment("KZ", DAY, hour))
        filer = _astana_filer()
        for hour in (9, 10):
            file_kz(filer, received_at=local_moment("KZ", DAY, hour), school="kz-ast-school-1")
    regions = {row["name"]: row for row in summary_figures(jurisdiction("KZ"), DAY)["new_reports"]["by_region"]}
    assert regions["Астана қаласы"]["display"] == "<5"
    # Total 8 is shown: Алматы's 6 would give Астана's 2 away, so it is hidden too.
    assert regions["Алматы облысы"]["suppressed"] and regions["Алматы облысы"]["value"] is None


def _astana_filer():
    from django.contrib.auth import get_user_model

    from agencies.models import StaffRole
    from agencies.services import membership_add

    user = get_user_model().objects.create(username="ast-coordinator", first_name="Ай", last_name="Ерлан")
    membership_add(user=user, agency=Agency.objects.get(code="kz-ast-school-1"), role=StaffRole.COORDINATOR)
    return user


@pytest.mark.django_db
def test_nothing_personal_in_the_figures_the_messages_or_the_mail(demo, persona):
    ombudsman = persona("kz-ombudsman")
    ombudsman.email = "bku@ombudsman.example"
    ombudsman.save(update_fields=["email"])
    coordinator = persona("kz-coordinator")
    with time_machine.travel(local_moment("KZ", DAY, 18), tick=False):
        for hour in range(8, 15):
            file_kz(coordinator, received_at=local_moment("KZ", DAY, hour))
    with time_machine.travel(local_moment("KZ", NEXT, 9), tick=False):
        summary = daily_summary_send(jurisdiction=jurisdiction("KZ"), day=DAY)
        outbox_deliver()
    stored = json.dumps(summary.figures, ensure_ascii=False)
    assert summary.figures["new_reports"]["total"]["value"] == 7
    message = OutboxMessage.objects.get(subject_key=messages.DAILY_SUMMARY, recipient=ombudsman, channel="in_app")
    subject, body = messages.render(message)
    assert "7" in body and "/dashboards/" in body
    email = next(m for m in mail.outbox if m.to == ["bku@ombudsman.example"])
    bell = Client()
    bell.force_login(ombudsman)
    page = bell.get(reverse("notifications:bell")).content.decode()
    assert messages.headline(message) in page
    assert summary_lines(summary)[0] in page  # the figures under the headline, in the bell
    for text in (stored, json.dumps(message.params), subject, body, email.subject, email.body, page):
        for canary in (CANARY_FAMILY, CANARY_GIVEN, CANARY_IIN, CANARY_TEXT, "2013-05-02", "02.05.2013",
                       "+77010000002"):
            assert canary not in text
