"""Clocks, notices and escalations: every write goes through a function here.

The database is the only copy of a clock. Starting events create ``Deadline``
rows in the caller's transaction; ``deadlines_sweep`` claims due rows with
``SELECT … FOR UPDATE SKIP LOCKED`` and, in the same transaction, writes the
escalation, its outbox messages and the deadline's new state. A second sweep
running at the same time skips the locked rows; a repeated sweep finds them
already handled. ``outbox_deliver`` sends what the outbox holds, once.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyKind, Membership, StaffRole
from cases.models import Case, Party
from cases.services import CaseInputError, PartyInput, case_overdue_set, case_share_with_agency, party_add
from cases.vocabulary import PartyRole
from notifications import messages, selectors
from notifications.calendar import WorkingCalendar, due_at_for
from notifications.models import (
    MINOR_PARTY_ROLES, OPEN_STATES, RECORDABLE_EVENTS, Anchor, CalendarOverride, Channel, ClockKind, Deadline,
    DeadlineRule, DeadlineState, Escalation, EscalationKind, EscalationStep, Notice, NoticeChannel, OutboxMessage,
    OutboxStatus, OutgoingCounter, SatisfyEvent, StartEvent,
)
from privacy.audit import audit_record
from privacy.models import AuditAction

log = logging.getLogger(__name__)

LADDER_AGENCY_KINDS = {
    EscalationStep.REGIONAL_OMBUDSMAN: (AgencyKind.REGIONAL_OMBUDSMAN,),
    EscalationStep.LOCAL_EXECUTIVE: (AgencyKind.LOCAL_EXECUTIVE, AgencyKind.LOCAL_SELF_GOVERNMENT),
}
SWEEP_BATCH = 200


# --- Starting and computing clocks ---------------------------------------------------------

def _reminder_times(deadline: Deadline) -> list[dt.datetime]:
    span = deadline.due_at - deadline.started_at
    return sorted(deadline.started_at + span * float(p) for p in deadline.rule.reminder_points
                  if 0 < float(p) < 1)


def _next_check(deadline: Deadline, now: dt.datetime) -> dt.datetime:
    upcoming = [t for t in _reminder_times(deadline)[deadline.reminders_sent:] if t > now]
    return upcoming[0] if upcoming else deadline.due_at


def deadlines_start(*, case: Case, event: str, at: dt.datetime | None = None,
                    anchor_at: dt.datetime | None = None, subject: str = "") -> list[Deadline]:
    """Create the deadlines a starting event opens (idempotent: unique per case, rule, party)."""
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
    for rule in rules:
        started = received_at if rule.anchor == Anchor.CASE_RECEIVED else at
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
                                due_at=due, subject=subject)
            deadline.next_check_at = _next_check(deadline, timezone.now())
            rows.append(deadline)
    Deadline.objects.bulk_create(rows, ignore_conflicts=True)
    # Notices recorded before the event (e.g. before a late "needs placement" flag) still count.
    deadlines_satisfy_from_history(case=case)
    return rows


# --- Satisfying clocks ---------------------------------------------------------------------

def _case_overdue_refresh(case_id) -> None:
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
        _case_overdue_refresh(deadline.case_id)


def _counts_for(rule: DeadlineRule, notice: Notice) -> bool:
    """Whether a notice can meet a rule at all: sent by the agency kind that answers for the
    rule (a school's notice to the guardianship authority is KZ §21, not the police's §19.5),
    and by a channel the rule accepts (KZ §25: a rapid channel, not paper)."""
    if rule.allowed_channels and notice.channel not in rule.allowed_channels:
        return False
    return notice.from_agency_id is None or notice.from_agency.kind == rule.responsible_agency_kind


def _notice_covers(deadline: Deadline, notices: list[Notice]) -> dt.datetime | None:
    """When the notices first satisfied this deadline, or None if they don't."""
    rule = deadline.rule
    notices = [n for n in notices if _counts_for(rule, n)]
    if rule.satisfy_event == SatisfyEvent.PARENT_NOTICE_SENT:
        times = [n.sent_at for n in notices if n.to_party_id and n.to_party.represents_id == deadline.party_id
                 and not n.to_party.is_alleged_perpetrator]
        return min(times) if times else None
    first_by_kind = {}
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
        Deadline.objects.select_for_update().select_related("rule")
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
    now = timezone.now()
    at = at or now
    if event not in RECORDABLE_EVENTS:
        raise CaseInputError({"event": [_("Choose an event from the list.")]})
    if at > now:
        raise CaseInputError({"at": [_("The time cannot be in the future.")]})
    if at < case.received_at:
        raise CaseInputError({"at": [_("The time cannot be before the report was received.")]})
    if RECORDABLE_EVENTS[event] == "start":
        deadlines_start(case=case, event=event, at=at)
    else:
        deadlines_satisfy(case=case, event=event, at=at, by=user)
    audit_record(actor=user, action=AuditAction.CASE_EVENT, case_id=case.pk, detail={"event": event})


# --- Notices ---------------------------------------------------------------------------------

def _local_year(case: Case, moment: dt.datetime) -> int:
    """The school's register runs by the local calendar year, not UTC's (KZ §23)."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(case.jurisdiction.time_zone)).year


def _next_outgoing_number(agency: Agency, year: int) -> str:
    OutgoingCounter.objects.bulk_create([OutgoingCounter(agency=agency, year=year)], ignore_conflicts=True)
    counter = OutgoingCounter.objects.select_for_update().get(agency=agency, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{agency.code.upper()}/{year}/{counter.last_number:04d}"


def _notice_errors(*, options, case: Case, channel: str, sent_at: dt.datetime, to_agency, to_party,
                   new_representative: PartyInput | None, represents: Party | None) -> dict:
    now = timezone.now()
    errors: dict = {}
    chosen = [r for r in (to_agency, to_party, new_representative) if r is not None]
    if options.sender is None:
        errors["__all__"] = [_("You may not send notices about this case.")]
    elif len(chosen) != 1:
        errors["recipient"] = [_("Choose one recipient: an agency or a legal representative.")]
    elif to_agency is not None and to_agency not in options.agencies:
        # The protocol's notice matrix (NoticeRoute), e.g. KZ §21–§26, UA II.2: never another school.
        errors["to_agency"] = [_("The protocol does not provide for a notice from your agency to this one: "
                                 "choose a recipient from the list.")]
    elif to_party is not None:
        if to_party not in options.representatives:
            errors["to_party"] = [_("Choose a legal representative of this case.")]
        elif to_party.is_alleged_perpetrator:
            # DESIGN §7, a design rule rather than a paragraph of the sources: the law asks for
            # "at least one" parent (UA I.6, II.2), so another one is told; violence by a parent
            # goes to the guardianship authority and the mobile group instead (KZ §19.5).
            errors["to_party"] = [_("This person is the alleged perpetrator and must not be notified.")]
    elif new_representative is not None:
        if not options.minors:
            errors["recipient"] = [_("Only the case's school notifies parents.")]
        representative_errors = _new_representative_errors(new_representative, represents, options)
        if representative_errors:
            errors["new_representative"] = representative_errors
    if channel not in NoticeChannel.values:
        errors["channel"] = [_("Choose a channel.")]
    if sent_at > now:
        errors["sent_at"] = [_("The time cannot be in the future.")]
    elif sent_at < case.received_at:
        errors["sent_at"] = [_("The time cannot be before the report was received.")]
    return errors


def _new_representative_errors(data: PartyInput, represents: Party | None, options) -> dict:
    errors: dict = {}
    if not (data.family_name or "").strip():
        errors["family_name"] = [_("Enter the family name.")]
    if not (data.given_name or "").strip():
        errors["given_name"] = [_("Enter the given name.")]
    if represents is None or represents not in options.minors:
        errors["represents"] = [_("Choose the minor this person represents.")]
    return errors


def _start_family_violence_clock(case: Case) -> None:
    """KZ §19.5: once the police know of a case whose alleged perpetrator is a parent or guardian
    (a legal representative flagged so), they must tell the guardianship authority and the mobile
    group. Idempotent: the clock is unique per case and rule."""
    first_police_notice = (case.notices.filter(to_agency__kind=AgencyKind.POLICE)
                           .order_by("sent_at").values_list("sent_at", flat=True).first())
    if first_police_notice is None:
        return
    if not case.parties.filter(role=PartyRole.LEGAL_REPRESENTATIVE, is_alleged_perpetrator=True).exists():
        return
    deadlines_start(case=case, event=StartEvent.POLICE_NOTIFIED_OF_FAMILY_VIOLENCE, at=first_police_notice)


@transaction.atomic
def notice_send(*, user, case: Case, channel: str, sent_at: dt.datetime | None = None,
                to_agency: Agency | None = None, to_party: Party | None = None,
                new_representative: PartyInput | None = None, represents: Party | None = None) -> Notice:
    """Record a notice (KZ §23–§24, UA II.2): numbers it, shares the case, meets its clocks.

    Only to a recipient the protocol's notice matrix allows the sender's agency
    (``selectors.notice_options``), whatever the interface. A notice to a parent not yet
    in the case names them (``new_representative``, representing the minor ``represents``):
    they are added as a legal representative in the same transaction.
    """
    sent_at = sent_at or timezone.now()
    options = selectors.notice_options(user, case)
    errors = _notice_errors(options=options, case=case, channel=channel, sent_at=sent_at, to_agency=to_agency,
                            to_party=to_party, new_representative=new_representative, represents=represents)
    if errors:
        raise CaseInputError(errors)
    if new_representative is not None:
        data = PartyInput(role=PartyRole.LEGAL_REPRESENTATIVE, is_minor=False,
                          family_name=new_representative.family_name, given_name=new_representative.given_name,
                          patronymic=new_representative.patronymic, phone=new_representative.phone)
        try:
            to_party = party_add(user=user, case=case, data=data, represents=represents)
        except CaseInputError as err:
            raise CaseInputError({"new_representative": err.errors}) from err

    sender = options.sender
    notice = Notice.objects.create(
        case=case, sent_by=user, from_agency=sender, to_agency=to_agency, to_party=to_party, channel=channel,
        # Each agency numbers its outgoing notices in its own register (KZ §23).
        sent_at=sent_at, outgoing_number=_next_outgoing_number(sender, _local_year(case, sent_at)),
    )
    if to_agency is not None:
        case_share_with_agency(case=case, agency=to_agency, by=user)
        _outbox_write(recipients=_agency_members(to_agency), case=case, key=messages.NOTICE_RECEIVED,
                      params={"number": notice.outgoing_number}, notice=notice)
    audit_record(actor=user, action=AuditAction.NOTICE_SEND, case_id=case.pk, detail={
        "notice": notice.pk, "number": notice.outgoing_number, "channel": channel, "from_agency": sender.code,
        "to_agency": to_agency.code if to_agency else None, "to_party": str(to_party.pk) if to_party else None,
    })
    _start_family_violence_clock(case)
    deadlines_satisfy_from_history(case=case)
    return notice


@transaction.atomic
def notice_acknowledge(*, user, notice: Notice) -> Notice:
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.to_agency_id is None or not Membership.objects.filter(user=user, agency_id=notice.to_agency_id).exists():
        raise CaseInputError({"__all__": [_("Only the receiving agency can acknowledge this notice.")]})
    if notice.acknowledged_at is None:
        notice.acknowledged_at, notice.acknowledged_by = timezone.now(), user
        notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(actor=user, action=AuditAction.NOTICE_ACKNOWLEDGE, case_id=notice.case_id,
                     detail={"notice": notice.pk})
    # The agency has the notice: its members' bell entries for it are done with.
    OutboxMessage.objects.filter(notice=notice, channel=Channel.IN_APP, read_at__isnull=True) \
        .update(read_at=timezone.now())
    return notice


# --- Waiving ---------------------------------------------------------------------------------

def _responsible_agencies(deadline: Deadline):
    rule, case = deadline.rule, deadline.case
    if rule.responsible_agency_kind == AgencyKind.SCHOOL:
        return Agency.objects.filter(pk=case.school_id)
    qs = Agency.objects.filter(jurisdiction_id=case.jurisdiction_id, kind=rule.responsible_agency_kind)
    regional = qs.filter(Q(region_id=case.school.region_id) | Q(region__isnull=True))
    return regional if regional.exists() else qs


def can_waive(user, deadline: Deadline) -> bool:
    """The school head, or the head of the responsible agency."""
    agencies = [deadline.case.school_id, *_responsible_agencies(deadline).values_list("pk", flat=True)]
    return Membership.objects.filter(user=user, role=StaffRole.HEAD, agency_id__in=agencies).exists()


@transaction.atomic
def deadline_waive(*, user, deadline: Deadline, reason: str) -> Deadline:
    deadline = Deadline.objects.select_for_update().select_related("rule", "case__school").get(pk=deadline.pk)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for waiving this deadline.")]
    if deadline.state not in OPEN_STATES:
        errors["__all__"] = [_("This deadline is already closed.")]
    elif not can_waive(user, deadline):
        errors["__all__"] = [_("Only the school head or the responsible agency's head can waive a deadline.")]
    if errors:
        raise CaseInputError(errors)
    was_breached = deadline.state == DeadlineState.BREACHED
    deadline.state, deadline.waived_reason, deadline.waived_by = DeadlineState.WAIVED, reason.strip(), user
    deadline.next_check_at = None
    deadline.save(update_fields=["state", "waived_reason", "waived_by", "next_check_at"])
    if was_breached:
        _case_overdue_refresh(deadline.case_id)
    audit_record(actor=user, action=AuditAction.DEADLINE_WAIVE, case_id=deadline.case_id,
                 detail={"rule": deadline.rule.code})
    return deadline


# --- Calendar changes ------------------------------------------------------------------------

@transaction.atomic
def calendar_override_save(*, jurisdiction, date: dt.date, kind: str, source: str, by=None) -> CalendarOverride:
    before = WorkingCalendar(jurisdiction)
    override, _ = CalendarOverride.objects.update_or_create(
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
            deadline.next_check_at = _next_check(deadline, now)
            deadline.save(update_fields=["due_at", "next_check_at"])
            audit_record(actor=by, action=AuditAction.DEADLINE_SHIFT, case_id=deadline.case_id, detail={
                "rule": deadline.rule.code, "from": old_due.isoformat(), "to": new_due.isoformat()})
            shifted += 1
    return shifted


# --- The sweep and escalation ----------------------------------------------------------------

def _agency_members(agency: Agency):
    """Every active member of an agency, case worker or not: an ombudsman office's staff
    are not in its case group but must hear of a notice to it."""
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(memberships__agency=agency, is_active=True).distinct())


def _ladder_recipients(deadline: Deadline, steps: list[str]) -> list:
    from django.contrib.auth import get_user_model

    rule, case = deadline.rule, deadline.case
    responsible = list(_responsible_agencies(deadline))
    q = Q(pk__in=[])
    for step in steps:
        if step == EscalationStep.RESPONSIBLE:
            q |= Q(memberships__agency__in=responsible, memberships__role=rule.responsible_role)
        elif step == EscalationStep.AGENCY_HEAD:
            q |= Q(memberships__agency__in=responsible, memberships__role=StaffRole.HEAD)
        elif step in LADDER_AGENCY_KINDS:
            q |= Q(memberships__agency__jurisdiction_id=case.jurisdiction_id,
                   memberships__agency__kind__in=LADDER_AGENCY_KINDS[step]) & (
                Q(memberships__agency__region_id=case.school.region_id)
                | Q(memberships__agency__region__isnull=True))
    if rule.responsible_agency_kind == AgencyKind.SCHOOL:
        # KZ §5: "Әрбір білім беру ұйымында педагогтер арасынан балаларды зорлық-зомбылықтан ...
        # қорғау жөніндегі үйлестіруші тағайындалуы тиіс": the school's protection coordinator
        # works its cases, so every reminder and breach of a school's clock reaches them too.
        q |= Q(memberships__agency_id=case.school_id, memberships__role=StaffRole.COORDINATOR)
    return list(get_user_model().objects.filter(q, is_active=True).distinct())


def _outbox_write(*, recipients, case: Case, key: str, params: dict, escalation=None, notice=None) -> int:
    now = timezone.now()
    rows = []
    for user in recipients:
        rows.append(OutboxMessage(escalation=escalation, notice=notice, recipient=user, channel=Channel.IN_APP,
                                  case=case, subject_key=key, params=params, created_at=now))
        if user.email:
            rows.append(OutboxMessage(escalation=escalation, notice=notice, recipient=user,
                                      channel=Channel.EMAIL, case=case, subject_key=key, params=params,
                                      created_at=now))
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def users_notify(*, recipients, case: Case, key: str, params: dict) -> int:
    """Tell people about a case in the system (and by e-mail): reference and link only."""
    return _outbox_write(recipients=recipients, case=case, key=key, params=params)


def _escalate(deadline: Deadline, *, kind: str, step: int, now: dt.datetime) -> Escalation:
    escalation = Escalation.objects.create(deadline=deadline, kind=kind, step=step, created_at=now)
    ladder = deadline.rule.escalation_ladder if kind == EscalationKind.BREACH else [EscalationStep.RESPONSIBLE]
    key = messages.DEADLINE_BREACHED if kind == EscalationKind.BREACH else messages.DEADLINE_REMINDER
    params = {"rule": deadline.rule.code, "due_at": deadline.due_at.isoformat()}
    _outbox_write(recipients=_ladder_recipients(deadline, ladder or [EscalationStep.RESPONSIBLE]),
                  case=deadline.case, key=key, params=params, escalation=escalation)
    return escalation


def _deadline_process(deadline: Deadline, now: dt.datetime) -> None:
    if now >= deadline.due_at:
        _escalate(deadline, kind=EscalationKind.BREACH, step=0, now=now)
        deadline.state, deadline.next_check_at = DeadlineState.BREACHED, None
        deadline.save(update_fields=["state", "next_check_at"])
        audit_record(actor=None, action=AuditAction.DEADLINE_BREACH, case_id=deadline.case_id,
                     detail={"rule": deadline.rule.code})
        _case_overdue_refresh(deadline.case_id)
        return
    due_reminders = sum(1 for t in _reminder_times(deadline) if t <= now)
    if due_reminders > deadline.reminders_sent:
        _escalate(deadline, kind=EscalationKind.REMINDER, step=due_reminders, now=now)
        deadline.reminders_sent = due_reminders
    deadline.next_check_at = _next_check(deadline, now)
    deadline.save(update_fields=["reminders_sent", "next_check_at"])


def deadlines_sweep(*, now: dt.datetime | None = None, batch_size: int = SWEEP_BATCH,
                    max_batches: int = 50) -> int:
    """Handle every deadline whose next check is due; returns how many were handled."""
    handled = 0
    for _batch in range(max_batches):
        with transaction.atomic():
            moment = now or timezone.now()
            if not Deadline.objects.filter(state=DeadlineState.PENDING, next_check_at__lte=moment).exists():
                break
            batch = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("rule", "case__school", "case__jurisdiction")
                .filter(state=DeadlineState.PENDING, next_check_at__lte=moment)
                .order_by("next_check_at")[:batch_size]
            )
            for deadline in batch:
                _deadline_process(deadline, moment)
            if batch:
                transaction.on_commit(_enqueue_delivery)
        handled += len(batch)
        if len(batch) < batch_size:
            break
    return handled


def _enqueue_delivery() -> None:
    from notifications.tasks import deliver_outbox

    try:
        deliver_outbox.delay()
    except Exception:  # the broker may be down: the periodic delivery will pick the messages up
        log.warning("Could not enqueue outbox delivery; the periodic task will deliver.")


# --- Delivering the outbox -------------------------------------------------------------------

def outbox_deliver(*, batch_size: int = 100, max_batches: int = 50) -> int:
    """Send pending outbox messages; each is claimed under a row lock and marked sent once.

    In-app messages are marked in one transaction per batch. An e-mail leaves the
    system, so each is committed on its own right after it is handed over: a
    worker killed mid-batch repeats at most the one e-mail it had in hand, not
    the batch's (tests/faults/test_worker_faults.py).
    """
    sent = 0
    for _batch in range(max_batches):
        with transaction.atomic():
            batch = list(
                OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("case__school", "recipient")
                .filter(status=OutboxStatus.PENDING).order_by("created_at")[:batch_size]
            )
            emails = []
            for message in batch:
                if message.channel == Channel.EMAIL:
                    emails.append(message.pk)
                else:
                    _deliver_one(message)
                    sent += 1
        for pk in emails:
            with transaction.atomic():
                message = (
                    OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("case__school", "recipient")
                    .filter(pk=pk, status=OutboxStatus.PENDING).first()
                )
                if message is not None:  # else another deliverer has it, or has sent it
                    _deliver_one(message)
                    sent += 1
        if len(batch) < batch_size:
            break
    return sent


def _deliver_one(message: OutboxMessage) -> None:
    message.attempts += 1
    if message.channel == Channel.EMAIL:
        language = messages.language_for(message.recipient)
        with translation.override(language):
            subject, body = messages.render(message)
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [message.recipient.email])
        except Exception:
            log.warning("E-mail delivery failed for outbox message %s", message.pk)
            if message.attempts >= 5:
                message.status = OutboxStatus.FAILED
            message.save(update_fields=["attempts", "status"])
            return
    message.status, message.sent_at = OutboxStatus.SENT, timezone.now()
    message.save(update_fields=["attempts", "status", "sent_at"])


def outbox_mark_read(*, user, message_ids) -> int:
    """Mark the user's own in-app messages read (someone else's ids are ignored)."""
    if not message_ids:
        return 0
    return OutboxMessage.objects.filter(pk__in=message_ids, recipient=user, read_at__isnull=True) \
        .update(read_at=timezone.now())
