"""The dashboards' summary tables follow the cases (issue #10 item 4, SPEC O1–O2, D4).

Database triggers mark a changed case dirty in the same transaction, whatever wrote the
change (a service, a queryset update, a bulk insert); the aggregator applies each dirty
case's difference to ``Tally``; the rebuild recomputes everything and gives the same
tables; and no key of any row holds a name, a birth date or an identity number.
"""

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from agencies.models import Agency, Jurisdiction
from cases.models import Case, CaseAccess, Party
from cases.services import PartyInput, case_close, case_link_school, case_merge, case_register, \
    case_share_with_agency
from casework.models import ActionKind
from casework.services.actions import action_record
from commission import services as commission
from notifications.models import Deadline, DeadlineState
from notifications.services.clocks import deadline_waive
from notifications.services.notices import notice_send
from notifications.services.sweep import deadlines_sweep
from oversight import metrics as M
from oversight.models import CaseFact, Tally, TallyDirty
from oversight.services import tally_drain, tally_rebuild
from oversight.tally import case_contributions

pytestmark = pytest.mark.django_db

CANARY_FAMILY, CANARY_GIVEN = "Зкканарейкин", "Канарейка"
CANARY_BORN = dt.date(2013, 5, 2)
CANARY_IIN = "130502500127"
QUORUM = ["ua-head", "ua-coordinator", "ua-secretary", "ua-psychologist", "ua-social-pedagogue", "ua-teacher"]


def agency(code):
    return Agency.objects.get(code=code)


def victim(sex="female", born=CANARY_BORN, iin=CANARY_IIN, family=CANARY_FAMILY):
    return PartyInput(role="victim", family_name=family, given_name=CANARY_GIVEN, birth_date=born, sex=sex,
                      identity_number=iin, class_name="7Б")


def representative():
    return PartyInput(role="legal_representative", family_name=CANARY_FAMILY, given_name="Сауле", is_minor=False,
                      represents_index=0, phone="+77010000002")


def applicant():
    # KZ §20.1: the 111 centre records who called.
    return PartyInput(role="reporter", family_name="Серікова", given_name="Гүлнар", is_minor=False,
                      phone="+77010000009")


def table():
    return sorted(Tally.objects.values_list("scope_type", "scope_id", "month", "metric", "key", "n"))


def facts():
    return sorted((str(f.case_id), sorted(map(tuple, f.contributions))) for f in CaseFact.objects.all())


def dirty():
    return set(TallyDirty.objects.values_list("case_id", flat=True))


def n(scope_type, scope_id, metric, key, month=None):
    rows = Tally.objects.filter(scope_type=scope_type, scope_id=scope_id, metric=metric, key=key)
    if month is not None:
        rows = rows.filter(month=month)
    return sum(rows.values_list("n", flat=True))


def local_month(case):
    return case.jurisdiction.local(case.received_at).date().replace(day=1)


# --- Triggers -------------------------------------------------------------------------------------

def test_a_filed_case_is_marked_dirty_and_drained(persona, file_case, drain_tallies):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    assert case.pk in dirty()
    assert drain_tallies() >= 1
    assert not dirty()
    assert n("country", case.jurisdiction_id, M.CASES, "", local_month(case)) == 1


def test_orm_save_queryset_update_and_bulk_create_each_mark_the_case(persona, file_case, drain_tallies):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    drain_tallies()

    case.is_urgent = True
    case.save()
    assert dirty() == {case.pk}
    drain_tallies()

    Case.objects.filter(pk=case.pk).update(status="closed")
    assert dirty() == {case.pk}
    drain_tallies()
    assert n("country", case.jurisdiction_id, M.STATUS, "closed") == 1

    police = agency("kz-police")
    CaseAccess.objects.bulk_create([CaseAccess(case=case, group=police.case_group, received_at=case.received_at)])
    assert dirty() == {case.pk}
    drain_tallies()
    assert n("agency", police.pk, M.CASES, "") == 1

    Party.objects.bulk_create([Party(case=case, role="victim", family_name="Екінші", given_name="Бала",
                                     sex="male", position=5)])
    assert dirty() == {case.pk}
    drain_tallies()
    assert n("country", case.jurisdiction_id, M.VICTIM_SEX, "male") == 1


def test_a_reminder_sent_changes_no_figure_and_marks_nothing(persona, file_case, drain_tallies):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    drain_tallies()
    Deadline.objects.filter(case=case).update(reminders_sent=1, next_check_at=timezone.now())
    if connection.vendor == "postgresql":  # SQLite's row triggers filter the same columns
        assert not dirty()
    Deadline.objects.filter(case=case).update(state=DeadlineState.WAIVED)
    assert dirty() == {case.pk}


def test_a_personal_grant_changes_no_scope_and_marks_nothing(persona, file_case, drain_tallies):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    drain_tallies()
    CaseAccess.objects.create(case=case, user=persona("kz-police"), received_at=case.received_at)
    assert not dirty()


# --- The aggregator ---------------------------------------------------------------------------------

def test_concrete_figures_of_one_small_case(persona, file_case, drain_tallies):
    now = timezone.now()
    case = file_case(persona("kz-coordinator"), "kz-school-1", parties=[victim(), representative()],
                     received_at=now - dt.timedelta(minutes=20), incident_at=now - dt.timedelta(days=1),
                     channel="pupil_report", kinds=["bullying", "cyberbullying"], forms=["psychological"],
                     places=["online"])
    notice_send(user=persona("kz-head"), case=case, channel="phone", to_agency=agency("kz-guardianship"),
                sent_at=now - dt.timedelta(minutes=5))
    drain_tallies()
    kz, school, police = case.jurisdiction_id, agency("kz-school-1"), agency("kz-guardianship")
    region = school.region_id
    month = local_month(case)
    incident = case.jurisdiction.local(case.incident_at).date()
    age = incident.year - 2013 - ((incident.month, incident.day) < (5, 2))
    band = next(code for code, low, high in M.AGE_BANDS if low <= age <= high)
    for scope_type, scope_id in (("country", kz), ("region", region), ("agency", school.pk), ("agency", police.pk)):
        assert n(scope_type, scope_id, M.CASES, "", month) == 1
        assert n(scope_type, scope_id, M.KIND, "bullying", month) == 1
        assert n(scope_type, scope_id, M.KIND, "cyberbullying", month) == 1
        assert n(scope_type, scope_id, M.CHANNEL, "pupil_report", month) == 1
        assert n(scope_type, scope_id, M.PLACE, "online", month) == 1
        assert n(scope_type, scope_id, M.STATUS, "open", month) == 1
        # The legal representative is no victim: one victim, a girl of the age band at the incident.
        assert n(scope_type, scope_id, M.VICTIM_SEX, "female", month) == 1
        assert n(scope_type, scope_id, M.VICTIM_AGE, band, month) == 1
        assert Tally.objects.filter(scope_type=scope_type, scope_id=scope_id, metric=M.VICTIM_AGE).count() == 1
    assert n("country", kz, M.CASE_REGION, str(region), month) == 1
    # The guardianship notice was sent 15 minutes after receipt: met, in the 15-minute bucket of its rule.
    rule = "kz.guardianship_notice"
    clock = Deadline.objects.get(case=case, rule__code=rule)
    assert clock.state == DeadlineState.MET
    due_month = case.jurisdiction.local(clock.due_at).date().replace(day=1)
    responsible = clock.responsible_agency_id or school.pk
    assert n("country", kz, M.CLOCK, f"{rule}|met", due_month) == 1
    assert n("region", region, M.CLOCK, f"{rule}|met", due_month) == 1
    assert n("agency", responsible, M.CLOCK, f"{rule}|met", due_month) == 1
    assert n("country", kz, M.CLOCK_TIME, f"{rule}|15", due_month) == 1
    assert n("region", region, M.CLOCK_AGENCY, f"{responsible}|met", due_month) == 1
    assert n("country", kz, M.CLOCK_REGION, f"{region}|met", due_month) == 1
    clocks = Deadline.objects.filter(case=case).count()
    assert n("country", kz, M.CLOCK_REGION, f"{region}|pending") == clocks - 1
    # The guardianship authority holds the case but answers for none of its clocks (the school does).
    assert not Tally.objects.filter(scope_type="agency", scope_id=police.pk, metric=M.CLOCK).exists()


def test_draining_again_or_marking_clean_cases_dirty_changes_nothing(persona, file_case, drain_tallies):
    file_case(persona("kz-coordinator"), "kz-school-1", parties=[victim()])
    file_case(persona("ua-coordinator"), "ua-school-1")
    drain_tallies()
    before, before_facts = table(), facts()
    assert before
    assert tally_drain() == 0
    now = timezone.now()
    TallyDirty.objects.bulk_create([TallyDirty(case_id=pk, marked_at=now)
                                    for pk in Case.objects.values_list("pk", flat=True)])
    TallyDirty.objects.bulk_create([TallyDirty(case_id=pk, marked_at=now)  # marked twice: still once each
                                    for pk in Case.objects.values_list("pk", flat=True)])
    assert drain_tallies() == Case.objects.count()
    assert table() == before and facts() == before_facts


def test_a_deleted_case_is_taken_back(persona, file_case, drain_tallies):
    file_case(persona("kz-coordinator"), "kz-school-1")
    drain_tallies()
    before = table()
    gone = file_case(persona("kz-coordinator"), "kz-school-1", parties=[victim()])
    drain_tallies()
    assert table() != before
    Case.objects.filter(pk=gone.pk).delete()
    assert gone.pk in dirty()
    drain_tallies()
    assert table() == before
    assert not CaseFact.objects.filter(case_id=gone.pk).exists()


def test_a_merged_case_counts_nothing(persona, file_case, drain_tallies):
    older = file_case(persona("kz-coordinator"), "kz-school-1", parties=[victim()],
                      incident_at=timezone.now() - dt.timedelta(days=2))
    drain_tallies()
    before = table()
    newer = file_case(persona("kz-coordinator"), "kz-school-1", parties=[victim()],
                      incident_at=timezone.now() - dt.timedelta(days=1))
    drain_tallies()
    case_merge(user=persona("kz-coordinator"), case=newer, other=older)
    drain_tallies()
    assert case_contributions(Case.objects.get(pk=newer.pk)) == []
    # The kept case may have gained grants, never a second case.
    assert n("country", older.jurisdiction_id, M.CASES, "") == 1
    assert {row[:5] for row in table() if row[3] == M.CASES} == {row[:5] for row in before if row[3] == M.CASES}


# --- The incremental tables equal the rebuild --------------------------------------------------------

def decide_at_commission(persona, school, case):
    secretary = persona("ua-secretary")
    meeting = commission.meeting_schedule(user=secretary, school=school, place="Кабінет 12",
                                          starts_at=timezone.now() + dt.timedelta(minutes=10), cases=[case],
                                          short_notice_reason="Термінове засідання")
    commission.meeting_send_notice(user=secretary, meeting=meeting)
    for name in QUORUM:
        commission.attendance_mark(user=secretary, meeting=meeting, member=persona(name), present=True)
    meeting = commission.meeting_open(user=secretary, meeting=meeting)
    question = meeting.agenda.get().questions.get()
    for name in QUORUM:
        commission.vote_cast(user=persona(name), question=question, choice="for")
    commission.question_close(user=secretary, question=question)
    commission.decision_record(user=secretary, agenda_item=meeting.agenda.get(),
                               texts={name: "Текст" for name in commission.DECISION_TEXT_FIELDS},
                               monitoring=[{"description": "Бесіда психолога", "owner": persona("ua-psychologist"),
                                            "due_date": timezone.localdate() + dt.timedelta(days=30)}])


def test_a_scenario_through_the_services_equals_the_rebuild(persona, file_case, drain_tallies):
    head, coordinator = persona("kz-head"), persona("kz-coordinator")
    now = timezone.now()
    # Two KZ cases of school 1, two hours old; one of school 2; a UA case; a 111 case linked later.
    a = file_case(coordinator, "kz-school-1", parties=[victim(), representative()],
                  received_at=now - dt.timedelta(hours=3), incident_at=now - dt.timedelta(hours=4))
    b = file_case(coordinator, "kz-school-1", parties=[victim(sex="", born=None, iin="")],
                  received_at=now - dt.timedelta(hours=3), incident_at=now - dt.timedelta(days=3),
                  kinds=["violence"], forms=["physical"], places=["gym"])
    file_case(persona("kz-coordinator-2"), "kz-school-2", parties=[victim(sex="male", iin="")])
    ua = file_case(persona("ua-coordinator"), "ua-school-1",
                   parties=[PartyInput(role="victim", family_name=CANARY_FAMILY, given_name="Олена", sex="female",
                                       birth_date=dt.date(2014, 2, 1), class_name="6-А")])
    hotline = case_register(user=persona("kz-111"), intake_agency=agency("kz-111"), school=None,
                            received_at=now - dt.timedelta(hours=1), incident_at=None,
                            channel="contact_centre_111", kinds=["violence"], forms=[], places=[],
                            description="", parties=[victim(family="Басқа"), applicant()])
    drain_tallies()
    # Notices: one on time, the guardianship authority's late (after the sweep breached it).
    notice_send(user=head, case=a, channel="phone", to_agency=agency("kz-kikkk"),
                sent_at=now - dt.timedelta(hours=2, minutes=30))
    with time_machine.travel(now + dt.timedelta(minutes=5), tick=False):
        assert deadlines_sweep() > 0  # the one-hour clocks of a and b are breached
    assert Deadline.objects.filter(case=a, state=DeadlineState.BREACHED).exists()
    notice_send(user=head, case=a, channel="phone", to_agency=agency("kz-guardianship"))
    assert Deadline.objects.get(case=a, rule__code="kz.guardianship_notice").state == DeadlineState.MET_LATE
    # A placement: the police place the child, the minors' commission decides (KZ §44, §45).
    case_share_with_agency(case=a, agency=agency("kz-police"), by=head)
    action_record(user=persona("kz-police"), case=a, kind=ActionKind.URGENT_PLACEMENT,
                  values={"place_type": "crisis_centre"}, occurred_at=now - dt.timedelta(hours=2))
    action_record(user=persona("kz-minors-commission"), case=a, kind=ActionKind.PLACEMENT_DECISION,
                  values={"place_type": "crisis_centre", "placed_by": "police", "basis": "Қауіп"},
                  occurred_at=now - dt.timedelta(hours=1))
    # A waive of every open clock of b, then b is closed.
    for clock in Deadline.objects.filter(case=b, state__in=[DeadlineState.PENDING, DeadlineState.BREACHED]):
        deadline_waive(user=head, deadline=clock, reason="Іс басқа жолмен шешілді")
    case_close(user=coordinator, case=b, outcome="not_confirmed", reason="Расталмады")
    # A merge: a second report of a's incident, by the 111 centre, linked to the school.
    duplicate = case_register(user=persona("kz-111"), intake_agency=agency("kz-111"), school=None,
                              received_at=now - dt.timedelta(minutes=30), incident_at=now - dt.timedelta(hours=4),
                              channel="contact_centre_111", kinds=["violence"], forms=[], places=[],
                              description="", parties=[victim(), applicant()])
    duplicate = case_link_school(user=persona("kz-111"), case=duplicate, school=agency("kz-school-1"))
    case_merge(user=coordinator, case=duplicate, other=a)
    # The 111 case is linked to a school of another region; the victim's birth date and sex corrected.
    case_link_school(user=persona("kz-111"), case=hotline, school=agency("kz-ast-school-1"))
    party = Party.objects.get(case=hotline, role="victim")
    party.birth_date, party.sex = dt.date(2010, 1, 9), "male"
    party.save()
    # An agency is given the UA case; the commission decides on it (UA IV.3).
    case_share_with_agency(case=ua, agency=agency("ua-police"), by=persona("ua-head"))
    decide_at_commission(persona, agency("ua-school-1"), ua)
    assert dirty()

    drain_tallies()
    incremental, incremental_facts = table(), facts()
    assert tally_rebuild() == Case.objects.count()
    assert table() == incremental
    assert facts() == incremental_facts
    # The scenario's figures are in the tables.
    kz = Jurisdiction.objects.get(code="KZ").pk
    assert n("country", kz, M.PLACEMENT, "crisis_centre") == 1
    assert n("agency", agency("kz-police").pk, M.PLACEMENT, "crisis_centre") == 1
    assert n("country", ua.jurisdiction_id, M.COMMISSION, "confirmed") == 1
    assert n("agency", agency("ua-police").pk, M.CASES, "") == 1
    assert n("country", kz, M.OUTCOME, "not_confirmed") == 1
    assert n("country", kz, M.CLOCK, "kz.guardianship_notice|met_late") == 1
    assert n("country", kz, M.CLOCK, "kz.police_notice|waived") >= 1
    assert n("country", kz, M.CLOCK, "kz.police_notice|breached") >= 1
    assert n("region", agency("kz-ast-school-1").region_id, M.VICTIM_SEX, "male") == 1
    assert n("country", kz, M.CASES, "") == 4  # the merged duplicate counts nothing
    assert n("country", kz, M.VICTIM_SEX, "unknown") == 1


def test_no_name_birth_date_or_identity_number_reaches_the_tables(persona, file_case, drain_tallies):
    case = file_case(persona("kz-coordinator"), "kz-school-1", parties=[victim(), representative()])
    notice_send(user=persona("kz-head"), case=case, channel="phone", to_agency=agency("kz-police"))
    drain_tallies()
    tally_rebuild()
    canaries = [CANARY_FAMILY, CANARY_GIVEN, CANARY_IIN, CANARY_BORN.isoformat(), CANARY_BORN.strftime("%d.%m.%Y"),
                "Сауле", "+77010000002"]
    keys = list(Tally.objects.values_list("key", flat=True))
    stored = [json.dumps(f.contributions, ensure_ascii=False) for f in CaseFact.objects.all()]
    assert keys and stored
    for text in keys + stored:
        assert not any(canary in text for canary in canaries)
    # Every key is a code or an id, as the metric contract says.
    assert all(part.replace("_", "").replace("-", "").replace(".", "").replace("+", "").isalnum() or part == ""
               for key in keys for part in key.split("|"))



def test_the_beat_task_and_the_rebuild_command(settings, persona, file_case):
    import io

    from django.core.management import call_command

    from oversight.tasks import drain_tallies as task

    case = file_case(persona("kz-coordinator"), "kz-school-1")
    schedule = settings.CELERY_BEAT_SCHEDULE["drain-tallies"]
    assert schedule["task"] == "oversight.tasks.drain_tallies" and schedule["options"]["expires"]
    assert task() >= 1 and not dirty()
    drained = table()
    Tally.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_tallies", stdout=out)
    assert f"from {Case.objects.count()} cases" in out.getvalue()
    assert table() == drained
    assert n("country", case.jurisdiction_id, M.CASES, "") == 1
