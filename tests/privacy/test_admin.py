"""The admin: safe registrations that keep agencies' groups right and show no personal data."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from agencies.models import Agency, Jurisdiction, Membership
from cases.models import Case, Party
from privacy.models import AuditEvent
from tests.privacy.helpers import DESCRIPTION, VICTIM, valid_iin, victim

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, demo):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "root-pass-2026")
    client.force_login(root)
    return client


def _inline(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def _new_user(name="new-officer"):
    return get_user_model().objects.create_user(name, password="x-pass-2026")


class TestAgencyAdmin:
    def test_a_superuser_adds_an_agency_with_a_member_and_it_gets_its_case_group(self, superuser_client):
        officer = _new_user()
        kz = Jurisdiction.objects.get(code="KZ")
        response = superuser_client.post(reverse("admin:agencies_agency_add"), {
            "jurisdiction": kz.pk, "kind": "police", "name": "Қалалық полиция", "code": "kz-police-2",
            "region": "", "district": "",
            **_inline("memberships", [{"user": officer.pk, "role": "officer", "agency": ""}]),
        })
        assert response.status_code == 302, response.content.decode()[:2000]
        agency = Agency.objects.get(code="kz-police-2")
        assert agency.case_group.name == "agency:kz-police-2"
        assert list(agency.memberships.values_list("user__username", "role")) == [("new-officer", "officer")]
        assert officer.groups.filter(pk=agency.case_group.pk).exists()

    def test_removing_or_changing_a_membership_in_the_admin_keeps_the_group_right(self, superuser_client):
        from agencies.services import membership_add

        school = Agency.objects.get(code="kz-school-1")
        user = _new_user()
        membership = membership_add(user=user, agency=school, role="psychologist")
        assert user.groups.filter(pk=school.case_group.pk).exists()
        existing = list(school.memberships.order_by("pk"))
        url = reverse("admin:agencies_agency_change", args=[school.pk])

        def post(changes):
            rows = [{"id": m.pk, "user": m.user_id, "role": changes.get(m.pk, m.role), "agency": school.pk}
                    for m in existing]
            for row in rows:
                if changes.get(row["id"]) == "DELETE":
                    row.update(role=next(m.role for m in existing if m.pk == row["id"]), DELETE="on")
            response = superuser_client.post(url, {
                "jurisdiction": school.jurisdiction_id, "kind": school.kind, "name": school.name,
                "region": school.region_id or "", "district": school.district_id or "",
                **_inline("memberships", rows, initial=len(rows)),
            })
            assert response.status_code == 302, response.content.decode()[:3000]

        # A class teacher does not work the school's cases: out of the group.
        post({membership.pk: "class_teacher"})
        assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == ["class_teacher"]
        assert not user.groups.filter(pk=school.case_group.pk).exists()
        assert Agency.objects.get(pk=school.pk).code == "kz-school-1"  # the code is read-only

        existing = list(school.memberships.order_by("pk"))
        teacher = Membership.objects.get(user=user)
        post({teacher.pk: "coordinator"})
        assert user.groups.filter(pk=school.case_group.pk).exists()

        existing = list(school.memberships.order_by("pk"))
        post({Membership.objects.get(user=user).pk: "DELETE"})
        assert not Membership.objects.filter(user=user).exists()
        assert not user.groups.filter(pk=school.case_group.pk).exists()

    def test_the_membership_admin_uses_the_services_too(self, superuser_client):
        police = Agency.objects.get(code="kz-police")
        user = _new_user()
        response = superuser_client.post(reverse("admin:agencies_membership_add"),
                                         {"user": user.pk, "agency": police.pk, "role": "officer"})
        assert response.status_code == 302
        assert user.groups.filter(pk=police.case_group.pk).exists()
        membership = Membership.objects.get(user=user)
        response = superuser_client.post(reverse("admin:agencies_membership_delete", args=[membership.pk]),
                                         {"post": "yes"})
        assert response.status_code == 302
        assert not user.groups.filter(pk=police.case_group.pk).exists()

    def test_deleting_an_agency_takes_its_case_group_along(self, superuser_client):
        from django.contrib.auth.models import Group

        from agencies.services import agency_create, membership_add

        agency = agency_create(jurisdiction=Jurisdiction.objects.get(code="KZ"), kind="health",
                               name="Емхана", code="kz-health-2")
        membership_add(user=_new_user(), agency=agency, role="officer")
        response = superuser_client.post(reverse("admin:agencies_agency_delete", args=[agency.pk]),
                                         {"post": "yes"})
        assert response.status_code == 302
        assert not Group.objects.filter(name="agency:kz-health-2").exists()


class TestCaseAdmin:
    @pytest.fixture
    def case(self, persona, file_case):
        return file_case(persona("kz-coordinator"), "kz-school-1", description=DESCRIPTION,
                         parties=[victim(identity_number=valid_iin())])

    PERSONAL = [DESCRIPTION, VICTIM["family_name"], VICTIM["given_name"], VICTIM["phone"],
                VICTIM["address"], valid_iin()]

    def test_the_case_list_and_page_show_register_data_only(self, superuser_client, case):
        for url in (reverse("admin:cases_case_changelist"), reverse("admin:cases_case_change", args=[case.pk])):
            response = superuser_client.get(url)
            page = response.content.decode()
            assert response.status_code == 200
            assert case.reference in page
            for value in self.PERSONAL:
                assert value not in page, f"{value!r} shown at {url}"
            assert 'name="description"' not in page

    def test_cases_cannot_be_added_changed_or_deleted_in_the_admin(self, superuser_client, case):
        assert superuser_client.get(reverse("admin:cases_case_add")).status_code == 403
        response = superuser_client.post(reverse("admin:cases_case_delete", args=[case.pk]), {"post": "yes"})
        assert response.status_code == 403 and Case.objects.filter(pk=case.pk).exists()
        response = superuser_client.post(reverse("admin:cases_case_change", args=[case.pk]), {"status": "closed"})
        assert response.status_code == 403 and Case.objects.get(pk=case.pk).status == case.status

    def test_there_is_no_party_admin(self):
        assert Party not in admin.site._registry


class TestAuditEventAdmin:
    def test_the_trail_is_listed_and_cannot_be_added_changed_or_deleted(self, superuser_client, persona, file_case):
        case = file_case(persona("kz-coordinator"), "kz-school-1")
        event = AuditEvent.objects.get(case_id=case.pk)
        response = superuser_client.get(reverse("admin:privacy_auditevent_changelist"))
        assert response.status_code == 200 and str(case.pk) in response.content.decode()
        assert superuser_client.get(reverse("admin:privacy_auditevent_change", args=[event.pk])).status_code == 200
        assert superuser_client.get(reverse("admin:privacy_auditevent_add")).status_code == 403
        response = superuser_client.post(reverse("admin:privacy_auditevent_delete", args=[event.pk]),
                                         {"post": "yes"})
        assert response.status_code == 403
        response = superuser_client.post(reverse("admin:privacy_auditevent_change", args=[event.pk]),
                                         {"action": "case_view"})
        assert response.status_code == 403
        assert AuditEvent.objects.get(pk=event.pk).action == "case_create"
        model_admin = admin.site._registry[AuditEvent]
        assert list(model_admin.list_display) == ["at", "actor", "action", "case_id"]
