from agencies.models import SCHOOL_INTAKE_ROLES, Agency, AgencyKind, Membership


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their agency, its jurisdiction and region, oldest first.

    Asked by several parts of one request (the time zone, the navigation, the dashboards'
    scopes), so read once and kept on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user)
                      .select_related("agency__jurisdiction", "agency__region__jurisdiction").order_by("pk"))
        user._memberships = cached
    return cached


def schools_for_intake(user):
    """Schools in which the user may file a report."""
    return Agency.objects.filter(
        kind=AgencyKind.SCHOOL, memberships__user=user, memberships__role__in=SCHOOL_INTAKE_ROLES
    ).distinct().select_related("jurisdiction")


def agency_list(*, jurisdiction=None):
    qs = Agency.objects.select_related("jurisdiction", "region", "district")
    return qs.filter(jurisdiction=jurisdiction) if jurisdiction else qs
