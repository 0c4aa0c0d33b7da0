"""The navigation's links on every page (templates/base.html): which to show, in one query.

A link is shown when the user has something behind it. The test is each app's own selector,
so that a link and its page agree:

- "New report": ``agencies.selectors.schools_for_intake`` or ``cases.intake.agencies_for_intake``;
- "Commission": ``commission.selectors.commission_schools_for_user`` or an open invitation;
- "Pupils' reports": ``tipline.permissions.triage_schools``;
- "Help directory": ``directory.permissions.reader_jurisdictions``;
- the bell: ``notifications.selectors.unread_count``.

They are asked as EXISTS (and one COUNT) inside a single statement rather than one query per link,
and the answer is kept on the user object for the rest of the request. The links are a hint:
every page still checks its own permission.
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
    unread: int = 0


NONE = NavLinks()


def nav_links(user) -> NavLinks:
    """Which of the navigation's links ``user`` sees, and how many notices are unread."""
    if not getattr(user, "is_authenticated", False):
        return NONE
    cached = getattr(user, "_nav_links", None)
    if cached is not None:
        return cached
    from agencies.selectors import schools_for_intake
    from cases.intake import agencies_for_intake
    from commission.models import Invitation
    from commission.selectors import commission_schools_for_user
    from directory.permissions import reader_jurisdictions
    from notifications.selectors import unread_in_app
    from tipline.permissions import triage_schools

    unread = (unread_in_app(user).order_by().values("recipient_id")
              .annotate(n=Count("pk")).values("n"))
    row = (get_user_model().objects.filter(pk=user.pk).annotate(
        intake_school=Exists(schools_for_intake(user)),
        intake_agency=Exists(agencies_for_intake(user)),
        commission_school=Exists(commission_schools_for_user(user)),
        invitation=Exists(Invitation.objects.filter(user=user, revoked_at__isnull=True)),
        triage=Exists(triage_schools(user)),
        directory=Exists(reader_jurisdictions(user)),
        unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
    ).values("intake_school", "intake_agency", "commission_school", "invitation", "triage", "directory",
             "unread").first())
    if row is None:
        return NONE
    links = NavLinks(new_report=row["intake_school"] or row["intake_agency"],
                     commission=row["commission_school"] or row["invitation"],
                     triage=row["triage"], directory=row["directory"], unread=row["unread"])
    user._nav_links = links
    return links


def nav_context(request) -> dict:
    """Context processor: ``nav``, asked only when a page renders the navigation."""
    user = getattr(request, "user", None)
    return {"nav": SimpleLazyObject(lambda: nav_links(user))}
