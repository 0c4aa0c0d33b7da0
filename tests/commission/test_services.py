"""The commission's actions (UA III–IV) on the demo composition of UA school 1.

The demo composition has 9 members: ua-head (chair), ua-coordinator (deputy),
ua-secretary (secretary), ua-psychologist, ua-social-pedagogue, ua-teacher,
ua-teacher-2, ua-children-service, ua-social-centre. Quorum: 6; a decision: 5 for.
"""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from agencies.models import Membership, StaffRole
from commission import selectors, services
from commission.models import Meeting, MeetingStatus, Position as P, Speciality as S
from config.errors import InputError
from notifications.models import Deadline, DeadlineState

pytestmark = pytest.mark.django_db

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
QUORUM = ["ua-head", "ua-coordinator", "ua-secretary", "ua-psychologist", "ua-social-pedagogue", "ua-teacher"]
DEMO = [
    ("ua-head", P.CHAIR, S.HEAD), ("ua-coordinator", P.DEPUTY_CHAIR, S.TEACHER),
    ("ua-secretary", P.SECRETARY, S.TEACHER), ("ua-psychologist", P.MEMBER, S.PSYCHOLOGIST),
    ("ua-social-pedagogue", P.MEMBER, S.SOCIAL_PEDAGOGUE), ("ua-teacher", P.MEMBER, S.TEACHER),
    ("ua-teacher-2", P.MEMBER, S.TEACHER), ("ua-children-service", P.MEMBER, S.CHILDREN_SERVICE),
    ("ua-social-centre", P.MEMBER, S.SOCIAL_CENTRE),
]
TEXTS = {
    "needs_assessment": "Потерпілому — консультації психолога.",
    "causes_and_measures": "Конфлікт у класі; бесіди з учнями.",
    "class_measures": "Тренінг з протидії булінгу для 6-А.",
    "recommendations_teachers": "Стежити за перервами.",
    "recommendations_parents": "Бесіда вдома.",
}


def errors_of(call) -> dict:
    with pytest.raises(InputError) as info:
        call()
    return info.value.errors


def flat(errors: dict) -> str:
    return " ".join(str(m) for messages in errors.values() for m in messages)


@pytest.fixture
def ua_case(persona, file_case):
    return file_case(persona("ua-coordinator"), "ua-school-1", received_at=timezone.now() - dt.timedelta(minutes=5))


@pytest.fixture
def schedule(persona, school):
    """Schedule a meeting; by default in ten minutes (it can be opened at once), for which the
    notice by 18:00 of the day before is already late, so with the reason for the short notice."""
    def _schedule(cases, *, starts_at=None, by="ua-secretary", late_reason="",
                  short_notice_reason="Термінове засідання: загроза повторення."):
        return services.meeting_schedule(
            user=persona(by), school=school("ua-school-1"),
            starts_at=starts_at or timezone.now() + dt.timedelta(minutes=10), place="Кабінет 12",
            cases=list(cases), late_reason=late_reason, short_notice_reason=short_notice_reason)
    return _schedule


@pytest.fixture
def in_session(persona, schedule, ua_case):
    """A meeting on ua_case with the six-member quorum present and the session open."""
    def _open(present=QUORUM):
        meeting = schedule([ua_case])
        secretary = persona("ua-secretary")
        for name in present:
            services.attendance_mark(user=secretary, meeting=meeting, member=persona(name), present=True)
        return services.meeting_open(user=secretary, meeting=meeting)
    return _open


def confirmation(meeting):
    return meeting.agenda.get().questions.get(is_bullying_confirmation=True)


def cast(persona, question, votes: dict):
    for name, choice in votes.items():
        services.vote_cast(user=persona(name), question=question, choice=choice)


def members(persona, rows):
    return [(persona(name), position, speciality) for name, position, speciality in rows]


def deadline(case, code):
    return Deadline.objects.get(case=case, rule__code=code)


# --- Composition (UA III.1–III.3) ------------------------------------------------------------

def approve(persona, school, rows, **kw):
    return lambda: services.composition_approve(
        user=persona("ua-head"), school=school("ua-school-1"), order_number=kw.get("number", "20-од"),
        order_date=dt.date(2026, 1, 10), in_force_from=dt.date(2026, 1, 12), members=members(persona, rows))


@pytest.mark.parametrize("rows, message", [
    ([r for r in DEMO if r[0] != "ua-psychologist"] + [("ua-coordinator-2", P.MEMBER, S.TEACHER)],
     "must include the practical psychologist and the social pedagogue"),
    (DEMO[:7], "at least five members"),
    ([("ua-teacher-2", P.CHAIR, S.TEACHER)] + [r for r in DEMO[1:] if r[0] != "ua-teacher-2"]
     + [("ua-head", P.MEMBER, S.HEAD)], "The chair must be the school head"),
    ([r if r[0] != "ua-teacher" else ("ua-teacher", P.SECRETARY, S.TEACHER) for r in DEMO],
     "exactly one secretary"),
], ids=["no psychologist", "four members", "chair not head", "two secretaries"])
def test_an_invalid_composition_is_refused_with_a_clear_message(persona, school, rows, message):
    before = school("ua-school-1").commission.compositions.count()
    errors = errors_of(approve(persona, school, rows))
    assert message in flat(errors)
    assert school("ua-school-1").commission.compositions.count() == before


def test_only_the_head_approves_a_composition(persona, school):
    errors = errors_of(lambda: services.composition_approve(
        user=persona("ua-secretary"), school=school("ua-school-1"), order_number="1", order_date=dt.date(2026, 1, 1),
        in_force_from=dt.date(2026, 1, 1), members=members(persona, DEMO)))
    assert "Only the school head approves" in flat(errors)


def test_a_member_must_work_where_their_place_says(persona, school):
    rows = [r if r[0] != "ua-children-service" else ("ua-police", P.MEMBER, S.CHILDREN_SERVICE) for r in DEMO]
    message = flat(errors_of(approve(persona, school, rows)))
    # People by name, never by login (logins are credentials).
    assert "Дмитро Лисенко does not work where their place in the composition says" in message
    assert "ua-police" not in message


def test_a_new_composition_from_a_later_date_does_not_change_an_earlier_meeting(persona, school, schedule,
                                                                                  ua_case):
    earlier = schedule([ua_case])
    assert earlier.composition.members.count() == 9
    later_rows = [r for r in DEMO if r[0] != "ua-teacher-2"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    services.composition_approve(user=persona("ua-head"), school=school("ua-school-1"), order_number="31-од",
                                 order_date=timezone.localdate(), in_force_from=tomorrow + dt.timedelta(days=1),
                                 members=members(persona, later_rows))
    earlier.refresh_from_db()
    assert earlier.composition.order_number == "15-од" and earlier.composition.members.count() == 9
    assert selectors.quorum_state(earlier)["approved"] == 9
    # A meeting on the new composition's dates gets the new one.
    later = schedule([ua_case], starts_at=timezone.now() + dt.timedelta(days=3), late_reason="the new order")
    assert later.composition.order_number == "31-од"
    assert later.composition.members.count() == 8


def test_the_composition_is_chosen_by_the_schools_date_not_the_servers(persona, school, schedule, ua_case):
    """A meeting at 00:30 in Kyiv falls on the next day there while it is still yesterday in UTC."""
    kyiv_day = (timezone.now() + dt.timedelta(days=3)).astimezone(KYIV).date()
    services.composition_approve(user=persona("ua-head"), school=school("ua-school-1"), order_number="40-од",
                                 order_date=timezone.localdate(), in_force_from=kyiv_day,
                                 members=members(persona, [r for r in DEMO if r[0] != "ua-teacher-2"]))
    starts_at = dt.datetime.combine(kyiv_day, dt.time(0, 30), tzinfo=KYIV)
    with timezone.override(dt.timezone.utc):   # an API request is served in UTC
        meeting = schedule([ua_case], starts_at=starts_at, late_reason="after the deadline")
    assert meeting.composition.order_number == "40-од"


# --- Scheduling and notice (UA II.2, IV.6) ---------------------------------------------------

def test_scheduling_after_the_three_working_day_deadline_requires_a_reason(schedule, ua_case):
    late = timezone.now() + dt.timedelta(days=14)
    errors = errors_of(lambda: schedule([ua_case], starts_at=late))
    assert ua_case.reference in errors["late_reason"][0]
    assert not Meeting.objects.exists()
    meeting = schedule([ua_case], starts_at=late, late_reason="The psychologist is on sick leave.")
    assert meeting.late_reason == "The psychologist is on sick leave."
    # Within the deadline, no reason is asked.
    assert services.meeting_deadline_conflicts([ua_case], timezone.now() + dt.timedelta(hours=20)) == []


def test_only_the_secretary_or_the_head_schedules(persona, schedule, ua_case):
    errors = errors_of(lambda: schedule([ua_case], by="ua-psychologist"))
    assert "Only the commission's secretary or the school head" in flat(errors)


def test_scheduling_starts_the_notice_clock_at_18_the_day_before_and_sending_meets_it(
        persona, file_case, schedule):
    # A Monday, 09:00 in Kyiv, some weeks ahead (the demo composition is in force).
    day = timezone.localdate() + dt.timedelta(days=21)
    monday = day + dt.timedelta(days=(7 - day.weekday()) % 7)
    with time_machine.travel(dt.datetime.combine(monday, dt.time(9, 0), tzinfo=KYIV), tick=False):
        case = file_case(persona("ua-coordinator"), "ua-school-1", received_at=timezone.now())
        starts_at = dt.datetime.combine(monday + dt.timedelta(days=1), dt.time(14, 0), tzinfo=KYIV)
        meeting = schedule([case], starts_at=starts_at)
        notice = deadline(case, "ua.meeting_notice")
        assert notice.subject == str(meeting.pk)
        assert notice.due_at == dt.datetime.combine(monday, dt.time(18, 0), tzinfo=KYIV)
        assert notice.state == DeadlineState.PENDING
        services.meeting_send_notice(user=persona("ua-secretary"), meeting=meeting)
    notice.refresh_from_db()
    assert notice.state == DeadlineState.MET
    meeting.refresh_from_db()
    assert meeting.notice_sent_at is not None


# --- Quorum, votes (UA IV.5, IV.7) -----------------------------------------------------------

def test_opening_without_a_quorum_is_refused(persona, in_session):
    with pytest.raises(InputError) as info:
        in_session(present=QUORUM[:5])   # 5 of 9: two thirds is 6
    assert "There is no quorum" in flat(info.value.errors)
    meeting = Meeting.objects.get()
    assert meeting.status == MeetingStatus.SCHEDULED
    assert selectors.quorum_state(meeting) == {"approved": 9, "present": 5, "needed": 6, "has_quorum": False}


def test_the_commission_meeting_clock_is_met_when_the_session_opens(in_session, ua_case):
    assert deadline(ua_case, "ua.commission_meeting").state == DeadlineState.PENDING
    in_session()
    assert deadline(ua_case, "ua.commission_meeting").state == DeadlineState.MET


def test_only_members_present_vote(persona, in_session):
    question = confirmation(in_session())
    for outsider in ("ua-teacher-2", "ua-coordinator-2"):   # absent member; not a member at all
        errors = errors_of(lambda: services.vote_cast(user=persona(outsider), question=question, choice="for"))
        assert "Only members present at the meeting vote" in flat(errors)
    assert not question.votes.exists()
    errors = errors_of(lambda: services.vote_cast(user=persona("ua-teacher"), question=question, choice="maybe"))
    assert "choice" in errors


def test_closing_a_vote_counts_on_the_approved_composition(persona, in_session):
    """4 for and 2 against of 6 present is a majority of those present, not of the 9 approved."""
    question = confirmation(in_session())
    cast(persona, question, {"ua-head": "for", "ua-coordinator": "for", "ua-secretary": "for",
                             "ua-psychologist": "for", "ua-social-pedagogue": "against", "ua-teacher": "against"})
    outcome = services.question_close(user=persona("ua-secretary"), question=question)
    question.refresh_from_db()
    # Neither side has a majority of the approved composition: no decision reached (UA IV.7).
    assert (outcome.result, outcome.needed, question.passed) == ("no_decision", 5, None)
    # Closed once: the outcome cannot be recounted later.
    errors = errors_of(lambda: services.question_close(user=persona("ua-head"), question=question))
    assert "closed" in flat(errors)
    errors = errors_of(lambda: services.vote_cast(user=persona("ua-teacher"), question=question, choice="for"))
    assert "closed" in flat(errors)


def test_five_of_nine_pass_and_a_dissent_is_kept(persona, in_session):
    question = confirmation(in_session())
    cast(persona, question, {"ua-head": "for", "ua-coordinator": "for", "ua-secretary": "for",
                             "ua-psychologist": "for", "ua-social-pedagogue": "for"})
    services.vote_cast(user=persona("ua-teacher"), question=question, choice="against",
                       dissent="Фактів замало.")
    assert services.question_close(user=persona("ua-head"), question=question).passed
    assert question.votes.get(user=persona("ua-teacher")).dissent == "Фактів замало."


# --- Decision (UA IV.3, IV.11) ---------------------------------------------------------------

def test_a_confirmed_decision_needs_its_measures_and_meets_the_ten_day_clock(persona, in_session, ua_case):
    meeting = in_session()
    question = confirmation(meeting)
    cast(persona, question, {name: "for" for name in QUORUM})
    services.question_close(user=persona("ua-secretary"), question=question)
    item = meeting.agenda.get()
    errors = errors_of(lambda: services.decision_record(user=persona("ua-secretary"), agenda_item=item,
                                                        texts={}, monitoring=[]))
    assert set(errors) == {*services.DECISION_TEXT_FIELDS, "monitoring"}
    assert deadline(ua_case, "ua.case_decision").state == DeadlineState.PENDING

    monitoring = [{"description": "Щотижнева бесіда психолога", "owner": persona("ua-psychologist"),
                   "due_date": timezone.localdate() + dt.timedelta(days=30)}]
    errors = errors_of(lambda: services.decision_record(user=persona("ua-teacher"), agenda_item=item, texts=TEXTS,
                                                        monitoring=monitoring))
    assert "The chair or the secretary records the decision" in flat(errors)
    decision = services.decision_record(user=persona("ua-secretary"), agenda_item=item, texts=TEXTS,
                                        monitoring=monitoring)
    assert decision.bullying_confirmed and decision.monitoring.count() == 1
    assert deadline(ua_case, "ua.case_decision").state == DeadlineState.MET


def test_a_decision_not_confirming_needs_no_measures(persona, in_session):
    meeting = in_session()
    question = confirmation(meeting)
    cast(persona, question, {name: "against" for name in QUORUM})
    services.question_close(user=persona("ua-secretary"), question=question)
    decision = services.decision_record(user=persona("ua-head"), agenda_item=meeting.agenda.get(), texts={},
                                        monitoring=[])
    assert decision.bullying_confirmed is False


def test_the_minutes_are_formalised_by_the_head_and_then_communicated_by_the_chair(persona, in_session):
    meeting = in_session()
    errors = errors_of(lambda: services.minutes_formalise(user=persona("ua-head"), meeting=meeting,
                                                          order_number="7", order_date=timezone.localdate()))
    assert "Close the meeting first" in flat(errors)
    services.meeting_close(user=persona("ua-secretary"), meeting=meeting)
    assert "Formalise the minutes" in flat(errors_of(
        lambda: services.decision_communicate(user=persona("ua-head"), meeting=meeting)))
    assert "Only the school head" in flat(errors_of(lambda: services.minutes_formalise(
        user=persona("ua-secretary"), meeting=meeting, order_number="7", order_date=timezone.localdate())))
    services.minutes_formalise(user=persona("ua-head"), meeting=meeting, order_number="7-од",
                               order_date=timezone.localdate())
    meeting = services.decision_communicate(user=persona("ua-head"), meeting=meeting)
    assert meeting.minutes_order_number == "7-од" and meeting.decision_communicated_at


# --- Access to the materials (UA III.5, IV.9) ------------------------------------------------

def test_an_invited_persons_access_ends_when_the_meeting_closes(persona, in_session, ua_case):
    meeting = in_session()
    police = persona("ua-police")
    assert not police.has_perm("cases.view_case", ua_case)
    errors = errors_of(lambda: services.invitation_add(user=persona("ua-secretary"), meeting=meeting, case=ua_case,
                                                       invitee=police, consent_recorded=False))
    assert "consent" in errors["consent_recorded"][0]
    errors = errors_of(lambda: services.invitation_add(user=persona("ua-teacher"), meeting=meeting, case=ua_case,
                                                       invitee=police, consent_recorded=True))
    assert "Only the secretary, the chair or the head" in flat(errors)
    services.invitation_add(user=persona("ua-secretary"), meeting=meeting, case=ua_case, invitee=police,
                            consent_recorded=True)
    assert persona("ua-police").has_perm("cases.view_case", ua_case)
    services.meeting_close(user=persona("ua-secretary"), meeting=meeting)
    assert not persona("ua-police").has_perm("cases.view_case", ua_case)
    assert not persona("ua-police").has_perm("cases.view_case_identity", ua_case)


def test_a_filing_teacher_invited_keeps_their_report_after_the_meeting(persona, schedule, file_case, school):
    """The class teacher who filed the report is invited: closing the meeting ends the invitation,
    not the teacher's own access to their report."""
    teacher = persona("ua-coordinator-2")
    Membership.objects.create(user=teacher, agency=school("ua-school-1"), role=StaffRole.CLASS_TEACHER)
    case = file_case(teacher, "ua-school-1")
    assert teacher.has_perm("cases.view_case", case)
    meeting = schedule([case])
    services.invitation_add(user=persona("ua-secretary"), meeting=meeting, case=case, invitee=teacher,
                            consent_recorded=True)
    for name in QUORUM:
        services.attendance_mark(user=persona("ua-secretary"), meeting=meeting, member=persona(name), present=True)
    services.meeting_open(user=persona("ua-secretary"), meeting=meeting)
    services.meeting_close(user=persona("ua-secretary"), meeting=meeting)
    assert persona("ua-coordinator-2").has_perm("cases.view_case", case)


def test_members_see_the_agenda_cases_but_not_another_case_of_the_school(persona, file_case, schedule, ua_case):
    other = file_case(persona("ua-coordinator"), "ua-school-1")
    for name in ("ua-children-service", "ua-teacher", "ua-secretary"):
        assert not persona(name).has_perm("cases.view_case", ua_case)
    schedule([ua_case])
    for name in ("ua-children-service", "ua-teacher", "ua-secretary", "ua-social-centre"):
        assert persona(name).has_perm("cases.view_case", ua_case)
        assert not persona(name).has_perm("cases.view_case", other)
    assert not persona("ua-coordinator-2").has_perm("cases.view_case", ua_case)


# --- UA III.2: the children's service and the centre of social services ----------------------

@pytest.mark.parametrize("missing", ["ua-children-service", "ua-social-centre"])
def test_a_composition_without_the_childrens_service_or_the_social_centre_is_refused(persona, school, missing):
    rows = [r for r in DEMO if r[0] != missing] + [("ua-coordinator-2", P.MEMBER, S.TEACHER)]
    Membership.objects.create(user=persona("ua-coordinator-2"), agency=school("ua-school-1"), role=StaffRole.TEACHER)
    before = school("ua-school-1").commission.compositions.count()
    assert "representatives of the children's service and of the centre of social services" in flat(
        errors_of(approve(persona, school, rows)))
    assert school("ua-school-1").commission.compositions.count() == before
    # The school documents that they declined: approved, with the reason kept.
    composition = services.composition_approve(
        user=persona("ua-head"), school=school("ua-school-1"), order_number="21-од", order_date=dt.date(2026, 1, 10),
        in_force_from=dt.date(2026, 1, 12), members=members(persona, rows),
        outside_absence_reason="Лист служби від 05.01.2026 № 12: представника не делеговано.")
    assert composition.outside_absence_reason.startswith("Лист служби")


# --- UA IV.6: short notice; opening on time --------------------------------------------------

def test_a_meeting_too_soon_for_the_notice_by_18_the_day_before_needs_a_reason(persona, file_case, schedule):
    # Monday 19:00 in Kyiv: a meeting tomorrow can no longer be notified by 18:00 today.
    day = timezone.localdate() + dt.timedelta(days=21)
    monday = day + dt.timedelta(days=(7 - day.weekday()) % 7)
    with time_machine.travel(dt.datetime.combine(monday, dt.time(19, 0), tzinfo=KYIV), tick=False):
        case = file_case(persona("ua-coordinator"), "ua-school-1", received_at=timezone.now())
        tomorrow = dt.datetime.combine(monday + dt.timedelta(days=1), dt.time(14, 0), tzinfo=KYIV)
        errors = errors_of(lambda: schedule([case], starts_at=tomorrow, short_notice_reason=""))
        assert "18:00 of the day before" in errors["short_notice_reason"][0]
        assert not Meeting.objects.exists()
        meeting = schedule([case], starts_at=tomorrow, short_notice_reason="Повторний інцидент сьогодні.")
        assert meeting.short_notice_reason == "Повторний інцидент сьогодні."
        # The day after tomorrow is still in time: no reason asked.
        later = schedule([case], starts_at=tomorrow + dt.timedelta(days=1), short_notice_reason="")
        assert later.short_notice_reason == ""


def test_a_meeting_is_not_opened_before_its_time(persona, schedule, ua_case, settings):
    settings.COMMISSION_OPEN_GRACE_MINUTES = 15
    meeting = schedule([ua_case], starts_at=timezone.now() + dt.timedelta(hours=2))
    for name in QUORUM:
        services.attendance_mark(user=persona("ua-secretary"), meeting=meeting, member=persona(name), present=True)
    errors = errors_of(lambda: services.meeting_open(user=persona("ua-secretary"), meeting=meeting))
    assert "can be opened from 15 minutes before" in errors["starts_at"][0]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    with time_machine.travel(meeting.starts_at - dt.timedelta(minutes=14)):
        assert services.meeting_open(user=persona("ua-secretary"), meeting=meeting).status == MeetingStatus.OPEN


# --- UA IV.7: the negative needs a majority too ----------------------------------------------

def test_a_vote_without_a_majority_either_way_reaches_no_decision_and_is_put_again(persona, in_session):
    meeting = in_session()
    question = confirmation(meeting)
    cast(persona, question, {"ua-head": "for", "ua-coordinator": "for", "ua-secretary": "for",
                             "ua-psychologist": "against", "ua-social-pedagogue": "against", "ua-teacher": "against"})
    services.question_close(user=persona("ua-secretary"), question=question)
    question.refresh_from_db()
    assert question.closed_at is not None and question.passed is None
    item = meeting.agenda.get()
    # "No decision reached" is not "not confirmed": nothing can be recorded on it.
    errors = errors_of(lambda: services.decision_record(user=persona("ua-secretary"), agenda_item=item, texts={},
                                                        monitoring=[]))
    assert "reached no decision" in flat(errors)
    again = services.question_put_again(user=persona("ua-head"), agenda_item=item)
    assert again.is_bullying_confirmation and again.closed_at is None
    assert "only after a vote that reached no decision" in flat(errors_of(
        lambda: services.question_put_again(user=persona("ua-head"), agenda_item=item)))
    cast(persona, again, {name: "against" for name in QUORUM[:5]})
    assert services.question_close(user=persona("ua-secretary"), question=again).result == "rejected"
    decision = services.decision_record(user=persona("ua-secretary"), agenda_item=item, texts={}, monitoring=[])
    assert decision.bullying_confirmed is False


# --- UA IV.6: the applicant and interested persons are told too ------------------------------

def test_the_secretary_records_the_notice_to_the_applicant(persona, schedule, ua_case):
    from commission.models import MeetingNotice
    from privacy.models import AuditEvent

    meeting = schedule([ua_case])
    child = ua_case.parties.get(role="victim")
    parent = ua_case.parties.get(role="legal_representative")
    secretary = persona("ua-secretary")
    sent = timezone.now() - dt.timedelta(minutes=1)
    errors = errors_of(lambda: services.meeting_notice_record(user=secretary, meeting=meeting, case=ua_case,
                                                              party=child, channel="phone", sent_at=sent))
    assert "through their legal representative" in errors["party"][0]
    assert "Only the secretary" in flat(errors_of(lambda: services.meeting_notice_record(
        user=persona("ua-teacher"), meeting=meeting, case=ua_case, party=parent, channel="phone", sent_at=sent)))
    notice = services.meeting_notice_record(user=secretary, meeting=meeting, case=ua_case, party=parent,
                                            channel="phone", sent_at=sent)
    assert notice.recipient == "applicant"
    other = services.meeting_notice_record(user=secretary, meeting=meeting, case=ua_case,
                                           person=persona("ua-police"), channel="email", sent_at=sent)
    assert other.recipient == "interested"
    assert MeetingNotice.objects.filter(meeting=meeting).count() == 2
    event = AuditEvent.objects.filter(action="meeting_notice", detail__notice=notice.pk).get()
    assert event.detail == {"meeting": meeting.pk, "notice": notice.pk, "to": "applicant", "channel": "phone",
                            "party": str(parent.pk), "user": None}


# --- Every change of the commission is in the audit trail, by ids ----------------------------

def test_every_commission_action_writes_its_audit_event(persona, school, schedule, ua_case):
    from privacy.models import AuditEvent

    def actions_since(mark):
        return list(AuditEvent.objects.filter(pk__gt=mark).values_list("action", "case_id", "detail"))

    def last():
        return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    secretary, head = persona("ua-secretary"), persona("ua-head")
    mark = last()
    composition = services.composition_approve(user=head, school=school("ua-school-1"), order_number="50-од",
                                               order_date=dt.date(2026, 1, 10), in_force_from=dt.date(2026, 1, 12),
                                               members=members(persona, DEMO))
    [(action, case_id, detail)] = actions_since(mark)
    assert (action, case_id, detail["composition"]) == ("composition_approve", None, composition.pk)

    meeting = schedule([ua_case])
    steps = [
        ("meeting_notice", lambda: services.meeting_send_notice(user=secretary, meeting=meeting)),
        ("meeting_attendance", lambda: [services.attendance_mark(user=secretary, meeting=meeting,
                                                                 member=persona(n), present=n != "ua-head")
                                        for n in QUORUM + ["ua-teacher-2"]]),
        ("meeting_substitute", lambda: services.substitution_record(
            user=secretary, meeting=meeting, basis="deputy_for_chair", substitute=persona("ua-coordinator"))),
        ("meeting_open", lambda: services.meeting_open(user=secretary, meeting=meeting)),
        ("vote_cast", lambda: services.vote_cast(user=persona("ua-teacher"), question=confirmation(meeting),
                                                 choice="against")),
        ("meeting_close", lambda: services.meeting_close(user=secretary, meeting=meeting)),
        ("minutes_formalise", lambda: services.minutes_formalise(user=head, meeting=meeting, order_number="8-од",
                                                                 order_date=timezone.localdate())),
        ("decision_communicate", lambda: services.decision_communicate(user=persona("ua-coordinator"),
                                                                       meeting=meeting)),
    ]
    names = {u.get_full_name() for u in (secretary, head, persona("ua-coordinator"), persona("ua-teacher"))}
    for action, step in steps:
        mark = last()
        step()
        meeting.refresh_from_db()
        written = actions_since(mark)
        assert action in {a for a, _c, _d in written}, action
        for written_action, _c, detail in written:
            assert not any(name in str(detail) for name in names)   # ids, never names
            if written_action == action:
                assert detail["meeting"] == meeting.pk
    per_case = AuditEvent.objects.filter(case_id=ua_case.pk).values_list("action", flat=True)
    assert {"meeting_notice", "meeting_open", "vote_cast", "meeting_close", "minutes_formalise",
            "decision_communicate"} <= set(per_case)
