"""The case's overdue mark: whether one of its statutory clocks is breached.

Notifications knows the clocks and decides; this module writes the mark on the
case and on its access rows (the lists filter on both). It imports nothing
above cases, so the clock services can call it without an import circle
(``cases.services`` starts clocks through ``notifications.services.clocks``).
"""

from django.utils import timezone

from cases import permissions
from cases.models import Case, CaseAccess


def case_overdue_set(*, case: Case, overdue: bool) -> None:
    """Mark the case as having a breached statutory clock, or clear the mark. The caller
    holds the case's row lock, so that a breach and a late meeting of two clocks cannot cross."""
    if case.is_overdue == overdue:
        return
    case.is_overdue = overdue
    case.save(update_fields=["is_overdue", "updated_at"])
    permissions.access_sync(case)


def cases_mark_overdue(*, case_ids) -> int:
    """Mark many cases overdue at once (a sweep batch's breaches); returns how many changed.

    Locks the cases in id order, so two sweeps whose batches share cases cannot
    deadlock on them; three statements whatever the number of cases.
    """
    ids = list(Case.objects.select_for_update().filter(pk__in=set(case_ids), is_overdue=False)
               .order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    Case.objects.filter(pk__in=ids).update(is_overdue=True, updated_at=timezone.now())
    CaseAccess.objects.filter(case_id__in=ids).update(is_overdue=True)
    return len(ids)
