"""Clocks: starting, satisfying, waiving and recomputing deadlines; calendar changes.

The database is the only copy of a clock. Starting events create ``Deadline``
rows in the caller's transaction (``cases.services`` opens a case's clocks
through ``deadlines_start``), so this module imports nothing from
``cases.services``: cases sits below notifications and must not need it back.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyKind, Membership, StaffRole
from cases.lifecycle import refuse_if_closed
from cases.models import Case
from cases.overdue import case_overdue_set
from config.errors import InputError
from notifications.calendar import WorkingCalendar, due_at_for
from cases.models import CaseAccess
from notifications.models import (
    MINOR_PARTY_ROLES, OPEN_STATES, RECORDABLE_EVENTS, Anchor, CalendarOverride, ClockKind, Deadline, DeadlineRule,
    DeadlineState, Notice, SatisfyEvent, StartEvent,
)
from privacy.audit import audit_record
from privacy.models import AuditAction

# --- Starting and computing clocks ---------------------------------------------------------


def reminder_times(deadline: Deadline) -> list[dt.datetime]:
    span = deadline.due_at - deadline.started_at
    return sorted(deadline.started_at + span * float(p) for p in deadline.rule.reminder_points
                  if 0 < float(p) < 1)


def next_check(deadline: Deadline, now: dt.datetime) -> dt.datetime:
    upcoming = [t for t in reminder_times(deadline)[deadline.reminders_sent:] if t > now]
    return upcoming[0] if upcoming else deadline.due_at


def deadlines_start(*, case: Case, event: str, at: dt.datetime | None = None,
                    anchor_at: dt.datetime | None = None, subject: str = "",
                    responsible_kind: str = "", by=None) -> list[Deadline]:
    """Create the deadlines a starting event opens (idempotent: unique per case, rule, party).

    A case an agency opened has no school yet: the clocks a school answers for wait until it
    is linked to one, and then run from ``case.school_linked_at``, when the school received
    the report (UA II.2, KZ §25: from receipt). ``responsible_kind`` starts only the rules
    that agency kind answers for (the school's, on linking). The clocks of an agency's own
    intake (KZ §18.2, §18.3) run for that intake agency. Every agency that answers for a new
    clock is given the case (``_share_with_responsible``), whichever path started it.
    """
    # Work in UTC: arithmetic on datetimes aware in a local zone is wall-clock arithmetic
    # (reminder times across a daylight-saving change would be an hour off).
    utc = dt.timezone.utc
    at = (at or timezone.now()).astimezone(utc)
    anchor_at = anchor_at.astimezone(utc) if anchor_at else None
    received_at = case.received_at.astimezone(utc)
    rules = DeadlineRule.objects.filter(jurisdiction_id=case.jurisdiction_id, start_event=event,
                                        is_active=True)
    calendar = WorkingCalendar(case.jurisdiction)
    minors = None
    rows = []
    # KZ §18: the agency that received the report answers for telling the others.
    intake_agency = case.intake_agency if event == StartEvent.AGENCY_INTAKE and not case.intake_agency.is_school \
        else None
    for rule in rules:
        by_school = rule.responsible_agency_kind == AgencyKind.SCHOOL
        if by_school and not case.school_id:
            continue
        if responsible_kind and rule.responsible_agency_kind != responsible_kind:
            continue
        received = case.school_linked_at.astimezone(utc) if by_school and case.school_linked_at else received_at
        started = received if rule.anchor == Anchor.CASE_RECEIVED else at
        anchor = anchor_at if rule.clock == ClockKind.CUTOFF_DAY_BEFORE and anchor_at else started
        due = due_at_for(rule, start=anchor, calendar=calendar)
        if rule.per_minor_party:
            if minors is None:
                minors = list(case.parties.filter(is_minor=True, role__in=MINOR_PARTY_ROLES))
            parties = minors
        else:
            parties = [None]
        for party in parties:
            deadline = Deadline(case=case, rule=rule, party=party, started_at=started, anchor_at=anchor,
                                due_at=due, subject=subject, responsible_agency=intake_agency)
            deadline.next_check_at = next_check(deadline, timezone.now())
            rows.append(deadline)
    Deadline.objects.bulk_create(rows, ignore_conflicts=True)
    _share_with_responsible(case, rows, by=by)
    # Notices recorded before the event (e.g. before a late "needs placement" flag) still count.
    deadlines_satisfy_from_history(case=case)
    return rows


def _share_with_responsible(case: Case, deadlines: list[Deadline], *, by=None) -> None:
    """The agency that answers for a clock must be able to open the case to meet it, and its
    officers must be able to open what its reminders and breaches link to: the commission on
    minors' affairs once placement is flagged or urgently made (KZ §44, §45), the forensic body
    once an examination is ordered (KZ §26.6, §26.7), the ministry for a high-profile case
    (KZ §32). A school's own clocks need nothing: the case is its own."""
    # Imported here: cases.services starts clocks through this module, so a module-level
    # import would be circular; sharing stays defined once, in cases.services.
    from cases.services import case_share_with_agency

    seen = set()
    for deadline in deadlines:
        if deadline.rule.responsible_agency_kind == AgencyKind.SCHOOL and not deadline.responsible_agency_id:
            continue
        for agency in responsible_agencies(deadline):
            if agency.pk in seen or agency.kind == AgencyKind.SCHOOL:
                continue
            seen.add(agency.pk)
            if not CaseAccess.objects.filter(case_id=case.pk, group_id=agency.case_group_id).exists():
                case_share_with_agency(case=case, agency=agency, by=by)


# --- Satisfying clocks ---------------------------------------------------------------------

def case_overdue_refresh(case_id) -> None:
    """Keep the case's overdue mark true exactly while one of its clocks is breached."""
    case = Case.objects.select_for_update().get(pk=case_id)
    breached = Deadline.objects.filter(case_id=case_id, state=DeadlineState.BREACHED).exists()
    case_overdue_set(case=case, overdue=breached)


def _meet(deadline: Deadline, at: dt.datetime, *, by=None) -> None:
    was_breached = deadline.state == DeadlineState.BREACHED
    deadline.state = DeadlineState.MET if at <= deadline.due_at else DeadlineState.MET_LATE
    deadline.met_at = at
    deadline.next_check_at = None
    deadline.save(update_fields=["state", "met_at", "next_check_at"])
    audit_record(actor=by, action=AuditAction.DEADLINE_MET, case_id=deadline.case_id,
                 detail={"rule": deadline.rule.code, "state": deadline.state})
    if was_breached:
        case_overdue_refresh(deadline.case_id)


def _counts_for(deadline: Deadline, notice: Notice) -> bool:
    """Whether a notice can meet a deadline at all: sent by the agency that answers for it (the
    clock's own responsible agency, e.g. the intake agency under KZ §18.2, else the rule's agency
    kind: a school's notice to the guardianship authority is KZ §21, not the police's §19.5),
    and by a channel the rule accepts (KZ §25: a rapid channel, not paper)."""
    rule = deadline.rule
    if rule.allowed_channels and notice.channel not in rule.allowed_channels:
        return False
    if notice.from_agency_id is None:
        return True
    if deadline.responsible_agency_id:
        return notice.from_agency_id == deadline.responsible_agency_id
    return notice.from_agency.kind == rule.responsible_agency_kind


def _notice_covers(deadline: Deadline, notices: list[Notice]) -> dt.datetime | None:
    """When the notices first satisfied this deadline, or None if they don't."""
    rule = deadline.rule
    notices = [n for n in notices if _counts_for(deadline, n)]
    if rule.satisfy_event == SatisfyEvent.PARENT_NOTICE_SENT:
        times = [n.sent_at for n in notices if n.to_party_id and n.to_party.represents_id == deadline.party_id
                 and not n.to_party.is_alleged_perpetrator]
        return min(times) if times else None
    first_by_kind = {}
    if deadline.responsible_agency_id:
        # KZ §18.2: an agency does not notify itself; the police who took the report already
        # know of it, and so does 111: a target of the responsible agency's own kind is met.
        first_by_kind[deadline.responsible_agency.kind] = deadline.started_at
    for notice in notices:
        if notice.to_agency_id:
            kind = notice.to_agency.kind
            first_by_kind[kind] = min(first_by_kind.get(kind, notice.sent_at), notice.sent_at)
    if not rule.target_agency_kinds or any(k not in first_by_kind for k in rule.target_agency_kinds):
        return None
    return max(first_by_kind[k] for k in rule.target_agency_kinds)


def deadlines_satisfy_from_history(*, case: Case) -> None:
    """Meet every open notice deadline of the case that its recorded notices satisfy."""
    open_deadlines = list(
        Deadline.objects.select_for_update(of=("self",)).select_related("rule", "responsible_agency")
        .filter(case=case, state__in=OPEN_STATES,
                rule__satisfy_event__in=[SatisfyEvent.NOTICE_SENT, SatisfyEvent.PARENT_NOTICE_SENT])
    )
    if not open_deadlines:
        return
    notices = list(case.notices.select_related("to_agency", "to_party", "from_agency"))
    for deadline in open_deadlines:
        met_at = _notice_covers(deadline, notices)
        if met_at is not None:
            _meet(deadline, met_at)


def deadlines_satisfy(*, case: Case, event: str, at: dt.datetime, by=None, subject: str = "") -> int:
    """Meet the case's open deadlines that ``event`` satisfies; returns how many."""
    qs = Deadline.objects.select_for_update().select_related("rule").filter(
        case=case, state__in=OPEN_STATES, rule__satisfy_event=event)
    if subject:
        qs = qs.filter(subject=subject)
    count = 0
    for deadline in qs:
        _meet(deadline, at, by=by)
        count += 1
    return count


# --- Case events that start or satisfy clocks ------------------------------------------------

@transaction.atomic
def case_event_record(*, user, case: Case, event: str, at: dt.datetime | None = None) -> None:
    """Record a fact that starts or satisfies clocks (placement, media statement, forensics)."""
    refuse_if_closed(case)  # a closed case takes no new event (cases.lifecycle)
    now = timezone.now()
    at = at or now
    if event not in RECORDABLE_EVENTS:
        raise InputError({"event": [_("Choose an event from the list.")]})
    if at > now:
        raise InputError({"at": [_("The time cannot be in the future.")]})
    if at < case.received_at:
        raise InputError({"at": [_("The time cannot be before the report was received.")]})
    if RECORDABLE_EVENTS[event] == "start":
        deadlines_start(case=case, event=event, at=at, by=user)
    else:
        deadlines_satisfy(case=case, event=event, at=at, by=user)
    audit_record(actor=user, action=AuditAction.CASE_EVENT, case_id=case.pk, detail={"event": event})


# --- Waiving ---------------------------------------------------------------------------------
# Waiving closes a clock, so it lives with the clocks; ``can_waive`` is a "who may" check
# that would move to a notifications/permissions.py once the app has one.

def responsible_agencies(deadline: Deadline):
    rule, case = deadline.rule, deadline.case
    if deadline.responsible_agency_id:  # a support plan item's owner agency
        return Agency.objects.filter(pk=deadline.responsible_agency_id)
    if rule.responsible_agency_kind == AgencyKind.SCHOOL:
        return Agency.objects.filter(pk=case.school_id)
    qs = Agency.objects.filter(jurisdiction_id=case.jurisdiction_id, kind=rule.responsible_agency_kind)
    regional = qs.filter(Q(region_id=case.home_agency.region_id) | Q(region__isnull=True))
    return regional if regional.exists() else qs


def can_waive(user, deadline: Deadline) -> bool:
    """The school head, or the head of the responsible agency."""
    agencies = [deadline.case.home_agency.pk, *responsible_agencies(deadline).values_list("pk", flat=True)]
    return Membership.objects.filter(user=user, role=StaffRole.HEAD, agency_id__in=agencies).exists()


@transaction.atomic
def deadline_waive(*, user, deadline: Deadline, reason: str) -> Deadline:
    deadline = Deadline.objects.select_for_update(of=("self",)).select_related("rule", "case__school").get(pk=deadline.pk)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for waiving this deadline.")]
    if deadline.state not in OPEN_STATES:
        errors["__all__"] = [_("This deadline is already closed.")]
    elif not can_waive(user, deadline):
        errors["__all__"] = [_("Only the school head or the responsible agency's head can waive a deadline.")]
    if errors:
        raise InputError(errors)
    was_breached = deadline.state == DeadlineState.BREACHED
    deadline.state, deadline.waived_reason, deadline.waived_by = DeadlineState.WAIVED, reason.strip(), user
    deadline.next_check_at = None
    deadline.save(update_fields=["state", "waived_reason", "waived_by", "next_check_at"])
    if was_breached:
        case_overdue_refresh(deadline.case_id)
    audit_record(actor=user, action=AuditAction.DEADLINE_WAIVE, case_id=deadline.case_id,
                 detail={"rule": deadline.rule.code})
    return deadline


# --- Calendar changes ------------------------------------------------------------------------

@transaction.atomic
def calendar_override_save(*, jurisdiction, date: dt.date, kind: str, source: str, by=None) -> CalendarOverride:
    before = WorkingCalendar(jurisdiction)
    override, _created = CalendarOverride.objects.update_or_create(
        jurisdiction=jurisdiction, date=date, defaults={"kind": kind, "source": source})
    deadlines_recompute(jurisdiction=jurisdiction, by=by, before=before)
    return override


@transaction.atomic
def calendar_override_delete(*, override: CalendarOverride, by=None) -> None:
    jurisdiction = override.jurisdiction
    before = WorkingCalendar(jurisdiction)
    override.delete()
    deadlines_recompute(jurisdiction=jurisdiction, by=by, before=before)


@transaction.atomic
def deadlines_recompute(*, jurisdiction, by=None, before: WorkingCalendar | None = None) -> int:
    """Re-derive open working-day deadlines after a calendar change; log each shift on its case.

    With ``before`` (the calendar before the change), each clock keeps the number of working
    days it was started with, so a rule edited since then does not reach running clocks.
    """
    calendar = WorkingCalendar(jurisdiction)
    shifted = 0
    qs = Deadline.objects.select_for_update().select_related("rule").filter(
        case__jurisdiction=jurisdiction, state=DeadlineState.PENDING, rule__clock=ClockKind.WORKING_DAYS)
    now = timezone.now()
    for deadline in qs:
        days = before.working_days_between(deadline.anchor_at, deadline.due_at) if before else 0
        new_due = calendar.end_of_working_days(deadline.anchor_at, days or deadline.rule.working_days)
        if new_due != deadline.due_at:
            old_due = deadline.due_at
            deadline.due_at = new_due
            deadline.next_check_at = next_check(deadline, now)
            deadline.save(update_fields=["due_at", "next_check_at"])
            audit_record(actor=by, action=AuditAction.DEADLINE_SHIFT, case_id=deadline.case_id, detail={
                "rule": deadline.rule.code, "from": old_due.isoformat(), "to": new_due.isoformat()})
            shifted += 1
    return shifted
