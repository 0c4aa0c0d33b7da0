"""Cases opened outside a school (issue #9 item 5): the 111 centre, the police, health and social
services open a case in their own register; the school is linked later and its clocks start then."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from cases import permissions
from cases.models import Case, CaseChange
from cases.services import PartyInput, case_link_school, case_register
from conftest import make_parties
from config.errors import InputError
from notifications.models import Deadline
from privacy.models import AuditEvent
from tests.api.clients import client_for
from tests.web.test_intake import report_post

pytestmark = pytest.mark.django_db


def applicant():
    # KZ §20.1 (SPEC R9): the 111 centre records the applicant's identifying data.
    return PartyInput(role="reporter", family_name="Серікова", given_name="Гүлнар", is_minor=False,
                      phone="+77010000009")


def open_111_case(persona, **overrides):
    fields = dict(
        user=persona("kz-111"), intake_agency=Agency.objects.get(code="kz-111"), school=None,
        received_at=timezone.now() - dt.timedelta(minutes=30), incident_at=timezone.now() - dt.timedelta(hours=5),
        channel="contact_centre_111", kinds=["violence"], forms=["physical"], places=["home"],
        description="Қоңырау шалушы баланың соққы алғанын айтты.", parties=[*make_parties(), applicant()],
    )
    fields.update(overrides)
    return case_register(**fields)


def test_the_111_centre_opens_a_case_in_its_own_register_without_a_school(persona):
    case = open_111_case(persona)
    assert case.school is None and case.intake_agency.code == "kz-111"
    assert case.reference == f"KZ-111-{case.register_year}-0001"
    assert permissions.has_case_perm(persona("kz-111"), permissions.CHANGE, case)
    assert not permissions.has_case_perm(persona("kz-coordinator"), permissions.VIEW, case)
    # No school yet: none of the clocks a school answers for has started.
    assert not Deadline.objects.filter(case=case, rule__responsible_agency_kind="school").exists()
    assert AuditEvent.objects.get(action="case_create", case_id=case.pk).detail["intake_agency"] == "kz-111"


def test_the_111_centre_must_record_the_applicant(persona):
    with pytest.raises(InputError) as err:
        open_111_case(persona, parties=make_parties())
    assert "KZ §20.1" in err.value.errors["__all__"][0]
    assert not Case.objects.exists()


def test_nobody_opens_a_case_for_an_agency_they_do_not_work_in(persona):
    with pytest.raises(InputError) as err:
        open_111_case(persona, user=persona("kz-coordinator"))
    assert list(err.value.errors) == ["intake_agency"]
    with pytest.raises(InputError) as err:
        open_111_case(persona, school=Agency.objects.get(code="ua-school-1"))
    assert "school" in err.value.errors
    assert not Case.objects.exists()


def test_police_numbering_is_separate_from_the_111_centre(persona):
    open_111_case(persona)
    police_case = open_111_case(persona, user=persona("kz-police"), intake_agency=Agency.objects.get(code="kz-police"),
                                channel="written_application", parties=make_parties())
    assert police_case.register_number == 1 and police_case.reference.startswith("KZ-POLICE-")


def test_linking_a_school_gives_it_the_case_and_starts_its_clocks_from_the_link(persona):
    case = open_111_case(persona, kinds=["bullying"])
    school = Agency.objects.get(code="kz-school-1")
    case = case_link_school(user=persona("kz-111"), case=case, school=school)
    assert case.school == school and case.school_linked_at > case.received_at
    assert permissions.has_case_perm(persona("kz-coordinator"), permissions.CHANGE, case)
    school_clocks = Deadline.objects.filter(case=case, rule__responsible_agency_kind="school")
    assert school_clocks.exists()
    # UA II.2, KZ §25: the school's clocks run from when it received the report, not the 111 call.
    assert {d.started_at for d in school_clocks if d.rule.anchor == "case_received"} == {case.school_linked_at}
    assert AuditEvent.objects.get(action="case_link_school", case_id=case.pk).detail == {"school": "kz-school-1"}
    assert CaseChange.objects.get(case=case).kind == "link_school"
    assert case.reference.startswith("KZ-111-")  # the reference stays the intake agency's


def test_linking_is_refused_for_a_school_of_another_country_or_by_another_agency(persona):
    case = open_111_case(persona)
    with pytest.raises(InputError) as err:
        case_link_school(user=persona("kz-111"), case=case, school=Agency.objects.get(code="ua-school-1"))
    assert "school" in err.value.errors
    with pytest.raises(InputError):
        case_link_school(user=persona("kz-police"), case=case, school=Agency.objects.get(code="kz-school-1"))
    case.refresh_from_db()
    assert case.school is None and not AuditEvent.objects.filter(action="case_link_school").exists()


def test_a_school_named_at_intake_is_linked_at_once(persona):
    case = open_111_case(persona, school=Agency.objects.get(code="kz-school-1"))
    assert case.school_linked_at is not None
    assert permissions.has_case_perm(persona("kz-coordinator"), permissions.VIEW, case)


# --- Browser and API ----------------------------------------------------------------------


def agency_post(agency, **overrides):
    data = report_post(agency, channel="contact_centre_111", **{
        "party-TOTAL_FORMS": "3", "party-2-role": "reporter", "party-2-family_name": "Серікова",
        "party-2-given_name": "Гүлнар", "party-2-phone": "+77010000009"})
    data.pop("school")
    data["intake_agency"] = agency.pk
    data.update(overrides)
    return data


def test_the_111_officer_gets_the_report_form_without_a_required_school(client, persona):
    client.force_login(persona("kz-111"))
    page = client.get(reverse("cases:new")).content.decode()
    assert 'name="intake_agency"' in page and 'value="contact_centre_111" selected' in page
    response = client.post(reverse("cases:new"), agency_post(Agency.objects.get(code="kz-111")))
    case = Case.objects.get()
    assert response.status_code == 302 and case.school is None and case.intake_agency.code == "kz-111"
    detail = client.get(response.url).content.decode()
    assert "Not linked to a school yet" in detail and reverse("cases:link_school", args=[case.pk]) in detail


def test_a_bad_agency_report_shows_field_messages_and_saves_nothing(client, persona):
    client.force_login(persona("kz-111"))
    response = client.post(reverse("cases:new"), agency_post(Agency.objects.get(code="kz-111"), kinds=[],
                                                             school=Agency.objects.get(code="ua-school-1").pk))
    assert response.status_code == 400
    form = response.context["form"]
    assert "kinds" in form.errors and "school" in form.errors
    assert not Case.objects.exists()


def test_school_staff_keep_the_school_form(client, persona):
    client.force_login(persona("kz-coordinator"))
    page = client.get(reverse("cases:new")).content.decode()
    assert 'name="intake_agency"' not in page and 'name="school"' in page


def test_linking_in_the_browser(client, persona):
    case = open_111_case(persona)
    school = Agency.objects.get(code="kz-school-1")
    client.force_login(persona("kz-111"))
    url = reverse("cases:link_school", args=[case.pk])
    assert client.post(url, {"school": ""}).status_code == 400
    assert client.post(url, {"school": school.pk}).status_code == 302
    case.refresh_from_db()
    assert case.school == school
    client.force_login(persona("kz-coordinator-2"))
    assert client.post(url, {"school": school.pk}).status_code == 404


def test_the_api_opens_an_agency_case_and_links_a_school(persona):
    api = client_for(persona("kz-111"))
    body = {
        "intake_agency": Agency.objects.get(code="kz-111").pk, "received_at": timezone.now().isoformat(),
        "channel": "contact_centre_111", "kinds": ["violence"],
        "parties": [{"role": "victim", "family_name": "Ахметов", "given_name": "Ерлан"},
                    {"role": "reporter", "family_name": "Серікова", "given_name": "Гүлнар", "is_minor": False}],
    }
    response = api.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["school"] is None and response.data["intake_agency"] == body["intake_agency"]
    case_id = response.data["id"]
    school = Agency.objects.get(code="kz-school-1")
    response = api.post(f"/api/v1/cases/{case_id}/link-school/", {"school": school.pk}, format="json")
    assert response.status_code == 200 and response.data["school"] == school.pk
    # Now the school works the case too, but only the 111 centre links (403) or edits its facts.
    coordinator = client_for(persona("kz-coordinator"))
    assert coordinator.post(f"/api/v1/cases/{case_id}/link-school/", {"school": school.pk},
                            format="json").status_code == 403


def test_without_a_school_or_an_agency_the_api_names_the_school(persona):
    response = client_for(persona("kz-111")).post("/api/v1/cases/", {}, format="json")
    assert response.status_code == 400 and "school" in response.data



def test_the_demo_shows_a_111_case_linked_to_school_1_and_a_closed_one(demo):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    opened = Case.objects.filter(intake_agency__code="kz-111")
    linked = opened.get(school__code="kz-school-1")
    closed = opened.get(status="closed")
    assert closed.outcome == "referred_law_enforcement" and closed.school is None
    assert linked.reference in out.getvalue() and closed.reference in out.getvalue()
    assert Deadline.objects.filter(case=linked, rule__responsible_agency_kind="school",
                                   started_at=linked.school_linked_at).exists()


def test_the_sweep_escalates_a_clock_of_a_case_without_a_school(persona):
    """The ladder reads the case's place from the intake agency when there is no school."""
    from notifications.models import Escalation
    from notifications.services.clocks import case_event_record
    from notifications.services.sweep import deadlines_sweep

    case = open_111_case(persona, received_at=timezone.now() - dt.timedelta(hours=13),
                         incident_at=timezone.now() - dt.timedelta(hours=14))
    case_event_record(user=persona("kz-111"), case=case, event="placement_flagged")
    deadlines_sweep()
    clock = Deadline.objects.get(case=case, rule__code="kz.placement_decision")
    assert clock.state == "breached" and Case.objects.get(pk=case.pk).is_overdue
    assert Escalation.objects.filter(deadline=clock, kind="breach").exists()
