from django.contrib.auth.models import Group
from django.db import transaction

from agencies.models import Agency, Membership


@transaction.atomic
def agency_create(*, jurisdiction, kind, name, code, region=None, district=None) -> Agency:
    group, _ = Group.objects.get_or_create(name=f"agency:{code}")
    return Agency.objects.create(
        jurisdiction=jurisdiction, kind=kind, name=name, code=code,
        region=region, district=district, case_group=group,
    )


@transaction.atomic
def membership_add(*, user, agency, role) -> Membership:
    membership, _ = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    if membership.works_cases:
        user.groups.add(agency.case_group)
    return membership


@transaction.atomic
def membership_remove(*, membership) -> None:
    user, agency = membership.user, membership.agency
    membership.delete()
    still_works = any(m.works_cases for m in Membership.objects.filter(user=user, agency=agency))
    if not still_works:
        user.groups.remove(agency.case_group)
