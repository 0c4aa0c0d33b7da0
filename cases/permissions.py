"""Object permissions on cases: the only module that talks to django-guardian.

Codenames (DESIGN §4): ``view_case`` (the facts), ``view_case_identity`` (the
parties' names and contacts), ``change_case``. Grants go mostly to an
agency's case group, and to individual users where a role sees only its own
reports (a class teacher).
"""

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, Subquery
from guardian.shortcuts import assign_perm

from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission

VIEW = "view_case"
VIEW_IDENTITY = "view_case_identity"
CHANGE = "change_case"
CASE_TEAM_PERMS = (VIEW, VIEW_IDENTITY, CHANGE)
SHARED_AGENCY_PERMS = (VIEW, VIEW_IDENTITY)


def grant_to_group(case: Case, group, codenames=CASE_TEAM_PERMS) -> None:
    for codename in codenames:
        assign_perm(f"cases.{codename}", group, case)


def grant_to_user(case: Case, user, codenames=CASE_TEAM_PERMS) -> None:
    for codename in codenames:
        assign_perm(f"cases.{codename}", user, case)


def has_case_perm(user, codename: str, case: Case) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm(f"cases.{codename}", case)


def visible_cases_filter(user, codename: str = VIEW) -> Q:
    """A filter for the cases a user holds a permission on, as EXISTS subqueries.

    Not ``get_objects_for_user``: on large tables one subquery on the direct
    foreign-key tables stays flat where that grows with the table (DESIGN §4).
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    permission = Permission.objects.filter(content_type__app_label="cases", codename=codename).values("pk")
    by_user = CaseUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user=user, permission_id=Subquery(permission)
    )
    by_group = CaseGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"), group__user=user, permission_id=Subquery(permission)
    )
    return Q(Exists(by_user)) | Q(Exists(by_group))
