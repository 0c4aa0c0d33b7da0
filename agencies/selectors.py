from agencies.models import SCHOOL_INTAKE_ROLES, Agency, AgencyKind


def schools_for_intake(user):
    """Schools in which the user may file a report."""
    return Agency.objects.filter(
        kind=AgencyKind.SCHOOL, memberships__user=user, memberships__role__in=SCHOOL_INTAKE_ROLES
    ).distinct().select_related("jurisdiction")


def agency_list(*, jurisdiction=None):
    qs = Agency.objects.select_related("jurisdiction", "region", "district")
    return qs.filter(jurisdiction=jurisdiction) if jurisdiction else qs
