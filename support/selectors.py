"""Reads of support plans. A case's plans are read only after the case itself was fetched
through ``cases.selectors.case_get_for_user``; a plan or item id of another case is a 404."""

from django.db.models import OuterRef, Prefetch
from django.http import Http404
from django.utils import timezone

from cases import permissions
from cases.models import Case
from support.models import PlanItem, PlanReview, PlanStatus, ProgressNote, SupportPlan


def case_plans(case: Case) -> list[SupportPlan]:
    """The case's plans with their items, notes and reviews, in a fixed number of queries."""
    notes = ProgressNote.objects.select_related("by").order_by("at", "id")
    items = (PlanItem.objects.select_related("owner", "owner_agency", "done_by")
             .prefetch_related(Prefetch("notes", queryset=notes)).order_by("due_on", "created_at", "id"))
    reviews = PlanReview.objects.select_related("by").order_by("at", "id")
    return list(SupportPlan.objects.filter(case=case).select_related("party", "agency", "created_by")
                .prefetch_related(Prefetch("items", queryset=items), Prefetch("reviews", queryset=reviews))
                .order_by("created_at", "id"))


def plan_get(case: Case, plan_id) -> SupportPlan:
    plan = SupportPlan.objects.select_related("case__jurisdiction", "party", "agency").filter(
        pk=plan_id, case=case).first()
    if plan is None:
        raise Http404
    return plan


def item_get(case: Case, item_id) -> PlanItem:
    item = (PlanItem.objects.select_related("plan__case__jurisdiction", "plan__party", "owner_agency")
            .filter(pk=item_id, plan__case=case).first())
    if item is None:
        raise Http404
    return item


def open_monitoring_count(case: Case) -> int:
    """The commission's open measures for the case not yet in a plan (UA IV.3, IV.10)."""
    from commission.models import MonitoringItem

    return MonitoringItem.objects.filter(decision__agenda_item__case=case, done_at__isnull=True,
                                         plan_item__isnull=True).count()


def my_plan_items(user):
    """Open items the user owns, on cases they may still open, overdue (earliest due) first."""
    return (PlanItem.objects.filter(owner=user, done_at__isnull=True)
            .exclude(plan__status=PlanStatus.CLOSED)
            .filter(permissions.case_visible(user, OuterRef("plan__case_id")))
            .select_related("plan__case__school", "plan__case__jurisdiction", "plan__party", "owner_agency")
            .prefetch_related("notes").order_by("due_on", "created_at", "id"))


def is_overdue(item: PlanItem, case: Case) -> bool:
    return item.done_at is None and case.jurisdiction.local_date(timezone.now()) > item.due_on
