"""Who must sign in with a second factor (issue #11 §2).

``settings.MFA_REQUIRED_ROLES`` names the groups that must. Each entry is one of:

- ``head``, ``commission_secretary`` or any other ``StaffRole`` value: that role in any agency;
- ``agency_staff``: anyone working in an agency that is not a school;
- ``ombudsman``: anyone working in an ombudsman's office (``OMBUDSMAN_KINDS``).

A school's coordinator or teacher is not required by the default list, but may set one up;
once a user has a device, every log-in asks for it.
"""

from django.conf import settings
from django_otp import user_has_device

from agencies.models import OMBUDSMAN_KINDS, AgencyKind
from agencies.selectors import memberships_of

AGENCY_STAFF = "agency_staff"
OMBUDSMAN = "ombudsman"


def mfa_required(user) -> bool:
    required = set(settings.MFA_REQUIRED_ROLES)
    if not required or not user.is_authenticated:
        return False
    for membership in memberships_of(user):
        role, kind = membership.role, membership.agency.kind
        if role in required:
            return True
        if AGENCY_STAFF in required and kind != AgencyKind.SCHOOL:
            return True
        if OMBUDSMAN in required and kind in OMBUDSMAN_KINDS:
            return True
    return False


def has_second_factor(user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def second_factor_due(user) -> str | None:
    """What a signed-in user must do before anything else: "verify", "enrol" or nothing.

    Cached on the user object for the request, since the middleware and the API's
    session authentication both ask."""
    verified = getattr(user, "is_verified", None)
    if not user.is_authenticated or (verified is not None and verified()):
        return None
    cached = getattr(user, "_second_factor_due", False)
    if cached is not False:
        return cached
    if has_second_factor(user):
        due = "verify"
    elif mfa_required(user):
        due = "enrol"
    else:
        due = None
    user._second_factor_due = due
    return due
