"""The navigation's links on every page (templates/base.html): which to show, cheaply.

A link is shown when the user has something behind it, by the same rule as the page's own
selector, read here off the user's memberships (``agencies.selectors.memberships_of``: one
query a request, shared with the time zone and the dashboards' scopes):

- "New report": a school role that files reports (``agencies.selectors.schools_for_intake``),
  or an intake role in an agency that opens cases itself (``cases.intake.agencies_for_intake``);
- "Commission": a head or secretary of a school (``commission.selectors.commission_schools_for_user``),
  a seat in a school's commission, or an open invitation to a meeting;
- "Pupils' reports": a school role that reads them (``tipline.permissions.triage_schools``);
- "Help directory": any membership (``directory.permissions.reader_jurisdictions``);
- "Dashboards": a scope of the user's own (``oversight.scopes.user_sees_dashboards``, itself off
  the memberships);
- the bell: the unread in-app notices (``notifications.selectors.unread_in_app``).

The seat, the invitation and the bell's count are one more query. tests/test_nav.py checks
every demo login against the selectors themselves. The links are a hint: every page still
checks its own permission.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, IntegerField, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.functional import SimpleLazyObject


@dataclass(frozen=True)
class NavLinks:
    new_report: bool = False
    commission: bool = False
    triage: bool = False
    directory: bool = False
    dashboards: bool = False
    unread: int = 0


NONE = NavLinks()


def nav_links(user) -> NavLinks:
    """Which of the navigation's links ``user`` sees, and how many notices are unread."""
    if not getattr(user, "is_authenticated", False):
        return NONE
    cached = getattr(user, "_nav_links", None)
    if cached is not None:
        return cached
    from agencies.models import SCHOOL_INTAKE_ROLES, AgencyKind, StaffRole
    from agencies.selectors import memberships_of
    from cases.intake import AGENCY_INTAKE_ROLES, INTAKE_AGENCY_KINDS
    from commission.models import CompositionMember, Invitation
    from notifications.selectors import unread_in_app
    from oversight.scopes import user_sees_dashboards
    from tipline.permissions import READ_ROLES

    unread = unread_in_app(user).order_by().values("recipient_id").annotate(n=Count("pk")).values("n")
    row = (get_user_model().objects.filter(pk=user.pk).annotate(
        seat=Exists(CompositionMember.objects.filter(user=user, composition__commission__school__kind=AgencyKind.SCHOOL)),
        invitation=Exists(Invitation.objects.filter(user=user, revoked_at__isnull=True)),
        unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
    ).values("seat", "invitation", "unread").first()) or {"seat": False, "invitation": False, "unread": 0}

    at_school = [m.role for m in memberships_of(user) if m.agency.kind == AgencyKind.SCHOOL]
    intake_agency = any(m.role in AGENCY_INTAKE_ROLES
                        and m.agency.kind in INTAKE_AGENCY_KINDS.get(m.agency.jurisdiction.code, ())
                        for m in memberships_of(user))
    links = NavLinks(
        new_report=intake_agency or any(role in SCHOOL_INTAKE_ROLES for role in at_school),
        commission=(row["seat"] or row["invitation"]
                    or any(role in (StaffRole.HEAD, StaffRole.COMMISSION_SECRETARY) for role in at_school)),
        triage=any(role in READ_ROLES for role in at_school),
        directory=user.is_superuser or bool(memberships_of(user)),
        dashboards=user_sees_dashboards(user),
        unread=row["unread"],
    )
    user._nav_links = links
    return links


def nav_context(request) -> dict:
    """Context processor: ``nav``, asked only when a page renders the navigation."""
    user = getattr(request, "user", None)
    return {"nav": SimpleLazyObject(lambda: nav_links(user))}
