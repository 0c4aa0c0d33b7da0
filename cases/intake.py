"""Who opens cases outside a school (issue #9): the agencies that take in reports themselves.

A school's staff file reports for their school (agencies.selectors.schools_for_intake). The
agencies below receive reports of their own and open a case in their own register: KZ §18 (the
agency that detects violence registers the fact and tells the police and 111), §20 (the 111
contact centre records the applicant, the incident and the victim); UA II.1 (a report may reach
the police, the children's service or the centre of social services).
"""

from agencies.models import Agency, AgencyKind, StaffRole
from cases.vocabulary import Channel

K = AgencyKind
INTAKE_AGENCY_KINDS = {
    "KZ": frozenset({K.CONTACT_CENTRE_111, K.POLICE, K.HEALTH, K.SOCIAL_PROTECTION}),
    "UA": frozenset({K.POLICE, K.CHILDREN_SERVICE, K.SOCIAL_SERVICES_CENTRE}),
}
# The staff of such an agency who take in reports: its officers, the officer on duty and the head.
AGENCY_INTAKE_ROLES = frozenset({StaffRole.OFFICER, StaffRole.DUTY_OFFICER, StaffRole.HEAD})

# How a report usually reaches an agency of this kind: the form's first choice, never forced.
DEFAULT_CHANNEL = {
    K.CONTACT_CENTRE_111: Channel.CONTACT_CENTRE_111,
    K.POLICE: Channel.WRITTEN_APPLICATION,
    K.HEALTH: Channel.HEALTH_SOCIAL_WORKER,
    K.SOCIAL_PROTECTION: Channel.HEALTH_SOCIAL_WORKER,
    K.CHILDREN_SERVICE: Channel.HOME_VISIT,
    K.SOCIAL_SERVICES_CENTRE: Channel.HEALTH_SOCIAL_WORKER,
}


def agencies_for_intake(user):
    """The agencies (not schools) for which the user may open a case."""
    if not user.is_authenticated:
        return Agency.objects.none()
    kinds_by_jurisdiction = list(INTAKE_AGENCY_KINDS.items())
    qs = Agency.objects.none()
    for code, kinds in kinds_by_jurisdiction:
        qs = qs | Agency.objects.filter(jurisdiction__code=code, kind__in=kinds)
    return (qs.filter(memberships__user=user, memberships__role__in=AGENCY_INTAKE_ROLES)
            .distinct().select_related("jurisdiction").order_by("name"))


def intake_agency_of(user, agency) -> bool:
    return agency is not None and agencies_for_intake(user).filter(pk=agency.pk).exists()
