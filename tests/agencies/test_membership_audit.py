"""Who may open an agency's cases is access to children's data: every membership change is audited."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from agencies.models import Agency, Membership
from agencies.services import membership_add, membership_remove
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def _changes():
    return list(AuditEvent.objects.filter(action=AuditAction.MEMBERSHIP_CHANGE).order_by("id")
                .values_list("actor__username", "detail"))


def test_adding_and_removing_a_membership_is_recorded_with_who_did_it(persona, demo):
    head = persona("kz-head")
    user = get_user_model().objects.create(username="new-psychologist")
    before = len(_changes())
    membership = membership_add(user=user, agency=Agency.objects.get(code="kz-school-1"),
                                role="psychologist", by=head)
    membership_add(user=user, agency=membership.agency, role="psychologist", by=head)  # already there
    membership_remove(membership=membership, by=head)
    detail = {"user": user.pk, "agency": "kz-school-1", "role": "psychologist"}
    assert _changes()[before:] == [("kz-head", {"change": "added", **detail}),
                                   ("kz-head", {"change": "removed", **detail})]


def test_the_admin_records_the_administrator(client, demo):
    admin = get_user_model().objects.create_superuser("root", password="root-pass-2026")
    client.force_login(admin)
    user = get_user_model().objects.create(username="new-officer")
    police = Agency.objects.get(code="kz-police")
    client.post(reverse("admin:agencies_membership_add"), {"user": user.pk, "agency": police.pk, "role": "officer"})
    membership = Membership.objects.get(user=user)
    client.post(reverse("admin:agencies_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert [(actor, d["change"], d["agency"]) for actor, d in _changes()[-2:]] == [
        ("root", "added", "kz-police"), ("root", "removed", "kz-police")]
