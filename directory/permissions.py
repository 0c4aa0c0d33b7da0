"""Who may read and who may keep the help directory (SPEC H5, KZ §38).

The directory is data about organisations, not about people: every staff member reads
the entries of the jurisdictions they work in. Keeping it up to date is the job of the
heads of agencies and schools and, by KZ §38, of the school psychologist; the social
pedagogue, who arranges the family's support (KZ §39), keeps it with them.
"""

from django.db.models import Q

from agencies.models import AgencyKind, Jurisdiction, Membership, StaffRole

# KZ §38: the school psychologist keeps the directory; the social pedagogue refers families (KZ §39).
SCHOOL_EDITOR_ROLES = frozenset({StaffRole.PSYCHOLOGIST, StaffRole.SOCIAL_PEDAGOGUE})


def _editor_memberships():
    return Q(role=StaffRole.HEAD) | Q(role__in=SCHOOL_EDITOR_ROLES, agency__kind=AgencyKind.SCHOOL)


def reader_jurisdictions(user):
    """The jurisdictions whose directory the user reads: those they work in (all, for a system
    administrator)."""
    if not getattr(user, "is_authenticated", False):
        return Jurisdiction.objects.none()
    if user.is_superuser:
        return Jurisdiction.objects.all()
    ids = Membership.objects.filter(user=user).values("agency__jurisdiction_id")
    return Jurisdiction.objects.filter(pk__in=ids)


def editor_jurisdictions(user):
    """The jurisdictions whose directory the user may change."""
    if not getattr(user, "is_authenticated", False):
        return Jurisdiction.objects.none()
    if user.is_superuser:
        return Jurisdiction.objects.all()
    ids = Membership.objects.filter(_editor_memberships(), user=user).values("agency__jurisdiction_id")
    return Jurisdiction.objects.filter(pk__in=ids)


def may_read_directory(user, jurisdiction) -> bool:
    return reader_jurisdictions(user).filter(pk=jurisdiction.pk).exists()


def may_edit_directory(user, jurisdiction) -> bool:
    return editor_jurisdictions(user).filter(pk=jurisdiction.pk).exists()


def may_edit_any_directory(user) -> bool:
    return editor_jurisdictions(user).exists()
