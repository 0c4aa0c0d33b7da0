"""Reads for assignment (issue #9): who in each agency holds a case, and whom a user may hand it to.

A case is held by an agency when the agency's case group has an access row on it
(cases.CaseAccess); that row also says which of the agency's people holds it. The
case comes through ``case_get_for_user``: whoever may read it sees who holds it in
every agency, so that they know whom to call (issue #9: "every agency user sees who
in their agency holds the case").
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from agencies.models import ASSIGNING_ROLES, Agency, Membership
from agencies.people import display_name
from cases.models import Case, CaseAccess


@dataclass
class Holding:
    """One agency's hold on a case: who works it there (None: nobody yet), since when."""

    agency: Agency
    assignee: object = None
    assigned_at: object = None
    # What the reader may do here (filled by ``assignment_options``).
    may_assign: bool = False
    may_take: bool = False
    may_hand_back: bool = False
    officers: list = field(default_factory=list)

    @property
    def assignee_name(self) -> str:
        return display_name(self.assignee) if self.assignee is not None else ""


def case_holdings(case: Case) -> list[Holding]:
    """Every agency holding the case, the school first, then by name. One query."""
    rows = (CaseAccess.objects.filter(case_id=case.pk, group__isnull=False)
            .select_related("group__agency__jurisdiction", "assignee"))
    holdings = [Holding(agency=row.group.agency, assignee=row.assignee, assigned_at=row.assigned_at)
                for row in rows if hasattr(row.group, "agency")]
    return sorted(holdings, key=lambda h: (h.agency.pk != case.school_id, h.agency.name))


def holding_agency(case: Case, ref) -> Agency | None:
    """The agency holding the case named by ``ref`` (its code, or its id), or None."""
    ref = str(ref or "").strip()
    if not ref:
        return None
    agencies = Agency.objects.filter(case_group__in=CaseAccess.objects.filter(
        case_id=case.pk, group__isnull=False).values("group_id"))
    by_ref = agencies.filter(pk=int(ref)) if ref.isdigit() else agencies.filter(code=ref)
    return by_ref.select_related("jurisdiction").first()


def user_get(user_id):
    """The active user with this id, or None."""
    return get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None


# --- Who may ----------------------------------------------------------------------------------


def memberships_in(user, agency: Agency) -> list[Membership]:
    if not user.is_authenticated or not user.is_active:
        return []
    return list(Membership.objects.filter(user=user, agency=agency).select_related("agency"))


def assigns_in(memberships) -> bool:
    """Issue #9: the agency's head or duty officer (a school's head or coordinator) hands out its cases."""
    return any(m.role in ASSIGNING_ROLES for m in memberships)


def works_cases_in(memberships) -> bool:
    return any(m.works_cases for m in memberships)


def agency_officers(agency: Agency) -> list:
    """The agency's active people whose role works its cases, by name: whom a case may be given to."""
    memberships = (Membership.objects.filter(agency=agency, user__is_active=True)
                   .select_related("user", "agency").order_by("user__last_name", "user__first_name", "user_id"))
    officers, seen = [], set()
    for membership in memberships:
        if membership.works_cases and membership.user_id not in seen:
            seen.add(membership.user_id)
            officers.append(membership.user)
    return officers


def is_officer_of(user, agency: Agency) -> bool:
    return user is not None and user.is_active and works_cases_in(memberships_in(user, agency))


def assignment_options(user, case: Case) -> list[Holding]:
    """The case's holdings with what ``user`` may do in each: assign (with the officers to
    choose from), take an unassigned case, or hand back the one they hold."""
    holdings = case_holdings(case)
    if not user.is_authenticated:
        return holdings
    mine = {}
    for membership in Membership.objects.filter(user=user, agency__in=[h.agency for h in holdings]) \
            .select_related("agency"):
        mine.setdefault(membership.agency_id, []).append(membership)
    for holding in holdings:
        memberships = mine.get(holding.agency.pk, [])
        if not memberships:
            continue
        works = works_cases_in(memberships)
        holding.may_assign = assigns_in(memberships)
        holding.may_take = works and not holding.may_assign and holding.assignee is None
        holding.may_hand_back = works and not holding.may_assign and holding.assignee == user
        if holding.may_assign:
            holding.officers = agency_officers(holding.agency)
    return holdings


def page_holders(user, cases) -> dict:
    """For a page of the case list: who holds each case in the reader's own agencies, as
    {case id: [names]} (absent: nobody). One query for the whole page, never one per row."""
    if not user.is_authenticated or not cases:
        return {}
    groups = user.groups.through.objects.filter(user_id=user.pk).values("group_id")
    rows = (CaseAccess.objects.filter(case_id__in=[case.pk for case in cases], group_id__in=groups,
                                      assignee__isnull=False)
            .select_related("assignee").order_by("case_id", "group_id"))
    held: dict = {}
    for row in rows:
        name = display_name(row.assignee)
        if name not in held.setdefault(row.case_id, []):
            held[row.case_id].append(name)
    return held
