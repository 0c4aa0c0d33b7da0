"""The sweep: what is due is escalated once, in batches (DESIGN §2).

``deadlines_sweep`` claims due rows with ``SELECT … FOR UPDATE SKIP LOCKED`` and,
in the same transaction, writes the batch's escalations, their outbox messages,
the deadlines' new state, the audit events and the cases' overdue marks. A second
sweep running at the same time skips the locked rows; a repeated sweep finds them
already handled; the unique constraints on escalations and outbox messages stay
the arbiters of "exactly once".

A batch costs a fixed number of statements, not some per row: the escalation
ladder's recipients are resolved for the whole batch at once (``ladder_recipients_many``)
and every kind of row is written with one bulk INSERT.
"""

import datetime as dt
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Membership, StaffRole
from cases.overdue import cases_mark_overdue
from notifications import messages
from notifications.models import Deadline, DeadlineState, Escalation, EscalationKind, EscalationStep, OutboxMessage
from notifications.services.clocks import next_check, reminder_times
from notifications.services.outbox import delivery_enqueue, outbox_rows
from privacy.audit import audit_record_many
from privacy.models import AuditAction

LADDER_AGENCY_KINDS = {
    EscalationStep.REGIONAL_OMBUDSMAN: (AgencyKind.REGIONAL_OMBUDSMAN,),
    EscalationStep.LOCAL_EXECUTIVE: (AgencyKind.LOCAL_EXECUTIVE, AgencyKind.LOCAL_SELF_GOVERNMENT),
}
SWEEP_BATCH = 200


# --- Who hears of a reminder or a breach ----------------------------------------------------

def _ladder_key(deadline: Deadline, steps) -> tuple:
    # Everything the recipients depend on: the rule (responsible kind and role), the case's
    # school (its region and jurisdiction), the steps of the ladder, and the clock's own
    # responsible agency and person where it names them (a support plan item's owner).
    return (deadline.rule_id, deadline.case.school_id or deadline.case.intake_agency_id, tuple(steps),
            deadline.responsible_agency_id, deadline.responsible_user_id)


def ladder_recipients_many(items) -> dict[tuple, list[tuple[int, str]]]:
    """Recipients of many (deadline, ladder steps) pairs: ``{_ladder_key: [(user id, e-mail)]}``.

    Two queries for any number of pairs (three when a responsible kind has no agency
    in a case's region and the whole jurisdiction's answer): the agencies concerned,
    then their active members.
    """
    wanted, owners = {}, {}
    for deadline, steps in items:
        key = _ladder_key(deadline, steps)
        # A case an agency opened has no school: its place is the intake agency's.
        wanted.setdefault(key, (deadline.rule, deadline.case.home_agency, tuple(steps)))
        owners[key] = (deadline.responsible_agency_id, deadline.responsible_user_id)
    if not wanted:
        return {}
    places, kinds = set(), set()
    for rule, school, steps in wanted.values():
        places.add((school.jurisdiction_id, school.region_id))
        if rule.responsible_agency_kind != AgencyKind.SCHOOL:
            kinds.add(rule.responsible_agency_kind)
        for step in steps:
            kinds.update(LADDER_AGENCY_KINDS.get(step, ()))
    agencies = defaultdict(list)  # (jurisdiction, kind) -> [(agency id, region id)]
    if kinds:
        regions = {region for _j, region in places}
        for pk, kind, jurisdiction_id, region_id in Agency.objects.filter(
                Q(region_id__in=regions) | Q(region__isnull=True),
                jurisdiction_id__in={j for j, _r in places}, kind__in=kinds,
        ).values_list("pk", "kind", "jurisdiction_id", "region_id"):
            agencies[jurisdiction_id, kind].append((pk, region_id))

    def near(jurisdiction_id, region_id, kind) -> list[int]:
        return [pk for pk, region in agencies[jurisdiction_id, kind] if region in (region_id, None)]

    # A responsible kind with no agency in the region or country-wide: the whole jurisdiction's.
    fallback = {(rule.responsible_agency_kind, school.jurisdiction_id)
                for rule, school, _s in wanted.values() if rule.responsible_agency_kind != AgencyKind.SCHOOL
                and not near(school.jurisdiction_id, school.region_id, rule.responsible_agency_kind)}
    everywhere = defaultdict(list)
    if fallback:
        q = Q(pk__in=[])
        for kind, jurisdiction_id in fallback:
            q |= Q(kind=kind, jurisdiction_id=jurisdiction_id)
        for pk, kind, jurisdiction_id in Agency.objects.filter(q).values_list("pk", "kind", "jurisdiction_id"):
            everywhere[jurisdiction_id, kind].append(pk)

    plans, agency_ids, persons = {}, set(), {}
    for key, (rule, school, steps) in wanted.items():
        j, region = school.jurisdiction_id, school.region_id
        owner_agency, owner_user = owners[key]
        if owner_agency:
            responsible = [owner_agency]
        elif rule.responsible_agency_kind == AgencyKind.SCHOOL:
            responsible = [school.pk]
        else:
            responsible = (near(j, region, rule.responsible_agency_kind)
                           or everywhere[j, rule.responsible_agency_kind])
        wants = []  # (agency ids, role or None for any role)
        for step in steps:
            if step == EscalationStep.RESPONSIBLE and owner_user:
                persons[key] = owner_user  # the owner person, whatever their role
            elif step == EscalationStep.RESPONSIBLE:
                wants.append((responsible, rule.responsible_role))
            elif step == EscalationStep.AGENCY_HEAD:
                wants.append((responsible, StaffRole.HEAD))
            elif step in LADDER_AGENCY_KINDS:
                wants.append(([pk for kind in LADDER_AGENCY_KINDS[step] for pk in near(j, region, kind)], None))
        if rule.responsible_agency_kind == AgencyKind.SCHOOL:
            # KZ §5: "Әрбір білім беру ұйымында педагогтер арасынан балаларды зорлық-зомбылықтан ...
            # қорғау жөніндегі үйлестіруші тағайындалуы тиіс": the school's protection coordinator
            # works its cases, so every reminder and breach of a school's clock reaches them too.
            wants.append(([school.pk], StaffRole.COORDINATOR))
        plans[key] = wants
        agency_ids.update(pk for ids, _role in wants for pk in ids)

    members = defaultdict(list)  # agency id -> [(user id, role, e-mail)]
    for user_id, agency_id, role, email in Membership.objects.filter(
            agency_id__in=agency_ids, user__is_active=True).values_list("user_id", "agency_id", "role", "user__email"):
        members[agency_id].append((user_id, role, email))
    person_emails = dict(get_user_model().objects.filter(pk__in=set(persons.values()), is_active=True)
                         .values_list("pk", "email")) if persons else {}
    result = {}
    for key, wants in plans.items():
        users = {}
        if persons.get(key) in person_emails:
            users[persons[key]] = person_emails[persons[key]]
        for ids, role in wants:
            for pk in ids:
                for user_id, member_role, email in members[pk]:
                    if role is None or member_role == role:
                        users[user_id] = email
        result[key] = sorted(users.items())
    return result


def ladder_recipients(deadline: Deadline, steps) -> list:
    """The users a reminder or breach of this deadline reaches through these ladder steps."""
    pairs = ladder_recipients_many([(deadline, steps)])[_ladder_key(deadline, steps)]
    return list(get_user_model().objects.filter(pk__in=[pk for pk, _email in pairs]).order_by("pk"))


def _ladder(deadline: Deadline, kind: str) -> list[str]:
    if kind == EscalationKind.BREACH and deadline.rule.escalation_ladder:
        return deadline.rule.escalation_ladder
    return [EscalationStep.RESPONSIBLE]


# --- The sweep -------------------------------------------------------------------------------

def _escalate_many(escalations: list[Escalation], now: dt.datetime) -> None:
    """Write the escalations and all their messages: one INSERT each, whatever their number."""
    Escalation.objects.bulk_create(escalations)  # the unique constraint refuses a second one
    recipients = ladder_recipients_many([(e.deadline, _ladder(e.deadline, e.kind)) for e in escalations])
    rows = []
    for escalation in escalations:
        deadline = escalation.deadline
        key = messages.DEADLINE_BREACHED if escalation.kind == EscalationKind.BREACH else messages.DEADLINE_REMINDER
        rows += outbox_rows(recipients=recipients[_ladder_key(deadline, _ladder(deadline, escalation.kind))],
                            case_id=deadline.case_id, key=key, now=now, escalation=escalation,
                            params={"rule": deadline.rule.code, "due_at": deadline.due_at.isoformat()})
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)


def _batch_process(batch: list[Deadline], now: dt.datetime) -> None:
    """Escalate a claimed batch: breaches of what is due, reminders of what is near."""
    breached, escalations, checked = [], [], []
    for deadline in batch:
        if now >= deadline.due_at:
            breached.append(deadline)
            escalations.append(Escalation(deadline=deadline, kind=EscalationKind.BREACH, step=0, created_at=now))
            continue
        due_reminders = sum(1 for t in reminder_times(deadline) if t <= now)
        if due_reminders > deadline.reminders_sent:
            escalations.append(Escalation(deadline=deadline, kind=EscalationKind.REMINDER, step=due_reminders,
                                          created_at=now))
            deadline.reminders_sent = due_reminders
        deadline.next_check_at = next_check(deadline, now)
        checked.append(deadline)
    if escalations:
        _escalate_many(escalations, now)
    if checked:
        Deadline.objects.bulk_update(checked, ["reminders_sent", "next_check_at"])
    if breached:
        Deadline.objects.filter(pk__in=[d.pk for d in breached]).update(
            state=DeadlineState.BREACHED, next_check_at=None)
        for deadline in breached:
            deadline.state, deadline.next_check_at = DeadlineState.BREACHED, None
        audit_record_many(actor=None, action=AuditAction.DEADLINE_BREACH,
                          events=[(d.case_id, {"rule": d.rule.code}) for d in breached])
        # A breach makes its case overdue until the clock is met or waived (clocks.case_overdue_refresh).
        cases_mark_overdue(case_ids=[d.case_id for d in breached])


def deadlines_sweep(*, now: dt.datetime | None = None, batch_size: int = SWEEP_BATCH,
                    max_batches: int = 50) -> int:
    """Handle every deadline whose next check is due; returns how many were handled."""
    handled = 0
    for _batch in range(max_batches):
        with transaction.atomic():
            moment = now or timezone.now()
            batch = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("rule", "case__school", "case__intake_agency", "case__jurisdiction")
                .filter(state=DeadlineState.PENDING, next_check_at__lte=moment)
                .order_by("next_check_at")[:batch_size]
            )
            if batch:
                _batch_process(batch, moment)
                delivery_enqueue()
        handled += len(batch)
        if len(batch) < batch_size:
            break
    return handled
