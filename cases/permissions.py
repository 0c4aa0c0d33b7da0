"""Object permissions on cases: the only module that talks to django-guardian.

Codenames (DESIGN §4): ``view_case`` (the facts), ``view_case_identity`` (the
parties' names and contacts), ``change_case``. Grants go mostly to an
agency's case group, and to individual users where a role sees only its own
reports (a class teacher).

Every ``view_case`` grant also writes a ``CaseAccess`` row in the same
transaction: the lists' copy of the grant, ordered like the lists, so that a
page is an index range per grantee (``cases.selectors.case_page``). Single-object
checks still ask guardian (``has_case_perm``).
"""

from django.db.models import Exists, OuterRef, Q
from guardian.shortcuts import (
    assign_perm, get_groups_with_perms, get_user_perms, get_users_with_perms, remove_perm,
)

from cases.models import Case, CaseAccess

VIEW = "view_case"
VIEW_IDENTITY = "view_case_identity"
CHANGE = "change_case"
CASE_TEAM_PERMS = (VIEW, VIEW_IDENTITY, CHANGE)
SHARED_AGENCY_PERMS = (VIEW, VIEW_IDENTITY)


def kind_codes(kinds) -> str:
    """The access row's copy of the case's kinds, searchable as ``,kind,``."""
    return "," + ",".join(sorted(kinds)) + "," if kinds else ""


def _access_add(case: Case, **grantee) -> None:
    # ON CONFLICT DO NOTHING: granting twice (a second notice to the same agency) is a no-op.
    CaseAccess.objects.bulk_create([CaseAccess(
        case=case, received_at=case.received_at, status=case.status, is_urgent=case.is_urgent,
        is_overdue=case.is_overdue, kind_codes=kind_codes(case.kinds), **grantee,
    )], ignore_conflicts=True)


def grant_to_group(case: Case, group, codenames=CASE_TEAM_PERMS) -> None:
    for codename in codenames:
        assign_perm(f"cases.{codename}", group, case)
    if VIEW in codenames:
        _access_add(case, group=group)


def grant_to_user(case: Case, user, codenames=CASE_TEAM_PERMS) -> None:
    for codename in codenames:
        assign_perm(f"cases.{codename}", user, case)
    if VIEW in codenames:
        _access_add(case, user=user)


def revoke_from_user(case: Case, user, codenames) -> None:
    """Take back permissions granted to the user personally (not those of their groups)."""
    for codename in codenames:
        remove_perm(f"cases.{codename}", user, case)
    if VIEW in codenames:
        CaseAccess.objects.filter(case=case, user=user).delete()


def user_perms_on(user, case: Case) -> set[str]:
    """The codenames the user holds on the case personally (not through a group)."""
    return set(get_user_perms(user, case))


def has_case_perm(user, codename: str, case: Case) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm(f"cases.{codename}", case)


def access_sync(case: Case) -> None:
    """Copy the case's list columns into its access rows, after the case changed them."""
    CaseAccess.objects.filter(case_id=case.pk).update(
        received_at=case.received_at, status=case.status, is_urgent=case.is_urgent, is_overdue=case.is_overdue,
        kind_codes=kind_codes(case.kinds))


def access_assign(case: Case, group, assignee, at) -> None:
    """Record who in the agency of ``group`` holds the case (None: nobody)."""
    CaseAccess.objects.filter(case_id=case.pk, group=group).update(assignee=assignee, assigned_at=at)


def grantees(user) -> tuple[int | None, list[int]]:
    """(the user's id, their groups' ids): whose grants a user's lists read. One query."""
    if not user.is_authenticated or not user.is_active:
        return None, []
    return user.pk, list(user.groups.values_list("pk", flat=True))


def _grants_of(user) -> Q:
    groups = user.groups.through.objects.filter(user_id=user.pk).values("group_id")
    return Q(user_id=user.pk) | Q(group_id__in=groups)


def case_visible(user, case_ref=OuterRef("case_id")) -> Exists:
    """Whether the user may see the case ``case_ref`` points at, for an annotation or a filter.

    One probe of the access table by case (its unique (case, grantee) indexes), for
    rows already chosen by something else (an inbox page, agenda items).
    """
    if not user.is_authenticated or not user.is_active:
        return Exists(CaseAccess.objects.none())
    return Exists(CaseAccess.objects.filter(_grants_of(user), case_id=case_ref))


def grants_copy(source: Case, target: Case) -> list[int]:
    """Give ``target`` the grants every group and user holds on ``source`` (a merged duplicate's
    agencies keep working the incident in the case kept). Returns the groups' ids."""
    groups = get_groups_with_perms(source, attach_perms=True)
    for group, perms in groups.items():
        grant_to_group(target, group, tuple(p for p in perms if p in CASE_TEAM_PERMS))
    for user, perms in get_users_with_perms(source, attach_perms=True, with_group_users=False).items():
        grant_to_user(target, user, tuple(p for p in perms if p in CASE_TEAM_PERMS))
    return [g.pk for g in groups]


def is_intake_worker(user, case: Case) -> bool:
    """Whether the user works the case for the agency that received it (only that agency edits
    its facts): its case group, or the teacher who filed it (a personal grant)."""
    if not has_case_perm(user, CHANGE, case):
        return False
    return (user.groups.filter(pk=case.intake_agency.case_group_id).exists()
            or CHANGE in user_perms_on(user, case))
