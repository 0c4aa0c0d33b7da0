"""When clocks fall due: working days, elapsed hours and cut-offs in real time zones (DESIGN §3).

Every expectation is an exact UTC instant. The public calendars are the
``holidays`` package's (version pinned in requirements.txt); the days it gives
for the dates used here were printed from it, not guessed:

KZ 2025 (Asia/Almaty, UTC+5):
    2025-01-01 Wed New Year's Day
    2025-01-02 Thu New Year's Day
    2025-01-03 Fri Day off (substituted from 01/05/2025)  -> Sunday 5 Jan 2025 is a working day
    2025-01-07 Tue Orthodox Christmas
KZ 2026:
    2026-03-21 Sat Nowruz Holiday
    2026-03-22 Sun Nowruz Holiday
    2026-03-23 Mon Nowruz Holiday
    2026-03-24 Tue Nowruz Holiday (observed)
    2026-03-25 Wed Nowruz Holiday (observed)
    -> after Friday 20 March the working days are Thu 26, Fri 27, Mon 30 March.
UA (Europe/Kyiv, EET UTC+2 / EEST UTC+3; summer time 29 Mar 03:00 -> 25 Oct 2026 04:00):
    no public holidays while martial law suspends them: only weekends are days off.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import pytest
import time_machine

from agencies.models import Jurisdiction
from notifications.calendar import WorkingCalendar, due_at_for
from notifications.models import CalendarOverride, Deadline, DeadlineRule, DeadlineState
from notifications.services.clocks import (
    calendar_override_delete, calendar_override_save, deadline_waive, deadlines_satisfy, deadlines_start,
)
from privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

KYIV, ALMATY = ZoneInfo("Europe/Kyiv"), ZoneInfo("Asia/Almaty")
UTC = dt.timezone.utc


def kyiv(*args):
    return dt.datetime(*args, tzinfo=KYIV)


def almaty(*args):
    return dt.datetime(*args, tzinfo=ALMATY)


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


def rule(clock, **fields):
    return DeadlineRule(clock=clock, **fields)


def calendar_of(code):
    return WorkingCalendar(Jurisdiction.objects.get(code=code))


# --- The public calendar the tables rely on ------------------------------------------------

def test_the_public_calendars_are_the_ones_this_file_was_written_against():
    kz = holidays.country_holidays("KZ", years=[2025, 2026])
    assert sorted(d for d in kz if dt.date(2026, 3, 20) <= d <= dt.date(2026, 3, 31)) == [
        dt.date(2026, 3, 21), dt.date(2026, 3, 22), dt.date(2026, 3, 23), dt.date(2026, 3, 24),
        dt.date(2026, 3, 25)]
    assert dt.date(2025, 1, 3) in kz and kz.is_working_day(dt.date(2025, 1, 5))
    assert not holidays.country_holidays("UA", years=[2025, 2026])  # martial law


@pytest.mark.parametrize(("code", "day", "working"), [
    ("KZ", dt.date(2025, 1, 3), False),    # Friday, day off substituted from Sunday 5 Jan
    ("KZ", dt.date(2025, 1, 4), False),    # Saturday
    ("KZ", dt.date(2025, 1, 5), True),     # Sunday, transferred working day
    ("KZ", dt.date(2025, 1, 7), False),    # Orthodox Christmas
    ("KZ", dt.date(2026, 3, 20), True),    # Friday before Nauryz
    ("KZ", dt.date(2026, 3, 24), False),   # Nauryz (observed)
    ("KZ", dt.date(2026, 3, 26), True),
    ("UA", dt.date(2026, 1, 1), True),     # New Year: suspended under martial law
    ("UA", dt.date(2026, 1, 7), True),
    ("UA", dt.date(2026, 3, 14), False),   # Saturday
    ("UA", dt.date(2026, 3, 15), False),   # Sunday
], ids=["kz-substituted-friday-off", "kz-saturday", "kz-working-sunday", "kz-orthodox-christmas",
        "kz-nauryz-eve", "kz-nauryz-observed", "kz-after-nauryz", "ua-new-year-martial-law",
        "ua-christmas-martial-law", "ua-saturday", "ua-sunday"])
def test_is_working_day(code, day, working):
    assert calendar_of(code).is_working_day(day) is working


# --- Clocks computed by the calendar ----------------------------------------------------------

CLOCK_CASES = [
    # id, jurisdiction, rule, start, due (exact UTC)
    ("ua-friday-17h-3-working-days-ends-wednesday", "UA", rule("working_days", working_days=3),
     kyiv(2026, 3, 13, 17), utc(2026, 3, 18, 21, 59, 59, 999999)),
    ("ua-friday-17h-10-working-days-ends-second-friday", "UA", rule("working_days", working_days=10),
     kyiv(2026, 3, 13, 17), utc(2026, 3, 27, 21, 59, 59, 999999)),
    ("ua-friday-17h-10-working-days-ends-in-summer-time", "UA", rule("working_days", working_days=10),
     kyiv(2026, 3, 20, 17), utc(2026, 4, 3, 20, 59, 59, 999999)),
    ("ua-friday-17h-3-working-days-over-the-dst-weekend", "UA", rule("working_days", working_days=3),
     kyiv(2026, 3, 27, 17), utc(2026, 4, 1, 20, 59, 59, 999999)),
    ("ua-saturday-report-counts-from-monday", "UA", rule("working_days", working_days=3),
     kyiv(2026, 3, 14, 11), utc(2026, 3, 18, 21, 59, 59, 999999)),
    # 22:30 UTC on Thursday is 00:30 on Friday in Kyiv: the local day of receipt is Friday.
    ("ua-utc-thursday-night-is-kyiv-friday", "UA", rule("working_days", working_days=3),
     utc(2026, 3, 12, 22, 30), utc(2026, 3, 18, 21, 59, 59, 999999)),
    ("ua-new-year-is-a-working-day-under-martial-law", "UA", rule("working_days", working_days=1),
     kyiv(2025, 12, 31, 10), utc(2026, 1, 1, 21, 59, 59, 999999)),
    ("kz-eve-of-nauryz-1-working-day-is-thursday-26", "KZ", rule("working_days", working_days=1),
     almaty(2026, 3, 20, 17), utc(2026, 3, 26, 18, 59, 59, 999999)),
    ("kz-eve-of-nauryz-3-working-days-is-monday-30", "KZ", rule("working_days", working_days=3),
     almaty(2026, 3, 20, 17), utc(2026, 3, 30, 18, 59, 59, 999999)),
    ("kz-substituted-friday-then-working-sunday-5-jan", "KZ", rule("working_days", working_days=1),
     almaty(2025, 1, 3, 10), utc(2025, 1, 5, 18, 59, 59, 999999)),
    ("kz-working-sunday-monday-skip-christmas-wednesday", "KZ", rule("working_days", working_days=3),
     almaty(2025, 1, 3, 10), utc(2025, 1, 8, 18, 59, 59, 999999)),
    ("kz-new-year-report-first-working-day-is-sunday-5-jan", "KZ", rule("working_days", working_days=1),
     almaty(2025, 1, 1, 9), utc(2025, 1, 5, 18, 59, 59, 999999)),
    ("ua-24h-across-spring-dst-is-13h-local", "UA", rule("elapsed", duration_minutes=24 * 60),
     kyiv(2026, 3, 28, 12), utc(2026, 3, 29, 10)),
    ("ua-24h-across-autumn-dst-is-11h-local", "UA", rule("elapsed", duration_minutes=24 * 60),
     kyiv(2026, 10, 24, 12), utc(2026, 10, 25, 9)),
    ("kz-1h", "KZ", rule("elapsed", duration_minutes=60), almaty(2026, 3, 20, 17), utc(2026, 3, 20, 13)),
    ("kz-12h-over-midnight-and-a-holiday", "KZ", rule("elapsed", duration_minutes=12 * 60),
     almaty(2026, 3, 20, 17), utc(2026, 3, 21, 0)),
    ("ua-meeting-wednesday-cutoff-tuesday-18h", "UA", rule("cutoff_day_before", cutoff_time=dt.time(18)),
     kyiv(2026, 3, 18, 10), utc(2026, 3, 17, 16)),
    ("ua-meeting-monday-cutoff-sunday-18h", "UA", rule("cutoff_day_before", cutoff_time=dt.time(18)),
     kyiv(2026, 3, 23, 10), utc(2026, 3, 22, 16)),
    ("ua-meeting-monday-cutoff-on-the-dst-sunday", "UA", rule("cutoff_day_before", cutoff_time=dt.time(18)),
     kyiv(2026, 3, 30, 9), utc(2026, 3, 29, 15)),
    # 01:00 on Monday in Kyiv is still Sunday in UTC: the day before is the local Sunday.
    ("ua-meeting-monday-1am-local-cutoff-sunday", "UA", rule("cutoff_day_before", cutoff_time=dt.time(18)),
     kyiv(2026, 3, 23, 1), utc(2026, 3, 22, 16)),
]


@pytest.mark.parametrize(("code", "clock_rule", "start", "due"), [c[1:] for c in CLOCK_CASES],
                         ids=[c[0] for c in CLOCK_CASES])
def test_due_at_for(code, clock_rule, start, due):
    result = due_at_for(clock_rule, start=start, calendar=calendar_of(code))
    assert result == due
    assert result.utcoffset() == dt.timedelta(0)


def test_end_of_a_working_day_clock_is_the_last_microsecond_of_the_local_day():
    due = due_at_for(rule("working_days", working_days=3), start=kyiv(2026, 3, 13, 17),
                     calendar=calendar_of("UA"))
    assert due.astimezone(KYIV).replace(tzinfo=None) == dt.datetime(2026, 3, 18, 23, 59, 59, 999999)
    assert due + dt.timedelta(microseconds=1) == kyiv(2026, 3, 19, 0)


def test_a_working_day_clock_needs_at_least_one_day():
    with pytest.raises(ValueError):
        due_at_for(rule("working_days", working_days=0), start=kyiv(2026, 3, 13, 17),
                   calendar=calendar_of("UA"))


OVERRIDE_CASES = [
    # id, override (jurisdiction, date, kind), clock jurisdiction, working days, start, due
    ("ua-decree-makes-tuesday-a-holiday", ("UA", dt.date(2026, 3, 17), "holiday"), "UA", 3,
     kyiv(2026, 3, 13, 17), utc(2026, 3, 19, 21, 59, 59, 999999)),
    ("ua-decree-makes-saturday-a-working-day", ("UA", dt.date(2026, 3, 14), "working_day"), "UA", 3,
     kyiv(2026, 3, 13, 17), utc(2026, 3, 17, 21, 59, 59, 999999)),
    ("ua-decree-after-the-window-changes-nothing", ("UA", dt.date(2026, 3, 25), "holiday"), "UA", 3,
     kyiv(2026, 3, 13, 17), utc(2026, 3, 18, 21, 59, 59, 999999)),
    ("kz-decree-makes-an-observed-nauryz-day-working", ("KZ", dt.date(2026, 3, 24), "working_day"), "KZ", 1,
     almaty(2026, 3, 20, 17), utc(2026, 3, 24, 18, 59, 59, 999999)),
    ("kz-decree-cancels-the-working-sunday", ("KZ", dt.date(2025, 1, 5), "holiday"), "KZ", 1,
     almaty(2025, 1, 3, 10), utc(2025, 1, 6, 18, 59, 59, 999999)),
    ("another-countrys-decree-is-ignored", ("KZ", dt.date(2026, 3, 17), "holiday"), "UA", 3,
     kyiv(2026, 3, 13, 17), utc(2026, 3, 18, 21, 59, 59, 999999)),
]


@pytest.mark.parametrize(("override", "code", "days", "start", "due"), [c[1:] for c in OVERRIDE_CASES],
                         ids=[c[0] for c in OVERRIDE_CASES])
def test_decree_overrides_change_the_count(override, code, days, start, due):
    jurisdiction, day, kind = override
    CalendarOverride.objects.create(jurisdiction=Jurisdiction.objects.get(code=jurisdiction), date=day,
                                    kind=kind, source="Decree No. 1 (test)")
    assert due_at_for(rule("working_days", working_days=days), start=start, calendar=calendar_of(code)) == due


# --- Deadlines opened by real cases ----------------------------------------------------------

@pytest.fixture
def kz_working_day_rule(db):
    """The shipped KZ protocol has no working-day clock; a test rule is data like any other."""
    return DeadlineRule.objects.create(
        jurisdiction=Jurisdiction.objects.get(code="KZ"), code="kz.test_three_working_days",
        names={"en": "Test: three working days"}, source="test", start_event="case_received",
        anchor="case_received", satisfy_event="meeting_held", clock="working_days", working_days=3,
        responsible_agency_kind="school", responsible_role="head", reminder_points=[0.5, 0.9],
        escalation_ladder=["responsible"])


@pytest.fixture
def file_case_at(persona, file_case):
    """file_case_at(received_at, school="ua-school-1") -> a case filed a few minutes after receipt."""

    def _file(received_at, school="ua-school-1", filed_after=dt.timedelta(minutes=5)):
        user = persona("ua-coordinator" if school.startswith("ua") else "kz-coordinator")
        with time_machine.travel(received_at + filed_after, tick=False):
            return file_case(user, school, received_at=received_at,
                             incident_at=received_at - dt.timedelta(hours=3))

    return _file


def due_by_code(case):
    return {d.rule.code: d.due_at for d in Deadline.objects.filter(case=case).select_related("rule")}


UA_24H = ("ua.police_notice", "ua.parent_notice", "ua.children_service_notice", "ua.social_centre_notice")
CASE_CASES = [
    ("ua-friday-17h", "ua-school-1", kyiv(2026, 3, 13, 17), {
        **dict.fromkeys(UA_24H, utc(2026, 3, 14, 15)),
        "ua.commission_meeting": utc(2026, 3, 18, 21, 59, 59, 999999),   # Wednesday
        "ua.case_decision": utc(2026, 3, 27, 21, 59, 59, 999999),        # the second Friday after
    }),
    ("ua-saturday-noon-before-the-dst-change", "ua-school-1", kyiv(2026, 3, 28, 12), {
        **dict.fromkeys(UA_24H, utc(2026, 3, 29, 10)),                    # 13:00 summer time
        "ua.commission_meeting": utc(2026, 4, 1, 20, 59, 59, 999999),
        "ua.case_decision": utc(2026, 4, 10, 20, 59, 59, 999999),
    }),
    ("kz-eve-of-nauryz", "kz-school-1", almaty(2026, 3, 20, 17), {
        **dict.fromkeys(["kz.guardianship_notice", "kz.committee_notice", "kz.police_notice",
                         "kz.ombudsman_notice", "kz.authorities_notice"], utc(2026, 3, 20, 13)),
        "kz.minors_commission_notice": utc(2026, 3, 21, 12),
        "kz.test_three_working_days": utc(2026, 3, 30, 18, 59, 59, 999999),
    }),
    ("kz-substituted-friday-3-jan-2025", "kz-school-1", almaty(2025, 1, 3, 10), {
        **dict.fromkeys(["kz.guardianship_notice", "kz.committee_notice", "kz.police_notice",
                         "kz.ombudsman_notice", "kz.authorities_notice"], utc(2025, 1, 3, 6)),
        "kz.minors_commission_notice": utc(2025, 1, 4, 5),
        # Sunday 5 (working), Monday 6, (Tuesday 7 Christmas), Wednesday 8.
        "kz.test_three_working_days": utc(2025, 1, 8, 18, 59, 59, 999999),
    }),
]


@pytest.mark.parametrize(("school", "received_at", "expected"), [c[1:] for c in CASE_CASES],
                         ids=[c[0] for c in CASE_CASES])
def test_a_filed_case_opens_its_clocks_at_exact_instants(kz_working_day_rule, file_case_at, school,
                                                        received_at, expected):
    case = file_case_at(received_at, school)
    assert due_by_code(case) == expected


def test_reminder_times_are_real_time_across_the_dst_change(file_case_at):
    # Filed 13 hours after a Saturday-noon report: half time (22:00 UTC) has passed, so the next
    # check is at 90 % of 24 real hours, 21 h 36 min after 10:00 UTC — not an hour earlier.
    case = file_case_at(kyiv(2026, 3, 28, 12), filed_after=dt.timedelta(hours=13))
    police = Deadline.objects.get(case=case, rule__code="ua.police_notice")
    assert police.started_at == utc(2026, 3, 28, 10)
    assert police.next_check_at == utc(2026, 3, 29, 7, 36)


def test_a_fresh_24h_clock_is_first_checked_at_half_time(file_case_at):
    case = file_case_at(kyiv(2026, 3, 28, 12))
    police = Deadline.objects.get(case=case, rule__code="ua.police_notice")
    assert police.next_check_at == utc(2026, 3, 28, 22)


MEETING_CASES = [
    # id, scheduled at, meeting at, due
    ("meeting-wednesday-cutoff-tuesday-18h", kyiv(2026, 3, 16, 9), kyiv(2026, 3, 18, 10), utc(2026, 3, 17, 16)),
    ("meeting-monday-cutoff-sunday-18h", kyiv(2026, 3, 19, 12), kyiv(2026, 3, 23, 10), utc(2026, 3, 22, 16)),
    ("meeting-monday-after-dst-cutoff-sunday-18h-summer-time", kyiv(2026, 3, 27, 12), kyiv(2026, 3, 30, 9),
     utc(2026, 3, 29, 15)),
]


@pytest.mark.parametrize(("scheduled_at", "meeting_at", "due"), [c[1:] for c in MEETING_CASES],
                         ids=[c[0] for c in MEETING_CASES])
def test_the_meeting_notice_cutoff_is_18h_local_the_day_before(file_case_at, scheduled_at, meeting_at, due):
    case = file_case_at(kyiv(2026, 3, 13, 10))
    with time_machine.travel(scheduled_at, tick=False):
        deadlines_start(case=case, event="meeting_scheduled", at=scheduled_at, anchor_at=meeting_at,
                        subject="meeting-1")
    notice = Deadline.objects.get(case=case, rule__code="ua.meeting_notice")
    assert notice.due_at == due
    assert notice.anchor_at == meeting_at
    assert notice.started_at == scheduled_at
    assert notice.subject == "meeting-1"


# --- A decree recomputes open deadlines --------------------------------------------------------

UA_RECEIVED = kyiv(2026, 3, 13, 17)   # Friday
MONDAY_MORNING = kyiv(2026, 3, 16, 9)


def shifts_of(case):
    return list(AuditEvent.objects.filter(action="deadline_shift", case_id=case.pk).order_by("id"))


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("calendar-admin", "admin@example.org", "x")


def test_a_holiday_in_the_window_moves_the_working_day_clocks_and_is_logged(file_case_at, admin_user):
    case = file_case_at(UA_RECEIVED)
    before = due_by_code(case)
    with time_machine.travel(MONDAY_MORNING, tick=False):
        calendar_override_save(jurisdiction=case.jurisdiction, date=dt.date(2026, 3, 17), kind="holiday",
                               source="Cabinet resolution (test)", by=admin_user)
    after = due_by_code(case)
    # Wednesday 18 -> Thursday 19; Friday 27 -> Monday 30 (summer time by then: UTC+3).
    assert after["ua.commission_meeting"] == utc(2026, 3, 19, 21, 59, 59, 999999)
    assert after["ua.case_decision"] == utc(2026, 3, 30, 20, 59, 59, 999999)
    # Elapsed clocks are real time: a holiday does not move them.
    assert {c: after[c] for c in UA_24H} == {c: before[c] for c in UA_24H}

    shifts = shifts_of(case)
    assert sorted(e.detail["rule"] for e in shifts) == ["ua.case_decision", "ua.commission_meeting"]
    meeting = next(e for e in shifts if e.detail["rule"] == "ua.commission_meeting")
    assert meeting.actor == admin_user
    assert dt.datetime.fromisoformat(meeting.detail["from"]) == utc(2026, 3, 18, 21, 59, 59, 999999)
    assert dt.datetime.fromisoformat(meeting.detail["to"]) == utc(2026, 3, 19, 21, 59, 59, 999999)


def test_the_next_check_follows_the_moved_due_time(file_case_at):
    case = file_case_at(UA_RECEIVED)
    with time_machine.travel(MONDAY_MORNING, tick=False):
        calendar_override_save(jurisdiction=case.jurisdiction, date=dt.date(2026, 3, 17), kind="holiday",
                               source="test")
    meeting = Deadline.objects.get(case=case, rule__code="ua.commission_meeting")
    # Half of the new span (Friday 15:00 UTC -> Thursday 21:59:59.999999 UTC) is after Monday 07:00 UTC.
    assert meeting.next_check_at == meeting.started_at + (meeting.due_at - meeting.started_at) / 2
    assert meeting.next_check_at > MONDAY_MORNING


def test_met_and_waived_deadlines_stay_where_they_were(persona, file_case_at):
    open_case = file_case_at(UA_RECEIVED)
    closed_case = file_case_at(UA_RECEIVED)
    with time_machine.travel(MONDAY_MORNING, tick=False):
        deadlines_satisfy(case=closed_case, event="meeting_held", at=MONDAY_MORNING)
        decision = Deadline.objects.get(case=closed_case, rule__code="ua.case_decision")
        deadline_waive(user=persona("ua-head"), deadline=decision, reason="Report withdrawn (test)")
        before = due_by_code(closed_case)
        calendar_override_save(jurisdiction=closed_case.jurisdiction, date=dt.date(2026, 3, 17),
                               kind="holiday", source="test")
    assert due_by_code(closed_case) == before
    states = {d.rule.code: d.state for d in Deadline.objects.filter(case=closed_case).select_related("rule")}
    assert states["ua.commission_meeting"] == DeadlineState.MET
    assert states["ua.case_decision"] == DeadlineState.WAIVED
    assert shifts_of(closed_case) == []
    assert len(shifts_of(open_case)) == 2


def test_deleting_the_decree_moves_the_clocks_back(file_case_at):
    case = file_case_at(UA_RECEIVED)
    original = due_by_code(case)
    with time_machine.travel(MONDAY_MORNING, tick=False):
        override = calendar_override_save(jurisdiction=case.jurisdiction, date=dt.date(2026, 3, 17),
                                          kind="holiday", source="test")
        calendar_override_delete(override=override)
    assert due_by_code(case) == original
    assert not CalendarOverride.objects.exists()
    assert len(shifts_of(case)) == 4  # two moves forward, two back


def test_a_working_saturday_brings_the_clocks_forward(file_case_at):
    case = file_case_at(UA_RECEIVED)
    with time_machine.travel(kyiv(2026, 3, 13, 18), tick=False):
        calendar_override_save(jurisdiction=case.jurisdiction, date=dt.date(2026, 3, 14), kind="working_day",
                               source="test")
    due = due_by_code(case)
    assert due["ua.commission_meeting"] == utc(2026, 3, 17, 21, 59, 59, 999999)   # Tuesday
    assert due["ua.case_decision"] == utc(2026, 3, 26, 21, 59, 59, 999999)        # Thursday


def test_a_decree_elsewhere_leaves_the_case_alone(file_case_at):
    case = file_case_at(UA_RECEIVED)
    before = due_by_code(case)
    with time_machine.travel(MONDAY_MORNING, tick=False):
        calendar_override_save(jurisdiction=Jurisdiction.objects.get(code="KZ"), date=dt.date(2026, 3, 17),
                               kind="holiday", source="test")
    assert due_by_code(case) == before
    assert shifts_of(case) == []


def test_a_rule_edit_does_not_reach_running_clocks_through_a_later_decree(file_case_at):
    """Rule edits apply to clocks started afterwards; a decree moves a running clock only by its own effect."""
    case = file_case_at(UA_RECEIVED)
    DeadlineRule.objects.filter(code="ua.commission_meeting").update(working_days=5)
    with time_machine.travel(MONDAY_MORNING, tick=False):
        calendar_override_save(jurisdiction=case.jurisdiction, date=dt.date(2026, 3, 17), kind="holiday",
                               source="test")
    # Three working days as when the case was filed, one later for the holiday: Thursday, not Monday 23.
    assert due_by_code(case)["ua.commission_meeting"] == utc(2026, 3, 19, 21, 59, 59, 999999)


def test_working_days_between_counts_the_days_after_the_start_day_up_to_the_end_day():
    calendar = calendar_of("KZ")
    assert calendar.working_days_between(almaty(2025, 1, 3, 10), utc(2025, 1, 8, 18, 59, 59, 999999)) == 3
    assert calendar.working_days_between(almaty(2026, 3, 20, 17), almaty(2026, 3, 20, 23)) == 0
