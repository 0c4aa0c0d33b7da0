"""The shipped KZ and UA protocols (SPEC §3–§5) and how their clocks behave."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from agencies.models import Agency
from agencies.services import membership_add
from cases.services import PartyInput, party_add
from config.errors import InputError
from notifications.models import (
    Deadline, DeadlineRule, DeadlineState, Escalation, Notice, OutboxMessage, OutgoingCounter,
)
from notifications.services.clocks import case_event_record, deadline_waive
from notifications.services.notices import notice_send
from notifications.services.sweep import deadlines_sweep
from privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

UTC = dt.timezone.utc
HOUR = 60

# --- The rules table ---------------------------------------------------------------------

# code: (clock, minutes | working days | cut-off, starts at, counts from, satisfied by, target kinds,
#        one per minor party, source)
SHIPPED = {
    "kz.guardianship_notice": ("elapsed", 1 * HOUR, "case_received", "case_received", "notice_sent",
                               ["guardianship"], False, "KZ §21"),
    "kz.committee_notice": ("elapsed", 1 * HOUR, "case_received", "case_received", "notice_sent",
                            ["child_rights_committee"], False, "KZ §25"),
    "kz.police_notice": ("elapsed", 1 * HOUR, "case_received", "case_received", "notice_sent",
                         ["police", "contact_centre_111"], False, "KZ §18.2, §26.1"),
    "kz.ombudsman_notice": ("elapsed", 1 * HOUR, "case_received", "case_received", "notice_sent",
                            ["national_ombudsman", "regional_ombudsman"], False, "KZ §18.3, §26.1"),
    "kz.authorities_notice": ("elapsed", 1 * HOUR, "case_received", "case_received", "notice_sent",
                              ["prosecutor", "education_authority", "health", "social_protection"], False,
                              "KZ §26.1"),
    "kz.minors_commission_notice": ("elapsed", 24 * HOUR, "case_received", "case_received", "notice_sent",
                                    ["minors_commission"], False, "KZ §24"),
    "kz.police_family_violence_notice": ("elapsed", 1 * HOUR, "police_notified_of_family_violence",
                                         "start_event", "notice_sent", ["guardianship", "mobile_group"], False,
                                         "KZ §19.5"),
    # KZ §18.2, §18.3: a case an agency (not a school) received; the intake agency notifies.
    "kz.intake_police_notice": ("elapsed", 1 * HOUR, "agency_intake", "case_received", "notice_sent",
                                ["police", "contact_centre_111"], False, "KZ §18.2, §20.2, §26.1"),
    "kz.intake_ombudsman_notice": ("elapsed", 1 * HOUR, "agency_intake", "case_received", "notice_sent",
                                   ["national_ombudsman", "regional_ombudsman", "child_rights_committee"], False,
                                   "KZ §18.3, §25, §26.1"),
    # KZ §45: 12 hours from the moment the information was received, once the case needs placement.
    "kz.placement_decision": ("elapsed", 12 * HOUR, "placement_flagged", "case_received",
                              "placement_decided", [], False, "KZ §45"),
    "kz.media_statement": ("elapsed", 3 * HOUR, "high_profile_confirmed", "start_event", "media_statement",
                           [], False, "KZ §32"),
    "kz.forensic_exam": ("elapsed", 3 * 24 * HOUR, "forensic_ordered", "start_event", "forensic_result",
                         [], False, "KZ §26.7"),
    "ua.police_notice": ("elapsed", 24 * HOUR, "case_received", "case_received", "notice_sent",
                         ["police"], False, "UA II.2"),
    "ua.parent_notice": ("elapsed", 24 * HOUR, "case_received", "case_received", "parent_notice_sent",
                         [], True, "UA II.2, I.6"),
    "ua.children_service_notice": ("elapsed", 24 * HOUR, "case_received", "case_received", "notice_sent",
                                   ["children_service"], False, "UA II.2"),
    "ua.social_centre_notice": ("elapsed", 24 * HOUR, "case_received", "case_received", "notice_sent",
                                ["social_services_centre"], False, "UA II.2"),
    "ua.commission_meeting": ("working_days", 3, "case_received", "case_received", "meeting_held",
                              [], False, "UA II.2"),
    "ua.meeting_notice": ("cutoff_day_before", dt.time(18, 0), "meeting_scheduled", "start_event",
                          "meeting_notice_sent", [], False, "UA IV.6"),
    "ua.case_decision": ("working_days", 10, "case_received", "case_received", "decision_recorded",
                         [], False, "UA IV.11"),
}


# What the law itself says of the term: "immediately" (KZ "дереу") or nothing at all leaves
# the duration to the protocol; the rest state their term.
IMMEDIATELY = {"kz.police_notice", "kz.ombudsman_notice", "kz.authorities_notice",
               "kz.police_family_violence_notice", "kz.intake_police_notice", "kz.intake_ombudsman_notice"}
NO_TERM_IN_LAW = {"kz.minors_commission_notice", "ua.children_service_notice", "ua.social_centre_notice"}


# The support plans' clocks (their due time is a date set on the plan; tests/support).
PLAN_RULES = {"kz.support_item", "ua.support_item", "kz.support_review", "ua.support_review"}


def test_exactly_the_nineteen_shipped_rules_exist():
    assert set(DeadlineRule.objects.values_list("code", flat=True)) == set(SHIPPED) | PLAN_RULES
    assert len(SHIPPED) == 19


@pytest.mark.parametrize("code", sorted(SHIPPED), ids=sorted(SHIPPED))
def test_what_the_law_says_of_each_term(code):
    rule = DeadlineRule.objects.get(code=code)
    expected = "immediately" if code in IMMEDIATELY else "unspecified" if code in NO_TERM_IN_LAW else "stated"
    assert rule.legal_term == expected
    # KZ §25: only the committee notice asks for a rapid channel.
    assert rule.allowed_channels == (["phone", "sms", "email", "rapid", "in_system"]
                                     if code == "kz.committee_notice" else [])


@pytest.mark.parametrize("code", sorted(SHIPPED), ids=sorted(SHIPPED))
def test_shipped_rule(code):
    clock, amount, start, anchor, satisfy, targets, per_minor, source = SHIPPED[code]
    rule = DeadlineRule.objects.select_related("jurisdiction").get(code=code)
    assert rule.jurisdiction.code == code.split(".")[0].upper()
    assert rule.clock == clock
    amount_field = {"elapsed": "duration_minutes", "working_days": "working_days",
                    "cutoff_day_before": "cutoff_time"}[clock]
    assert getattr(rule, amount_field) == amount
    assert [f for f in ("duration_minutes", "working_days", "cutoff_time")
            if getattr(rule, f) is not None] == [amount_field]
    assert (rule.start_event, rule.anchor, rule.satisfy_event) == (start, anchor, satisfy)
    assert rule.target_agency_kinds == targets
    assert rule.per_minor_party is per_minor
    assert rule.source == source
    assert rule.is_active
    assert rule.reminder_points == [0.5, 0.9]
    assert rule.escalation_ladder[0] == "responsible"
    assert set(rule.names) == {"en", "kk", "ru", "uk"} and all(rule.names.values())


# --- Helpers -------------------------------------------------------------------------------

ALMATY, KYIV = ZoneInfo("Asia/Almaty"), ZoneInfo("Europe/Kyiv")
KZ_RECEIVED = dt.datetime(2026, 2, 10, 9, tzinfo=ALMATY)   # Tuesday, 04:00 UTC
UA_RECEIVED = dt.datetime(2026, 2, 10, 9, tzinfo=KYIV)     # Tuesday, 07:00 UTC


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def kz_case(persona, file_case):
    with at(KZ_RECEIVED + dt.timedelta(minutes=1)):
        return file_case(persona("kz-coordinator"), "kz-school-1", received_at=KZ_RECEIVED,
                         incident_at=KZ_RECEIVED - dt.timedelta(hours=2))


@pytest.fixture
def ua_case(persona, file_case):
    with at(UA_RECEIVED + dt.timedelta(minutes=1)):
        return file_case(persona("ua-coordinator"), "ua-school-1", received_at=UA_RECEIVED,
                         incident_at=UA_RECEIVED - dt.timedelta(hours=2))


def deadline(case, code, **filters):
    return Deadline.objects.select_related("rule").get(case=case, rule__code=code, **filters)


def agency(code):
    return Agency.objects.get(code=code)


def recipients(escalation):
    return {m.recipient.username for m in OutboxMessage.objects.filter(escalation=escalation)}


# --- KZ §45 placement and KZ §32 media statement ----------------------------------------------

def test_placement_clock_exists_only_once_the_case_is_flagged(persona, kz_case):
    assert not Deadline.objects.filter(case=kz_case, rule__code="kz.placement_decision").exists()
    flagged_at = KZ_RECEIVED + dt.timedelta(hours=5)
    with at(flagged_at):
        case_event_record(user=persona("kz-head"), case=kz_case, event="placement_flagged")
        case_event_record(user=persona("kz-head"), case=kz_case, event="placement_flagged")  # idempotent
    placement = deadline(kz_case, "kz.placement_decision")
    # The clock runs from receipt, not from the flag: 12 h after 04:00 UTC.
    assert placement.started_at == KZ_RECEIVED
    assert placement.due_at == dt.datetime(2026, 2, 10, 16, tzinfo=UTC)
    assert Deadline.objects.filter(case=kz_case, rule__code="kz.placement_decision").count() == 1
    # Half time (6 h after receipt) has not passed at the flag: the first check is then.
    assert placement.next_check_at == KZ_RECEIVED + dt.timedelta(hours=6)

    with at(KZ_RECEIVED + dt.timedelta(hours=8)):
        case_event_record(user=persona("kz-minors-commission"), case=kz_case, event="placement_decided")
    placement.refresh_from_db()
    assert placement.state == DeadlineState.MET
    assert placement.met_at == KZ_RECEIVED + dt.timedelta(hours=8)


def test_a_placement_decided_after_twelve_hours_is_met_late(persona, kz_case):
    with at(KZ_RECEIVED + dt.timedelta(hours=5)):
        case_event_record(user=persona("kz-head"), case=kz_case, event="placement_flagged")
    with at(KZ_RECEIVED + dt.timedelta(hours=13)):
        deadlines_sweep()
        assert deadline(kz_case, "kz.placement_decision").state == DeadlineState.BREACHED
        case_event_record(user=persona("kz-minors-commission"), case=kz_case, event="placement_decided")
    assert deadline(kz_case, "kz.placement_decision").state == DeadlineState.MET_LATE


def test_media_statement_runs_three_hours_from_the_high_profile_confirmation(persona, kz_case):
    confirmed = KZ_RECEIVED + dt.timedelta(hours=2)
    with at(confirmed + dt.timedelta(minutes=30)):
        case_event_record(user=persona("kz-head"), case=kz_case, event="high_profile_confirmed", at=confirmed)
    media = deadline(kz_case, "kz.media_statement")
    assert media.started_at == confirmed
    assert media.due_at == dt.datetime(2026, 2, 10, 9, tzinfo=UTC)   # 04:00 + 2 h + 3 h
    with at(confirmed + dt.timedelta(hours=2)):
        case_event_record(user=persona("kz-head"), case=kz_case, event="media_statement")
    media.refresh_from_db()
    assert media.state == DeadlineState.MET


def test_an_event_time_cannot_be_in_the_future_or_before_receipt(persona, kz_case):
    with at(KZ_RECEIVED + dt.timedelta(hours=1)):
        for moment in (KZ_RECEIVED + dt.timedelta(hours=2), KZ_RECEIVED - dt.timedelta(minutes=1)):
            with pytest.raises(InputError) as error:
                case_event_record(user=persona("kz-head"), case=kz_case, event="placement_flagged", at=moment)
            assert "at" in error.value.errors
    assert not Deadline.objects.filter(case=kz_case, rule__code="kz.placement_decision").exists()


# --- UA II.2 parent notices: one per minor party -----------------------------------------------

def minor(role="victim", name="Коваленко"):
    return PartyInput(role=role, family_name=name, given_name="Олег", birth_date=dt.date(2014, 5, 1),
                      class_name="5Б")


def representative(name="Коваленко", *, perpetrator=False):
    return PartyInput(role="legal_representative", family_name=name, given_name="Ірина", is_minor=False,
                      is_alleged_perpetrator=perpetrator)


@pytest.mark.parametrize("role", ["victim", "initiator", "witness"])
def test_every_minor_party_gets_its_own_parent_notice_clock(persona, ua_case, role):
    first = deadline(ua_case, "ua.parent_notice")
    with at(UA_RECEIVED + dt.timedelta(hours=3)):
        second_minor = party_add(user=persona("ua-head"), case=ua_case, data=minor(role))
        # An adult witness has no parent to notify.
        party_add(user=persona("ua-head"), case=ua_case,
                  data=PartyInput(role="witness", family_name="Шевчук", given_name="Петро", is_minor=False))
    clocks = Deadline.objects.filter(case=ua_case, rule__code="ua.parent_notice")
    assert {d.party_id for d in clocks} == {first.party_id, second_minor.pk}
    # Both run from receipt (UA II.2), however late the party was added.
    assert {d.due_at for d in clocks} == {UA_RECEIVED + dt.timedelta(hours=24)}
    # Adding parties does not duplicate the case's other clocks.
    assert Deadline.objects.filter(case=ua_case, rule__code="ua.police_notice").count() == 1


def test_a_parent_notice_meets_only_the_clock_of_the_child_represented(persona, ua_case):
    head = persona("ua-head")
    first_victim = ua_case.parties.get(role="victim")
    first_parent = ua_case.parties.get(role="legal_representative")
    with at(UA_RECEIVED + dt.timedelta(hours=2)):
        second_victim = party_add(user=head, case=ua_case, data=minor())
        notice_send(user=head, case=ua_case, channel="phone", to_party=first_parent)
    assert deadline(ua_case, "ua.parent_notice", party=first_victim).state == DeadlineState.MET
    assert deadline(ua_case, "ua.parent_notice", party=second_victim).state == DeadlineState.PENDING

    with at(UA_RECEIVED + dt.timedelta(hours=4)):
        second_parent = party_add(user=head, case=ua_case, data=representative(), represents=second_victim)
        notice_send(user=head, case=ua_case, channel="paper", to_party=second_parent)
    second = deadline(ua_case, "ua.parent_notice", party=second_victim)
    assert second.state == DeadlineState.MET
    assert second.met_at == UA_RECEIVED + dt.timedelta(hours=4)


def test_a_parent_who_is_the_alleged_perpetrator_is_never_notified(persona, ua_case):
    head = persona("ua-head")
    with at(UA_RECEIVED + dt.timedelta(hours=2)):
        second_victim = party_add(user=head, case=ua_case, data=minor())
        stepfather = party_add(user=head, case=ua_case, data=representative("Бондар", perpetrator=True),
                               represents=second_victim)
        counters = list(OutgoingCounter.objects.values_list("agency_id", "year", "last_number"))
        audit_count = AuditEvent.objects.count()
        with pytest.raises(InputError) as error:
            notice_send(user=head, case=ua_case, channel="phone", to_party=stepfather)
    assert error.value.errors == {"to_party": ["This person is the alleged perpetrator and must not be notified."]}
    assert not Notice.objects.filter(case=ua_case).exists()
    assert list(OutgoingCounter.objects.values_list("agency_id", "year", "last_number")) == counters
    assert AuditEvent.objects.count() == audit_count
    assert deadline(ua_case, "ua.parent_notice", party=second_victim).state == DeadlineState.PENDING


def test_a_notice_to_a_representative_of_another_case_is_refused(persona, ua_case, file_case):
    with at(UA_RECEIVED + dt.timedelta(minutes=30)):
        other = file_case(persona("ua-coordinator"), "ua-school-1", received_at=UA_RECEIVED,
                          incident_at=UA_RECEIVED - dt.timedelta(hours=1))
        with pytest.raises(InputError) as error:
            notice_send(user=persona("ua-head"), case=ua_case, channel="phone",
                        to_party=other.parties.get(role="legal_representative"))
    assert "to_party" in error.value.errors
    assert deadline(ua_case, "ua.parent_notice").state == DeadlineState.PENDING


# --- KZ §18, §26.1: police AND the 111 centre --------------------------------------------------

def test_the_kz_police_notice_needs_both_police_and_the_111_centre(persona, kz_case):
    head = persona("kz-head")
    with at(KZ_RECEIVED + dt.timedelta(minutes=20)):
        notice_send(user=head, case=kz_case, channel="phone", to_agency=agency("kz-police"))
    assert deadline(kz_case, "kz.police_notice").state == DeadlineState.PENDING
    with at(KZ_RECEIVED + dt.timedelta(minutes=40)):
        notice_send(user=head, case=kz_case, channel="rapid", to_agency=agency("kz-111"))
    police = deadline(kz_case, "kz.police_notice")
    assert police.state == DeadlineState.MET
    assert police.met_at == KZ_RECEIVED + dt.timedelta(minutes=40)   # when the last of the two was told


def test_the_kz_ombudsman_notice_needs_the_national_and_the_regional_ombudsman(persona, kz_case):
    head = persona("kz-head")
    with at(KZ_RECEIVED + dt.timedelta(minutes=20)):
        notice_send(user=head, case=kz_case, channel="email", to_agency=agency("kz-bku"))
        assert deadline(kz_case, "kz.ombudsman_notice").state == DeadlineState.PENDING
        notice_send(user=head, case=kz_case, channel="email", to_agency=agency("kz-bkou"))
    assert deadline(kz_case, "kz.ombudsman_notice").state == DeadlineState.MET


# --- Reminders and escalation -----------------------------------------------------------------

@pytest.fixture
def akim(demo):
    user = get_user_model().objects.create_user("kz-akimat-officer", password="x")
    membership_add(user=user, agency=agency("kz-akimat"), role="officer")
    return user


def guardianship_escalations(case):
    return list(Escalation.objects.filter(deadline__case=case, deadline__rule__code="kz.guardianship_notice")
                .order_by("created_at", "step"))


def test_reminders_at_half_time_and_90_percent_then_the_breach_goes_up_the_ladder(kz_case, akim):
    # 1-hour clock: half time at 30 min, 90 % at 54 min, due at 60 min.
    with at(KZ_RECEIVED + dt.timedelta(minutes=29)):
        deadlines_sweep()
    assert guardianship_escalations(kz_case) == []

    with at(KZ_RECEIVED + dt.timedelta(minutes=30)):
        deadlines_sweep()
        deadlines_sweep()
    [first] = guardianship_escalations(kz_case)
    assert (first.kind, first.step) == ("reminder", 1)
    # the responsible people: the head and the school's protection coordinator (KZ §5)
    assert recipients(first) == {"kz-head", "kz-coordinator"}

    with at(KZ_RECEIVED + dt.timedelta(minutes=54)):
        deadlines_sweep()
    first_again, second = guardianship_escalations(kz_case)
    assert (second.kind, second.step) == ("reminder", 2)
    assert recipients(second) == {"kz-head", "kz-coordinator"}

    with at(KZ_RECEIVED + dt.timedelta(minutes=60)):
        deadlines_sweep()
        assert deadlines_sweep() == 0
    *_, breach = guardianship_escalations(kz_case)
    assert (breach.kind, breach.step) == ("breach", 0)
    # school head (responsible and agency head), the school's coordinator (KZ §5), the regional
    # ombudsman, the akimat's staff; not the national ombudsman, not another school's coordinator,
    # not another region's or country's staff.
    assert recipients(breach) == {"kz-head", "kz-coordinator", "kz-regional-ombudsman", "kz-akimat", "kz-akimat-officer"}
    assert deadline(kz_case, "kz.guardianship_notice").state == DeadlineState.BREACHED
    assert len(guardianship_escalations(kz_case)) == 3
    assert AuditEvent.objects.filter(action="deadline_breach", case_id=kz_case.pk,
                                     detail__rule="kz.guardianship_notice").count() == 1


def test_a_late_sweep_sends_one_reminder_not_two(kz_case):
    with at(KZ_RECEIVED + dt.timedelta(minutes=55)):
        deadlines_sweep()
    [reminder] = guardianship_escalations(kz_case)
    assert (reminder.kind, reminder.step) == ("reminder", 2)
    assert deadline(kz_case, "kz.guardianship_notice").next_check_at == KZ_RECEIVED + dt.timedelta(hours=1)


def test_the_ua_breach_ladder_has_no_ombudsman(persona, ua_case):
    with at(UA_RECEIVED + dt.timedelta(hours=25)):
        deadlines_sweep()
    breach = Escalation.objects.get(deadline__case=ua_case, deadline__rule__code="ua.police_notice",
                                    kind="breach")
    assert recipients(breach) == {"ua-head", "ua-coordinator"}


def test_a_notice_after_the_breach_is_met_late(persona, kz_case):
    with at(KZ_RECEIVED + dt.timedelta(minutes=61)):
        deadlines_sweep()
    with at(KZ_RECEIVED + dt.timedelta(minutes=70)):
        notice_send(user=persona("kz-head"), case=kz_case, channel="phone", to_agency=agency("kz-guardianship"))
    late = deadline(kz_case, "kz.guardianship_notice")
    assert late.state == DeadlineState.MET_LATE
    assert late.met_at == KZ_RECEIVED + dt.timedelta(minutes=70)


def test_a_late_notice_before_any_sweep_is_met_late_and_never_escalated(persona, kz_case):
    with at(KZ_RECEIVED + dt.timedelta(minutes=70)):
        notice_send(user=persona("kz-head"), case=kz_case, channel="phone", to_agency=agency("kz-guardianship"))
        deadlines_sweep()
    assert deadline(kz_case, "kz.guardianship_notice").state == DeadlineState.MET_LATE
    assert not Escalation.objects.filter(deadline__rule__code="kz.guardianship_notice",
                                         deadline__case=kz_case, kind="breach").exists()


def test_a_notice_backdated_to_before_the_due_time_is_met_on_time(persona, kz_case):
    with at(KZ_RECEIVED + dt.timedelta(minutes=70)):
        notice_send(user=persona("kz-head"), case=kz_case, channel="phone",
                    to_agency=agency("kz-guardianship"), sent_at=KZ_RECEIVED + dt.timedelta(minutes=45))
    assert deadline(kz_case, "kz.guardianship_notice").state == DeadlineState.MET


# --- Waiving ---------------------------------------------------------------------------------

def test_waiving_needs_a_reason_and_the_school_head_and_is_audited(persona, kz_case):
    target = deadline(kz_case, "kz.committee_notice")
    with pytest.raises(InputError) as error:
        deadline_waive(user=persona("kz-coordinator"), deadline=target, reason="Duplicate report")
    assert "__all__" in error.value.errors
    with pytest.raises(InputError) as error:
        deadline_waive(user=persona("kz-head"), deadline=target, reason="   ")
    assert "reason" in error.value.errors
    assert deadline(kz_case, "kz.committee_notice").state == DeadlineState.PENDING
    assert not AuditEvent.objects.filter(action="deadline_waive").exists()

    waived = deadline_waive(user=persona("kz-head"), deadline=target, reason=" Duplicate report ")
    assert (waived.state, waived.waived_reason, waived.waived_by) == (
        DeadlineState.WAIVED, "Duplicate report", persona("kz-head"))
    event = AuditEvent.objects.get(action="deadline_waive", case_id=kz_case.pk)
    assert event.actor == persona("kz-head") and event.detail == {"rule": "kz.committee_notice"}

    with pytest.raises(InputError):   # already closed
        deadline_waive(user=persona("kz-head"), deadline=target, reason="Again")
    with at(KZ_RECEIVED + dt.timedelta(hours=2)):
        deadlines_sweep()
    assert deadline(kz_case, "kz.committee_notice").state == DeadlineState.WAIVED
    assert not Escalation.objects.filter(deadline=target, kind="breach").exists()


def test_another_schools_head_cannot_waive(persona, ua_case):
    with pytest.raises(InputError):
        deadline_waive(user=persona("kz-head"), deadline=deadline(ua_case, "ua.police_notice"), reason="x")
    assert deadline(ua_case, "ua.police_notice").state == DeadlineState.PENDING


# --- Outgoing numbers (KZ §23): the school's register runs by its local year ----------------------

def test_a_notice_sent_after_local_midnight_on_new_year_is_numbered_in_the_new_year(persona, file_case):
    received = dt.datetime(2025, 12, 31, 23, 40, tzinfo=ALMATY)
    sent = dt.datetime(2026, 1, 1, 0, 20, tzinfo=ALMATY)   # 2025-12-31 19:20 UTC
    with at(received + dt.timedelta(minutes=1)):
        case = file_case(persona("kz-coordinator"), "kz-school-1", received_at=received,
                         incident_at=received - dt.timedelta(hours=1))
    with at(sent):
        notice = notice_send(user=persona("kz-head"), case=case, channel="phone",
                             to_agency=agency("kz-guardianship"), sent_at=sent.astimezone(UTC))
    assert notice.outgoing_number == "KZ-SCHOOL-1/2026/0001"
