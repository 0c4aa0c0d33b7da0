from django.contrib.auth.models import Group
from django.db import transaction

from agencies.models import Agency, Membership
from privacy.audit import audit_record
from privacy.models import AuditAction


@transaction.atomic
def agency_create(*, jurisdiction, kind, name, code, region=None, district=None) -> Agency:
    group, _ = Group.objects.get_or_create(name=f"agency:{code}")
    return Agency.objects.create(
        jurisdiction=jurisdiction, kind=kind, name=name, code=code,
        region=region, district=district, case_group=group,
    )


def _audit_membership(*, by, membership: Membership, change: str) -> None:
    # Who may open which agency's cases is access to children's data (DESIGN §6).
    audit_record(actor=by, action=AuditAction.MEMBERSHIP_CHANGE, detail={
        "change": change, "user": membership.user_id, "agency": membership.agency.code, "role": membership.role,
    })


@transaction.atomic
def membership_add(*, user, agency, role, by=None) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    if membership.works_cases:
        user.groups.add(agency.case_group)
    if created:
        _audit_membership(by=by, membership=membership, change="added")
    return membership


@transaction.atomic
def membership_remove(*, membership, by=None) -> None:
    user, agency = membership.user, membership.agency
    _audit_membership(by=by, membership=membership, change="removed")
    membership.delete()
    still_works = any(m.works_cases for m in Membership.objects.filter(user=user, agency=agency))
    if not still_works:
        user.groups.remove(agency.case_group)
