"""A support plan's clocks in the existing engine (notifications.Deadline).

An item is a clock of rule ``<jurisdiction>.support_item`` with subject ``plan_item:<id>``,
due at the end of its due date in the case's local time, naming the item's owner agency and
person (``Deadline.responsible_agency`` / ``responsible_user``), so that the sweep's reminders
reach the owner and its breach climbs from the owner agency. A plan's review is a clock of rule
``<jurisdiction>.support_review`` with subject ``plan_review:<id>:<n>``. Meeting them goes through
``notifications.services.clocks.deadlines_satisfy`` (which clears the case's overdue mark).
"""

import datetime as dt

from django.utils import timezone

from notifications.calendar import WorkingCalendar
from notifications.models import Deadline, DeadlineRule, DeadlineState, SatisfyEvent, StartEvent
from notifications.services.clocks import deadlines_satisfy, next_check


def _rule(case, event: str) -> DeadlineRule | None:
    return DeadlineRule.objects.filter(jurisdiction_id=case.jurisdiction_id, start_event=event,
                                       is_active=True).order_by("code").first()


def _start(*, case, event: str, party, subject: str, day: dt.date, at: dt.datetime,
           agency=None, user=None) -> Deadline | None:
    rule = _rule(case, event)
    if rule is None:  # a jurisdiction whose protocol has no plan clocks
        return None
    at = at.astimezone(dt.timezone.utc)
    due = WorkingCalendar(case.jurisdiction).end_of_day(day)
    deadline = Deadline(case=case, rule=rule, party=party, anchor_at=at, started_at=min(at, due), due_at=due,
                        subject=subject, responsible_agency=agency, responsible_user=user)
    deadline.next_check_at = next_check(deadline, timezone.now())
    Deadline.objects.bulk_create([deadline], ignore_conflicts=True)
    return deadline


def item_clock_start(*, item, at: dt.datetime) -> Deadline | None:
    plan = item.plan
    return _start(case=plan.case, event=StartEvent.PLAN_ITEM_ADDED, party=plan.party, subject=item.clock_subject,
                  day=item.due_on, at=at, agency=item.owner_agency, user=item.owner)


def item_clock_meet(*, item, at: dt.datetime, by) -> int:
    return deadlines_satisfy(case=item.plan.case, event=SatisfyEvent.PLAN_ITEM_DONE, at=at, by=by,
                             subject=item.clock_subject)


def review_clock_start(*, plan, at: dt.datetime) -> Deadline | None:
    if plan.next_review_on is None:
        return None
    return _start(case=plan.case, event=StartEvent.PLAN_REVIEW_SCHEDULED, party=plan.party,
                  subject=plan.review_subject, day=plan.next_review_on, at=at, agency=plan.agency,
                  user=plan.created_by)


def review_clock_meet(*, plan, at: dt.datetime, by) -> int:
    return deadlines_satisfy(case=plan.case, event=SatisfyEvent.PLAN_REVIEWED, at=at, by=by,
                             subject=plan.review_subject)


def item_clock_follow(*, item) -> None:
    """A running item clock follows the item's new due date and owner; a breached one stays."""
    deadline = (Deadline.objects.select_for_update().select_related("rule")
                .filter(case_id=item.plan.case_id, subject=item.clock_subject, state=DeadlineState.PENDING).first())
    if deadline is None:
        return
    deadline.due_at = WorkingCalendar(item.plan.case.jurisdiction).end_of_day(item.due_on)
    deadline.started_at = min(deadline.started_at, deadline.due_at)
    deadline.responsible_agency, deadline.responsible_user = item.owner_agency, item.owner
    deadline.next_check_at = next_check(deadline, timezone.now())
    deadline.save(update_fields=["due_at", "started_at", "responsible_agency", "responsible_user", "next_check_at"])

