"""The admin edits protocols and decrees safely, and shows clocks and notices without personal data."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from agencies.models import Agency, Jurisdiction
from notifications.models import CalendarOverride, Deadline, DeadlineRule
from notifications.services.notices import notice_send
from privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

KYIV = ZoneInfo("Europe/Kyiv")
UTC = dt.timezone.utc
RECEIVED = dt.datetime(2026, 3, 13, 17, tzinfo=KYIV)   # Friday
MONDAY = dt.datetime(2026, 3, 16, 9, tzinfo=KYIV)


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("protocol-admin", "admin@example.org", "x")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def ua_case(persona, file_case):
    with time_machine.travel(RECEIVED + dt.timedelta(minutes=5), tick=False):
        return file_case(persona("ua-coordinator"), "ua-school-1", received_at=RECEIVED,
                         incident_at=RECEIVED - dt.timedelta(hours=2))


def meeting_due(case):
    return Deadline.objects.get(case=case, rule__code="ua.commission_meeting").due_at


# --- Calendar overrides go through the services ----------------------------------------------

def test_adding_a_decree_in_the_admin_recomputes_a_pending_deadline(admin_client, ua_case):
    assert meeting_due(ua_case) == dt.datetime(2026, 3, 18, 21, 59, 59, 999999, tzinfo=UTC)
    with time_machine.travel(MONDAY, tick=False):
        response = admin_client.post(reverse("admin:notifications_calendaroverride_add"), {
            "jurisdiction": Jurisdiction.objects.get(code="UA").pk, "date": "2026-03-17",
            "kind": "holiday", "source": "Cabinet resolution No. 1 (test)",
        })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarOverride.objects.filter(date=dt.date(2026, 3, 17), kind="holiday").count() == 1
    assert meeting_due(ua_case) == dt.datetime(2026, 3, 19, 21, 59, 59, 999999, tzinfo=UTC)
    shift = AuditEvent.objects.get(action="deadline_shift", case_id=ua_case.pk,
                                   detail__rule="ua.commission_meeting")
    assert shift.actor == admin_client.user


def test_changing_a_decree_kind_in_the_admin_recomputes(admin_client, ua_case):
    with time_machine.travel(MONDAY, tick=False):
        admin_client.post(reverse("admin:notifications_calendaroverride_add"), {
            "jurisdiction": Jurisdiction.objects.get(code="UA").pk, "date": "2026-03-17",
            "kind": "holiday", "source": "test"})
        override = CalendarOverride.objects.get()
        response = admin_client.post(
            reverse("admin:notifications_calendaroverride_change", args=[override.pk]),
            {"kind": "working_day", "source": "test, corrected"})
    assert response.status_code == 302, response.content.decode()[:2000]
    override.refresh_from_db()
    assert (override.date, override.kind, override.source) == (dt.date(2026, 3, 17), "working_day",
                                                               "test, corrected")
    assert meeting_due(ua_case) == dt.datetime(2026, 3, 18, 21, 59, 59, 999999, tzinfo=UTC)


def test_deleting_a_decree_in_the_admin_recomputes(admin_client, ua_case):
    with time_machine.travel(MONDAY, tick=False):
        admin_client.post(reverse("admin:notifications_calendaroverride_add"), {
            "jurisdiction": Jurisdiction.objects.get(code="UA").pk, "date": "2026-03-17",
            "kind": "holiday", "source": "test"})
        override = CalendarOverride.objects.get()
        response = admin_client.post(
            reverse("admin:notifications_calendaroverride_delete", args=[override.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarOverride.objects.exists()
    assert meeting_due(ua_case) == dt.datetime(2026, 3, 18, 21, 59, 59, 999999, tzinfo=UTC)
    assert AuditEvent.objects.filter(action="deadline_shift", case_id=ua_case.pk,
                                     detail__rule="ua.commission_meeting").count() == 2


def test_bulk_deleting_decrees_in_the_admin_recomputes(admin_client, ua_case):
    ua = Jurisdiction.objects.get(code="UA")
    with time_machine.travel(MONDAY, tick=False):
        for day in ("2026-03-17", "2026-03-18"):
            admin_client.post(reverse("admin:notifications_calendaroverride_add"), {
                "jurisdiction": ua.pk, "date": day, "kind": "holiday", "source": "test"})
        assert meeting_due(ua_case) == dt.datetime(2026, 3, 20, 21, 59, 59, 999999, tzinfo=UTC)
        response = admin_client.post(reverse("admin:notifications_calendaroverride_changelist"), {
            "action": "delete_selected", "post": "yes",
            "_selected_action": list(CalendarOverride.objects.values_list("pk", flat=True)),
        })
    assert response.status_code == 302
    assert not CalendarOverride.objects.exists()
    assert meeting_due(ua_case) == dt.datetime(2026, 3, 18, 21, 59, 59, 999999, tzinfo=UTC)


def test_a_decree_date_cannot_be_moved_in_place(admin_client):
    override = CalendarOverride.objects.create(jurisdiction=Jurisdiction.objects.get(code="UA"),
                                               date=dt.date(2026, 3, 17), kind="holiday", source="test")
    response = admin_client.get(reverse("admin:notifications_calendaroverride_change", args=[override.pk]))
    assert response.status_code == 200
    assert 'name="date"' not in response.content.decode()


# --- Deadline rules are editable data ---------------------------------------------------------

def rule_post(**overrides):
    data = {
        "jurisdiction": Jurisdiction.objects.get(code="UA").pk, "code": "ua-test-rule",
        "names": '{"en": "Test rule", "uk": "Тестове правило"}', "source": "UA test",
        "start_event": "case_received", "anchor": "case_received", "satisfy_event": "notice_sent",
        "target_agency_kinds": '["police"]', "clock": "elapsed", "duration_minutes": "120",
        "working_days": "", "cutoff_time": "", "responsible_agency_kind": "school",
        "responsible_role": "head", "reminder_points": "[0.5]", "escalation_ladder": '["responsible"]',
        "legal_term": "stated", "allowed_channels": "[]", "is_active": "on",
    }
    data.update(overrides)
    return data


def test_the_rule_list_shows_jurisdiction_code_clock_and_source(admin_client):
    response = admin_client.get(reverse("admin:notifications_deadlinerule_changelist"))
    body = response.content.decode()
    assert response.status_code == 200
    for code in ("kz.guardianship_notice", "ua.commission_meeting", "UA IV.11", "KZ §45"):
        assert code in body


def test_a_rule_can_be_added_and_edited(admin_client):
    response = admin_client.post(reverse("admin:notifications_deadlinerule_add"), rule_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    rule = DeadlineRule.objects.get(code="ua-test-rule")
    assert (rule.clock, rule.duration_minutes, rule.target_agency_kinds) == ("elapsed", 120, ["police"])
    change = reverse("admin:notifications_deadlinerule_change", args=[rule.pk])
    data = rule_post(clock="working_days", duration_minutes="120", working_days="5")
    del data["jurisdiction"], data["code"]
    response = admin_client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rule.refresh_from_db()
    # The other clock's value is cleared, so the list never shows two durations.
    assert (rule.clock, rule.working_days, rule.duration_minutes) == ("working_days", 5, None)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"clock": "elapsed", "duration_minutes": ""}, "duration_minutes"),
    ({"clock": "working_days", "working_days": "0"}, "working_days"),
    ({"clock": "cutoff_day_before"}, "cutoff_time"),
    ({"clock": "cutoff_day_before", "cutoff_time": "18:00"}, "start_event"),
    ({"target_agency_kinds": "[]"}, "target_agency_kinds"),
    ({"target_agency_kinds": '["sheriff"]'}, "target_agency_kinds"),
    ({"reminder_points": "[1.5]"}, "reminder_points"),
    ({"escalation_ladder": '["president"]'}, "escalation_ladder"),
    ({"names": '["Test"]'}, "names"),
    ({"satisfy_event": "parent_notice_sent"}, "per_minor_party"),
    ({"allowed_channels": '["pigeon"]'}, "allowed_channels"),
    ({"clock": "given_date"}, "clock"),
    ({"start_event": "plan_item_added", "satisfy_event": "plan_item_done", "target_agency_kinds": "[]"}, "clock"),
], ids=["elapsed-without-duration", "zero-working-days", "cutoff-without-time", "cutoff-without-meeting",
        "notice-without-targets", "unknown-agency-kind", "reminder-after-due", "unknown-ladder-step",
        "names-not-per-language", "parent-notice-not-per-minor", "unknown-channel",
        "given-date-outside-a-plan", "plan-item-on-another-clock"])
def test_a_rule_that_could_not_run_is_refused(admin_client, overrides, field):
    response = admin_client.post(reverse("admin:notifications_deadlinerule_add"), rule_post(**overrides))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not DeadlineRule.objects.filter(code="ua-test-rule").exists()


def test_a_rule_code_and_jurisdiction_are_fixed_once_created(admin_client):
    rule = DeadlineRule.objects.get(code="ua.case_decision")
    response = admin_client.get(reverse("admin:notifications_deadlinerule_change", args=[rule.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="code"' not in body and 'name="jurisdiction"' not in body
    assert 'name="working_days"' in body


# --- Deadlines and notices: read-only, no personal data -----------------------------------------

def test_deadlines_and_notices_are_listed_by_reference_without_names(admin_client, persona, ua_case):
    representative = ua_case.parties.get(role="legal_representative")
    with time_machine.travel(RECEIVED + dt.timedelta(hours=1), tick=False):
        notice_send(user=persona("ua-head"), case=ua_case, channel="phone",
                    to_agency=Agency.objects.get(code="ua-police"))
        notice_send(user=persona("ua-head"), case=ua_case, channel="phone", to_party=representative)
    names = ["Ахметов", "Ерлан", "Сауле", "+7701", "Абай"]

    deadlines = admin_client.get(reverse("admin:notifications_deadline_changelist"))
    body = deadlines.content.decode()
    assert deadlines.status_code == 200
    assert ua_case.reference in body and "ua.commission_meeting" in body
    assert not [n for n in names if n in body]

    deadline = Deadline.objects.filter(case=ua_case, party__isnull=False).first()
    detail = admin_client.get(reverse("admin:notifications_deadline_change", args=[deadline.pk]))
    assert detail.status_code == 200
    assert ua_case.reference in detail.content.decode()
    assert not [n for n in names if n in detail.content.decode()]

    notices = admin_client.get(reverse("admin:notifications_notice_changelist"))
    body = notices.content.decode()
    assert notices.status_code == 200
    assert "UA-SCHOOL-1/2026/0001" in body and "UA-SCHOOL-1/2026/0002" in body
    assert Agency.objects.get(code="ua-police").name in body
    assert not [n for n in names if n in body]


@pytest.mark.parametrize("model", ["deadline", "notice"])
def test_deadlines_and_notices_cannot_be_added_changed_or_deleted(admin_client, ua_case, model):
    assert admin_client.get(reverse(f"admin:notifications_{model}_add")).status_code == 403
    deadline = Deadline.objects.filter(case=ua_case).first()
    if model == "deadline":
        url = reverse("admin:notifications_deadline_delete", args=[deadline.pk])
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
        assert Deadline.objects.filter(pk=deadline.pk).exists()


@pytest.mark.parametrize("url", [
    "admin:notifications_deadlinerule_changelist", "admin:notifications_deadlinerule_add",
    "admin:notifications_calendaroverride_changelist", "admin:notifications_calendaroverride_add",
    "admin:notifications_deadline_changelist", "admin:notifications_notice_changelist",
])
def test_admin_pages_open(admin_client, ua_case, url):
    assert admin_client.get(reverse(url)).status_code == 200


@pytest.mark.parametrize("code", sorted([
    "kz.guardianship_notice", "kz.committee_notice", "kz.police_notice", "kz.ombudsman_notice",
    "kz.authorities_notice", "kz.minors_commission_notice", "kz.police_family_violence_notice",
    "kz.placement_decision", "kz.media_statement", "kz.forensic_exam", "ua.police_notice", "ua.parent_notice",
    "ua.children_service_notice", "ua.social_centre_notice", "ua.commission_meeting", "ua.meeting_notice",
    "ua.case_decision", "kz.support_item", "ua.support_item", "kz.support_review", "ua.support_review"]))
def test_every_shipped_rule_saves_unchanged_through_the_admin_form(admin_client, code):
    rule = DeadlineRule.objects.get(code=code)
    before = DeadlineRule.objects.filter(pk=rule.pk).values().get()
    data = {
        "names": json.dumps(rule.names), "source": rule.source, "start_event": rule.start_event,
        "anchor": rule.anchor, "satisfy_event": rule.satisfy_event,
        "target_agency_kinds": json.dumps(rule.target_agency_kinds), "clock": rule.clock,
        "duration_minutes": rule.duration_minutes or "", "working_days": rule.working_days or "",
        "cutoff_time": rule.cutoff_time.strftime("%H:%M") if rule.cutoff_time else "",
        "responsible_agency_kind": rule.responsible_agency_kind, "responsible_role": rule.responsible_role,
        "reminder_points": json.dumps(rule.reminder_points), "escalation_ladder": json.dumps(rule.escalation_ladder),
        "legal_term": rule.legal_term, "allowed_channels": json.dumps(rule.allowed_channels),
        **({"per_minor_party": "on"} if rule.per_minor_party else {}), "is_active": "on",
    }
    response = admin_client.post(reverse("admin:notifications_deadlinerule_change", args=[rule.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert DeadlineRule.objects.filter(pk=rule.pk).values().get() == before
