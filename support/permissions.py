"""Who may do what with a case's support plans (SPEC H6; house rule: only the recording agency edits).

- Everyone who may read the case sees its plans (free text only with ``view_case_identity``).
- The school's case team and the case workers of every agency holding the case draw up
  plans and add items, on behalf of that agency (the "acting" agency).
- An item's owner person, the case workers of its owner agency and of the agency that drew
  up the plan write progress notes and mark the item done.
- Only the agency that drew up a plan records the parents' agreement, reviews and closes it.
"""

from agencies.models import Agency, Membership
from cases import permissions
from cases.models import Case, CaseAccess


def holding_agencies(case: Case):
    """The agencies holding the case: those whose case group has access to it (the school first)."""
    groups = CaseAccess.objects.filter(case_id=case.pk, group__isnull=False).values("group_id")
    return Agency.objects.filter(case_group_id__in=groups)


def acting_agencies(user, case: Case) -> list[Agency]:
    """The holding agencies the user works the case for: the school first, then by name."""
    if not permissions.has_case_perm(user, permissions.VIEW, case):
        return []
    memberships = (Membership.objects.filter(user=user, agency__in=holding_agencies(case))
                   .select_related("agency").order_by("agency__name", "agency_id"))
    agencies = {}
    for membership in memberships:
        if membership.works_cases:
            agencies.setdefault(membership.agency_id, membership.agency)
    return sorted(agencies.values(), key=lambda a: (a.pk != case.school_id, a.name, a.pk))


def planning_agency(user, case: Case) -> Agency | None:
    """The agency on whose behalf the user draws up plans and items, or None."""
    agencies = acting_agencies(user, case)
    return agencies[0] if agencies else None


def can_edit_plan(user, plan, *, acting=None) -> bool:
    acting = acting if acting is not None else acting_agencies(user, plan.case)
    return plan.agency_id in {a.pk for a in acting}


def can_work_item(user, item, *, acting=None) -> bool:
    """The owner person, or a case worker of the owner agency or of the plan's agency."""
    plan = item.plan
    if acting is None:  # else the caller fetched the case for this user and asked once for all items
        if not permissions.has_case_perm(user, permissions.VIEW, plan.case):
            return False
        acting = acting_agencies(user, plan.case)
    if item.owner_id == user.pk:
        return True
    return bool({item.owner_agency_id, plan.agency_id} & {a.pk for a in acting})


def owner_candidates(case: Case) -> list[tuple[Agency, list]]:
    """Who may own an item: each holding agency with its case workers (they can open the case)."""
    agencies = sorted(holding_agencies(case), key=lambda a: (a.pk != case.school_id, a.name, a.pk))
    by_agency = {a.pk: [] for a in agencies}
    seen = set()
    for membership in (Membership.objects.filter(agency_id__in=by_agency, user__is_active=True)
                       .select_related("user", "agency").order_by("user__last_name", "user__first_name", "user_id")):
        if membership.works_cases and (membership.agency_id, membership.user_id) not in seen:
            seen.add((membership.agency_id, membership.user_id))
            by_agency[membership.agency_id].append(membership.user)
    return [(a, by_agency[a.pk]) for a in agencies]
