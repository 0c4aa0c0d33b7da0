"""Who works a school's pupils' reports (SPEC R8; KZ §5, §8, §10; UA II.1).

- The head receives reports (UA II.1) and the protection coordinator is appointed to handle them
  (KZ §5): they triage, reply, close and turn a report into a case, and they are alerted to an
  urgent one.
- The educational psychologist and the social pedagogue help the child (KZ §8): they read the
  school's reports and reply, so a pupil who writes about how they feel gets the person who can
  help; closing and converting stay with the head and coordinator.
- Nobody else: the reporter's identity is confidential (KZ §10). Another school, an agency or an
  ombudsman gets a 404 on every report, like on a report that does not exist.
"""

from agencies.models import Agency, AgencyKind, StaffRole

READ_ROLES = frozenset({StaffRole.HEAD, StaffRole.COORDINATOR, StaffRole.PSYCHOLOGIST, StaffRole.SOCIAL_PEDAGOGUE})
DECIDE_ROLES = frozenset({StaffRole.HEAD, StaffRole.COORDINATOR})
ALERT_ROLES = DECIDE_ROLES


def _schools(user, roles):
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    return Agency.objects.filter(kind=AgencyKind.SCHOOL, memberships__user=user,
                                 memberships__role__in=roles).distinct()


def triage_schools(user):
    """The schools whose reports the user reads."""
    return _schools(user, READ_ROLES)


def link_schools(user):
    """The schools whose public link and QR code the user may print (head, coordinator)."""
    return _schools(user, DECIDE_ROLES)


def can_read(user, school) -> bool:
    return triage_schools(user).filter(pk=school.pk).exists()


def can_decide(user, school) -> bool:
    """Close a report or turn it into a case."""
    return _schools(user, DECIDE_ROLES).filter(pk=school.pk).exists()


def alert_recipients(school) -> list:
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(memberships__agency=school, memberships__role__in=ALERT_ROLES,
                                                is_active=True).distinct().order_by("pk"))
