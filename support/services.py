"""Writes on support plans (SPEC H1–H3, H6; KZ §39–§41; UA IV.3, IV.10, V.4).

Each service validates, raises ``InputError`` with per-field messages and saves nothing on
error, starts or meets the plan's clocks (support.clocks) and writes its audit event in the
same transaction. Audit details carry ids and codes only, never the free text.
"""

import calendar
import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Membership
from cases.models import Case, Party
from config import limits
from config.errors import InputError
from privacy.audit import audit_record
from privacy.models import AuditAction
from support import clocks
from support.models import (
    NEEDS_PARENTS_AGREEMENT, PLAN_KINDS, Measure, PlanItem, PlanReview, PlanStatus, ProgressNote, SupportPlan,
)
from support.permissions import acting_agencies, can_edit_plan, can_work_item, holding_agencies

MAX_REVIEW_MONTHS = 12
TEXT_MAX = limits.PLAN_NOTE_MAX_LENGTH


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _today(case: Case) -> dt.date:
    return case.jurisdiction.local_date(timezone.now())


def _refuse(field: str, message: str):
    raise InputError({field: [message]})


def _planner(user, case: Case):
    agencies = acting_agencies(user, case)
    if not agencies:
        _refuse("__all__", _("Only the school's case team and the agencies working the case draw up support plans."))
    return agencies


def _locked(plan: SupportPlan) -> SupportPlan:
    return SupportPlan.objects.select_for_update().select_related("case__jurisdiction", "party", "agency").get(
        pk=plan.pk)


# --- Plans -----------------------------------------------------------------------------------

@transaction.atomic
def plan_create(*, user, case: Case, party: Party | None, kind: str, agreed_with_parents_on: dt.date | None = None,
                review_interval_months: int | None = None, next_review_on: dt.date | None = None) -> SupportPlan:
    """Draw up a plan for one child of the case; an initiator's plan runs once the parents agreed (KZ §40)."""
    agency = _planner(user, case)[0]
    errors: dict = {}
    kinds = PLAN_KINDS.get(case.jurisdiction.code, {})
    today = _today(case)
    if kind not in kinds:
        errors["kind"] = [_("Choose a kind of plan of this case's country.")]
    if party is None or party.case_id != case.pk or not party.is_minor:
        errors["party"] = [_("Choose a child of this case.")]
    elif kind in kinds and party.role not in kinds[kind]:
        errors["party"] = [_("This kind of plan is for another party of the case.")]
    elif SupportPlan.objects.filter(party=party, kind=kind).exists():
        errors["party"] = [_("This child already has a plan of this kind.")]
    interval = review_interval_months or None
    if interval is not None and not 1 <= interval <= MAX_REVIEW_MONTHS:
        # UA V.4: monitoring at least once per half-year; the protocol allows a longer interval
        # up to a year for KZ plans, where the law sets none.
        errors["review_interval_months"] = [_("Review the plan at least once a year (1 to 12 months).")]
    if agreed_with_parents_on is not None:
        if agreed_with_parents_on > today:
            errors["agreed_with_parents_on"] = [_("The date cannot be in the future.")]
        elif agreed_with_parents_on < case.jurisdiction.local_date(case.received_at):
            errors["agreed_with_parents_on"] = [_("The date cannot be before the report was received.")]
    if next_review_on is not None and next_review_on <= today:
        errors["next_review_on"] = [_("The review date must be after today.")]
    if errors:
        raise InputError(errors)
    interval = interval or SupportPlan._meta.get_field("review_interval_months").default
    needs_agreement = kind in NEEDS_PARENTS_AGREEMENT
    status = PlanStatus.DRAFT if needs_agreement and agreed_with_parents_on is None else PlanStatus.ACTIVE
    plan = SupportPlan.objects.create(
        case=case, party=party, kind=kind, status=status,
        agreed_with_parents_at=agreed_with_parents_on if needs_agreement else None,
        review_interval_months=interval, next_review_on=next_review_on or add_months(today, interval),
        agency=agency, created_by=user)
    if status == PlanStatus.ACTIVE:
        clocks.review_clock_start(plan=plan, at=timezone.now())
    audit_record(actor=user, action=AuditAction.PLAN_CREATE, case_id=case.pk, detail={
        "plan": str(plan.pk), "party": str(party.pk), "kind": kind, "status": status})
    return plan


@transaction.atomic
def plan_agree(*, user, plan: SupportPlan, agreed_on: dt.date | None) -> SupportPlan:
    """KZ §40: record that the initiator's parents agreed the plan; its clocks start now."""
    plan = _locked(plan)
    case = plan.case
    if not can_edit_plan(user, plan):
        _refuse("__all__", _("Only the agency that drew up the plan changes it."))
    if plan.status != PlanStatus.DRAFT:
        _refuse("__all__", _("This plan is not waiting for the parents' agreement."))
    if agreed_on is None:
        _refuse("agreed_on", _("Enter the date the parents agreed the plan."))
    if agreed_on > _today(case):
        _refuse("agreed_on", _("The date cannot be in the future."))
    if agreed_on < case.jurisdiction.local_date(case.received_at):
        _refuse("agreed_on", _("The date cannot be before the report was received."))
    now = timezone.now()
    plan.agreed_with_parents_at, plan.status = agreed_on, PlanStatus.ACTIVE
    if plan.next_review_on is None or plan.next_review_on <= _today(case):
        plan.next_review_on = add_months(_today(case), plan.review_interval_months)
    plan.save(update_fields=["agreed_with_parents_at", "status", "next_review_on"])
    clocks.review_clock_start(plan=plan, at=now)
    for item in plan.items.select_related("plan__case__jurisdiction", "plan__party").filter(done_at__isnull=True):
        clocks.item_clock_start(item=item, at=now)
    audit_record(actor=user, action=AuditAction.PLAN_UPDATE, case_id=case.pk,
                 detail={"plan": str(plan.pk), "change": "agreed_with_parents"})
    return plan


@transaction.atomic
def plan_review(*, user, plan: SupportPlan, note: str, next_review_on: dt.date | None = None) -> PlanReview:
    """UA IV.3, V.4: monitor the plan (at least once per half-year): a note and the next date."""
    plan = _locked(plan)
    case = plan.case
    if not can_edit_plan(user, plan):
        _refuse("__all__", _("Only the agency that drew up the plan reviews it."))
    errors: dict = {}
    if plan.status != PlanStatus.ACTIVE:
        errors["__all__"] = [_("Only an active plan is reviewed.")]
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("Write what the review found.")]
    elif len(note) > TEXT_MAX:
        errors["note"] = [_("Keep the note under %(count)d characters.") % {"count": TEXT_MAX}]
    today = _today(case)
    if next_review_on is not None and next_review_on <= today:
        errors["next_review_on"] = [_("The next review date must be after today.")]
    if errors:
        raise InputError(errors)
    now = timezone.now()
    clocks.review_clock_meet(plan=plan, at=now, by=user)
    next_on = next_review_on or add_months(today, plan.review_interval_months)
    review = PlanReview.objects.create(plan=plan, note=note, next_review_on=next_on, by=user, at=now)
    plan.reviews_held += 1
    plan.next_review_on = next_on
    plan.save(update_fields=["reviews_held", "next_review_on"])
    clocks.review_clock_start(plan=plan, at=now)
    audit_record(actor=user, action=AuditAction.PLAN_REVIEW, case_id=case.pk,
                 detail={"plan": str(plan.pk), "review": str(review.pk), "number": plan.reviews_held})
    return review


@transaction.atomic
def plan_close(*, user, plan: SupportPlan) -> SupportPlan:
    """Close a plan whose every item is done; its review clock is met by the closing."""
    plan = _locked(plan)
    if not can_edit_plan(user, plan):
        _refuse("__all__", _("Only the agency that drew up the plan closes it."))
    if plan.status == PlanStatus.CLOSED:
        _refuse("__all__", _("This plan is already closed."))
    if plan.items.filter(done_at__isnull=True).exists():
        _refuse("__all__", _("Mark every item done before closing the plan."))
    now = timezone.now()
    clocks.review_clock_meet(plan=plan, at=now, by=user)
    plan.status, plan.closed_at = PlanStatus.CLOSED, now
    plan.save(update_fields=["status", "closed_at"])
    audit_record(actor=user, action=AuditAction.PLAN_UPDATE, case_id=plan.case_id,
                 detail={"plan": str(plan.pk), "change": "closed"})
    return plan


# --- Items -----------------------------------------------------------------------------------

def _owner_errors(case: Case, owner_agency, owner) -> dict:
    errors: dict = {}
    if owner_agency is None or not holding_agencies(case).filter(pk=owner_agency.pk).exists():
        errors["owner_agency"] = [_("Choose an agency working this case.")]
    elif owner is None:
        errors["owner"] = [_("Choose the person responsible.")]
    elif not any(m.works_cases for m in Membership.objects.filter(user=owner, agency=owner_agency,
                                                                  user__is_active=True).select_related("agency")):
        errors["owner"] = [_("Choose a case worker of the owner agency.")]
    return errors


@transaction.atomic
def plan_item_add(*, user, plan: SupportPlan, measure: str, detail: str, owner_agency, owner,
                  due_on: dt.date | None) -> PlanItem:
    """Add a measure with its owner and due date; its clock runs while the plan is active."""
    plan = _locked(plan)
    case = plan.case
    agency = _planner(user, case)[0]
    errors: dict = {}
    if plan.status == PlanStatus.CLOSED:
        errors["__all__"] = [_("This plan is closed.")]
    if measure not in Measure.values:
        errors["measure"] = [_("Choose a measure from the list.")]
    detail = (detail or "").strip()
    if measure == Measure.OTHER and not detail:
        errors["detail"] = [_("Describe the measure.")]
    elif len(detail) > TEXT_MAX:
        errors["detail"] = [_("Keep the details under %(count)d characters.") % {"count": TEXT_MAX}]
    errors.update(_owner_errors(case, owner_agency, owner))
    if due_on is None:
        errors["due_on"] = [_("Enter the due date.")]
    elif due_on < _today(case):
        errors["due_on"] = [_("The due date cannot be in the past.")]
    if errors:
        raise InputError(errors)
    item = PlanItem.objects.create(plan=plan, measure=measure, detail=detail, owner_agency=owner_agency,
                                   owner=owner, due_on=due_on, agency=agency, created_by=user)
    if plan.status == PlanStatus.ACTIVE:
        clocks.item_clock_start(item=item, at=timezone.now())
    audit_record(actor=user, action=AuditAction.PLAN_ITEM_ADD, case_id=case.pk, detail={
        "plan": str(plan.pk), "item": str(item.pk), "measure": measure, "owner_agency": owner_agency.code})
    return item


@transaction.atomic
def plan_item_update(*, user, item: PlanItem, owner_agency, owner, due_on: dt.date | None) -> PlanItem:
    """Change an open item's owner or due date (only the agency that added it); its running clock
    follows. A clock already breached stays on record as breached until the item is done."""
    item = _locked_item(item)
    case = item.plan.case
    if item.agency_id not in {a.pk for a in acting_agencies(user, case)}:
        _refuse("__all__", _("Only the agency that added the item changes it."))
    errors: dict = {}
    if item.done_at is not None:
        errors["__all__"] = [_("This item is already done.")]
    errors.update(_owner_errors(case, owner_agency, owner))
    if due_on is None:
        errors["due_on"] = [_("Enter the due date.")]
    elif due_on < _today(case) and due_on != item.due_on:
        errors["due_on"] = [_("The due date cannot be in the past.")]
    if errors:
        raise InputError(errors)
    changed = [name for name, value in (("owner_agency", owner_agency), ("owner", owner), ("due_on", due_on))
               if getattr(item, name) != value]
    if not changed:
        return item
    item.owner_agency, item.owner, item.due_on = owner_agency, owner, due_on
    item.save(update_fields=["owner_agency", "owner", "due_on"])
    clocks.item_clock_follow(item=item)
    audit_record(actor=user, action=AuditAction.PLAN_UPDATE, case_id=case.pk,
                 detail={"item": str(item.pk), "changed": changed})
    return item


def _locked_item(item: PlanItem) -> PlanItem:
    return (PlanItem.objects.select_for_update(of=("self",))
            .select_related("plan__case__jurisdiction", "plan__party", "owner_agency").get(pk=item.pk))


@transaction.atomic
def plan_item_progress(*, user, item: PlanItem, text: str) -> ProgressNote:
    item = _locked_item(item)
    if not can_work_item(user, item):
        _refuse("__all__", _("The item's owner, its agency or the plan's agency write its progress."))
    text = (text or "").strip()
    if not text:
        _refuse("text", _("Write the progress note."))
    if len(text) > TEXT_MAX:
        _refuse("text", _("Keep the note under %(count)d characters.") % {"count": TEXT_MAX})
    note = ProgressNote.objects.create(item=item, text=text, by=user, at=timezone.now())
    audit_record(actor=user, action=AuditAction.PLAN_ITEM_PROGRESS, case_id=item.plan.case_id,
                 detail={"item": str(item.pk), "note": str(note.pk)})
    return note


@transaction.atomic
def plan_item_done(*, user, item: PlanItem, note: str = "") -> PlanItem:
    """Mark a measure done: its clock is met, and the commission's monitoring item with it (UA IV.10)."""
    item = _locked_item(item)
    plan = item.plan
    if not can_work_item(user, item):
        _refuse("__all__", _("The item's owner, its agency or the plan's agency mark it done."))
    if item.done_at is not None:
        _refuse("__all__", _("This item is already done."))
    if plan.status != PlanStatus.ACTIVE:
        _refuse("__all__", _("The plan is not active: the parents have not agreed it yet, or it is closed."))
    note = (note or "").strip()
    if len(note) > TEXT_MAX:
        _refuse("note", _("Keep the note under %(count)d characters.") % {"count": TEXT_MAX})
    now = timezone.now()
    item.done_at, item.done_by = now, user
    item.save(update_fields=["done_at", "done_by"])
    if note:
        ProgressNote.objects.create(item=item, text=note, by=user, at=now)
    clocks.item_clock_meet(item=item, at=now, by=user)
    if item.monitoring_item_id:
        from commission.models import MonitoringItem

        MonitoringItem.objects.filter(pk=item.monitoring_item_id, done_at__isnull=True).update(done_at=now)
    late = plan.case.jurisdiction.local_date(now) > item.due_on
    audit_record(actor=user, action=AuditAction.PLAN_ITEM_DONE, case_id=plan.case_id,
                 detail={"item": str(item.pk), "late": late})
    return item


@transaction.atomic
def plan_items_from_monitoring(*, user, plan: SupportPlan) -> list[PlanItem]:
    """UA IV.3, IV.10: the commission's monitoring items of this case become items of this plan,
    each once; from then on the item is the one that is marked done (and marks the other)."""
    from commission.models import MonitoringItem

    plan = _locked(plan)
    case = plan.case
    if not can_edit_plan(user, plan):
        _refuse("__all__", _("Only the agency that drew up the plan adds the commission's measures to it."))
    if plan.status == PlanStatus.CLOSED:
        _refuse("__all__", _("This plan is closed."))
    pending = list(MonitoringItem.objects.select_for_update(of=("self",))
                   .filter(decision__agenda_item__case=case, done_at__isnull=True, plan_item__isnull=True)
                   .order_by("due_date", "id"))
    if not pending:
        _refuse("__all__", _("The commission has no open measures for this case that are not in a plan yet."))
    now = timezone.now()
    items = []
    for monitoring in pending:
        # The commission names the owner person; the school answers for its decision (UA IV.10).
        item = PlanItem.objects.create(
            plan=plan, measure=Measure.COMMISSION_MEASURE, detail=str(monitoring.description),
            owner_agency=case.school, owner=monitoring.owner, due_on=monitoring.due_date,
            monitoring_item=monitoring, agency=plan.agency, created_by=user)
        if plan.status == PlanStatus.ACTIVE:
            clocks.item_clock_start(item=item, at=now)
        audit_record(actor=user, action=AuditAction.PLAN_ITEM_ADD, case_id=case.pk, detail={
            "plan": str(plan.pk), "item": str(item.pk), "measure": item.measure,
            "owner_agency": case.school.code, "monitoring_item": monitoring.pk})
        items.append(item)
    return items
