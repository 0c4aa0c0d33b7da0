"""The agencies' actions on a case (issue #9 items 2, 3, 9): who records what, the clocks the
actions meet or start, corrections by the recording agency only, refused input, and what the
audit trail and the case page show.

A KZ school-1 case is shared with the agencies that act on it (police, guardianship, the
commission on minors' affairs, forensic expertise, health, 111, social protection); the school
team works it from the start.
"""

import datetime as dt
import json

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Agency
from cases import permissions
from cases.services import case_share_with_agency
from casework import action_selectors
from casework.models import Action, ActionKind, ActionRevision
from casework.services.actions import action_record, action_update
from config import limits
from config.errors import InputError
from directory.models import HelpOrganisation
from notifications.models import Deadline, DeadlineState
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

SHARED_WITH = ("kz-police", "kz-guardianship", "kz-kikkk", "kz-forensic", "kz-health", "kz-111", "kz-social")
SECRET_NOTE = "Әкесі Абай көшесі 5-те тұрады"  # free text naming an address


def agency(code):
    return Agency.objects.get(code=code)


@pytest.fixture
def make_case(demo, persona, file_case):
    def _make(hours_ago=2, share=SHARED_WITH):
        received = timezone.now() - dt.timedelta(hours=hours_ago)
        case = file_case(persona("kz-coordinator"), "kz-school-1", received_at=received,
                         incident_at=received - dt.timedelta(hours=1))
        for code in share:
            case_share_with_agency(case=case, agency=agency(code))
        return case
    return _make


@pytest.fixture
def case(make_case):
    return make_case()


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def deadline(case, rule):
    return Deadline.objects.get(case=case, rule__code=rule)


# --- Who may record what ------------------------------------------------------------------------


def test_police_register_the_case_with_its_register_number(case, persona):
    action = action_record(user=persona("kz-police"), case=case, kind=ActionKind.PRETRIAL_REGISTRATION,
                           values={"register_number": "241500031000123", "notes": SECRET_NOTE})
    action.refresh_from_db()
    assert action.agency.code == "kz-police"
    assert action.data == {"register_number": "241500031000123"}
    assert action.texts == {"notes": SECRET_NOTE}


@pytest.mark.parametrize("username, kind, allowed", [
    ("kz-police", ActionKind.PREVENTIVE_TALK, True),
    ("kz-police", ActionKind.PLACEMENT_DECISION, False),
    ("kz-guardianship", ActionKind.INSPECTION_ACT, True),
    ("kz-guardianship", ActionKind.PRETRIAL_REGISTRATION, False),
    ("kz-minors-commission", ActionKind.PLACEMENT_DECISION, True),
    ("kz-minors-commission", ActionKind.URGENT_PLACEMENT, False),
    ("kz-forensic", ActionKind.FORENSIC_RESULT, True),
    ("kz-health", ActionKind.FORENSIC_RESULT, False),
    ("kz-health", ActionKind.MEDICAL_EXAMINATION, True),
    ("kz-111", ActionKind.CONSOLIDATED_RECORD, True),
    ("kz-111", ActionKind.HOME_VISIT, False),
    ("kz-social", ActionKind.NEEDS_ASSESSMENT, True),
    ("kz-social", ActionKind.FAMILY_SOCIAL_MAP, True),
    ("kz-coordinator", ActionKind.REFERRAL, True),
    ("kz-coordinator", ActionKind.PRETRIAL_REGISTRATION, False),
    # KZ-only kinds are not offered on a KZ case to agencies of another kind, nor UA kinds on KZ.
    ("kz-guardianship", ActionKind.SOCIAL_PROTECTION_MEASURES, False),
])
def test_the_registry_decides_which_agency_records_which_action(case, persona, username, kind, allowed):
    assert (kind in action_selectors.recordable_kinds(persona(username), case)) is allowed


def test_an_agency_records_nothing_on_a_case_not_shared_with_it(make_case, persona):
    case = make_case(share=())
    with pytest.raises(InputError) as err:
        action_record(user=persona("kz-police"), case=case, kind=ActionKind.PREVENTIVE_TALK,
                      values={"talked_with": ["parents"]})
    assert "kind" in err.value.errors
    assert not Action.objects.filter(case=case).exists()
    response = client_for(persona("kz-police")).post(
        reverse("api-case-actions", args=[case.pk]), {"kind": "preventive_talk", "talked_with": ["parents"]},
        format="json")
    assert response.status_code == 404


def test_a_class_teacher_who_filed_the_case_records_no_agency_action(make_case, persona, file_case):
    case = file_case(persona("kz-teacher"), "kz-school-1")
    assert action_selectors.recordable_kinds(persona("kz-teacher"), case) == {}


# --- Clocks -----------------------------------------------------------------------------------


def test_urgent_placement_starts_the_12_hour_clock_and_the_commissions_decision_meets_it(make_case, persona):
    case = make_case(hours_ago=3)
    now = timezone.now()
    action_record(user=persona("kz-police"), case=case, kind=ActionKind.URGENT_PLACEMENT,
                  values={"place_type": "crisis_centre"}, occurred_at=now - dt.timedelta(hours=2))
    clock = deadline(case, "kz.placement_decision")
    # KZ §45: 12 hours from the moment the information was received.
    assert clock.due_at == case.received_at + dt.timedelta(hours=12)
    assert clock.state == DeadlineState.PENDING
    action_record(user=persona("kz-minors-commission"), case=case, kind=ActionKind.PLACEMENT_DECISION,
                  values={"place_type": "crisis_centre", "placed_by": "guardianship", "basis": SECRET_NOTE,
                          "decision_number": "14/2"}, occurred_at=now - dt.timedelta(minutes=30))
    clock.refresh_from_db()
    assert clock.state == DeadlineState.MET
    assert clock.met_at == now - dt.timedelta(minutes=30)


def test_a_placement_decision_after_12_hours_meets_the_clock_late(make_case, persona):
    case = make_case(hours_ago=14)
    action_record(user=persona("kz-guardianship"), case=case, kind=ActionKind.URGENT_PLACEMENT,
                  values={"place_type": "medical"}, occurred_at=case.received_at + dt.timedelta(hours=1))
    action_record(user=persona("kz-minors-commission"), case=case, kind=ActionKind.PLACEMENT_DECISION,
                  values={"place_type": "medical", "placed_by": "health", "basis": "Денсаулығына қауіп"},
                  occurred_at=case.received_at + dt.timedelta(hours=13))
    assert deadline(case, "kz.placement_decision").state == DeadlineState.MET_LATE


def test_the_commission_officer_records_the_decision_through_the_browser(make_case, persona):
    """The bug of issue #9: the escalated commission could not record its decision (404)."""
    case = make_case(hours_ago=3)
    action_record(user=persona("kz-police"), case=case, kind=ActionKind.URGENT_PLACEMENT,
                  values={"place_type": "crisis_centre"})
    client = client_for(persona("kz-minors-commission"))
    url = reverse("casework:action_new", args=[case.pk])
    assert client.get(url, {"kind": "placement_decision"}).status_code == 200
    response = client.post(url, {"kind": "placement_decision", "place_type": "support_centre",
                                 "placed_by": "guardianship", "basis": "Отбасында қауіп бар"})
    assert response.status_code == 302
    assert deadline(case, "kz.placement_decision").state == DeadlineState.MET


def test_forensic_examination_ordered_starts_3_days_and_the_result_meets_them(make_case, persona):
    case = make_case(hours_ago=24 * 5)
    ordered = case.received_at + dt.timedelta(hours=2)
    action_record(user=persona("kz-police"), case=case, kind=ActionKind.FORENSIC_ORDERED,
                  values={"exam_kind": "forensic_medical"}, occurred_at=ordered)
    clock = deadline(case, "kz.forensic_exam")
    assert clock.due_at == ordered + dt.timedelta(days=3)  # KZ §26.7
    action_record(user=persona("kz-forensic"), case=case, kind=ActionKind.FORENSIC_RESULT,
                  values={"conclusion_number": "СМЭ-512"}, occurred_at=ordered + dt.timedelta(days=2, hours=20))
    clock.refresh_from_db()
    assert clock.state == DeadlineState.MET


def test_a_forensic_result_after_3_days_meets_the_clock_late(make_case, persona):
    case = make_case(hours_ago=24 * 5)
    ordered = case.received_at + dt.timedelta(hours=1)
    action_record(user=persona("kz-forensic"), case=case, kind=ActionKind.FORENSIC_ORDERED,
                  values={"exam_kind": "forensic_psychological"}, occurred_at=ordered)
    action_record(user=persona("kz-forensic"), case=case, kind=ActionKind.FORENSIC_RESULT,
                  values={"conclusion_number": "12"}, occurred_at=ordered + dt.timedelta(days=4))
    assert deadline(case, "kz.forensic_exam").state == DeadlineState.MET_LATE


def test_the_agency_answering_for_a_started_clock_gets_the_case_to_meet_it(make_case, persona):
    """Issue #9: the commission was escalated to about a placement it could not record (404).
    An urgent placement shares the case with the commission, a forensic order with the forensic
    body, so that each can record what meets its clock."""
    case = make_case(hours_ago=3, share=("kz-police",))
    commission, forensic = persona("kz-minors-commission"), persona("kz-forensic")
    url = reverse("casework:action_new", args=[case.pk])
    assert client_for(commission).get(url).status_code == 404
    action_record(user=persona("kz-police"), case=case, kind=ActionKind.URGENT_PLACEMENT,
                  values={"place_type": "crisis_centre"})
    action_record(user=persona("kz-police"), case=case, kind=ActionKind.FORENSIC_ORDERED,
                  values={"exam_kind": "forensic_medical"})
    response = client_for(commission).post(url, {
        "kind": "placement_decision", "place_type": "crisis_centre", "placed_by": "guardianship",
        "basis": "Үйде қауіп"})
    assert response.status_code == 302
    assert deadline(case, "kz.placement_decision").state == DeadlineState.MET
    response = client_for(forensic).post(reverse("api-case-actions", args=[case.pk]), {
        "kind": "forensic_result", "conclusion_number": "77"}, format="json")
    assert response.status_code == 201
    assert deadline(case, "kz.forensic_exam").state == DeadlineState.MET
    shares = AuditEvent.objects.filter(action=AuditAction.CASE_SHARE, case_id=case.pk)
    assert sorted(e.detail["agency"] for e in shares) == ["kz-forensic", "kz-kikkk", "kz-police"]


def test_actions_that_are_no_clock_event_touch_no_clock(case, persona):
    before = list(Deadline.objects.filter(case=case).values_list("pk", "state"))
    action_record(user=persona("kz-police"), case=case, kind=ActionKind.PREVENTIVE_TALK,
                  values={"talked_with": ["parents", "relatives"], "liability_explained": True})
    assert list(Deadline.objects.filter(case=case).values_list("pk", "state")) == before


# --- Corrections: only the recording agency ---------------------------------------------------------


@pytest.fixture
def police_action(case, persona):
    return action_record(user=persona("kz-police"), case=case, kind=ActionKind.PRETRIAL_REGISTRATION,
                         values={"register_number": "241500031000123", "notes": SECRET_NOTE})


def test_a_colleague_of_the_same_agency_corrects_it_and_the_previous_version_is_kept(police_action, persona):
    action = action_update(user=persona("kz-police-2"), action=police_action,
                           values={"register_number": "241500031000124", "notes": SECRET_NOTE},
                           reason="Нөмірде қате болды")
    assert action.revision == 2 and action.data["register_number"] == "241500031000124"
    old = ActionRevision.objects.get(action=action)
    assert old.revision == 1 and old.data["register_number"] == "241500031000123"
    assert json.loads(old.details) == {"notes": SECRET_NOTE}
    assert old.reason == "Нөмірде қате болды"
    event = AuditEvent.objects.filter(action=AuditAction.ACTION_UPDATE).latest("pk")
    assert event.detail["fields"] == ["register_number"] and event.detail["revision"] == 2


def test_a_correction_needs_a_reason(police_action, persona):
    with pytest.raises(InputError) as err:
        action_update(user=persona("kz-police"), action=police_action, values={"register_number": "9"},
                      reason=" ")
    assert list(err.value.errors) == ["reason"]
    police_action.refresh_from_db()
    assert police_action.revision == 1 and not ActionRevision.objects.exists()


def test_a_reason_over_the_free_text_limit_is_refused_and_nothing_is_corrected(police_action, persona):
    with pytest.raises(InputError) as err:
        action_update(user=persona("kz-police"), action=police_action, values={"register_number": "9"},
                      reason="ы" * (limits.FREE_TEXT_MAX_LENGTH + 1))
    assert list(err.value.errors) == ["reason"] and str(limits.FREE_TEXT_MAX_LENGTH) in err.value.errors["reason"][0]
    police_action.refresh_from_db()
    assert police_action.revision == 1 and not ActionRevision.objects.exists()


def test_another_agency_reading_the_case_may_not_correct_it(police_action, persona):
    with pytest.raises(InputError):
        action_update(user=persona("kz-guardianship"), action=police_action,
                      values={"register_number": "1"}, reason="x")
    api = client_for(persona("kz-guardianship"))
    url = reverse("api-action-detail", args=[police_action.pk])
    assert api.get(url).status_code == 200
    assert api.patch(url, {"register_number": "1", "reason": "x"}, format="json").status_code == 403
    page = reverse("casework:action_edit", args=[police_action.case_id, police_action.pk])
    assert api.get(page).status_code == 403
    police_action.refresh_from_db()
    assert police_action.data["register_number"] == "241500031000123"


def test_an_outsider_gets_404_for_the_action(police_action, persona):
    api = client_for(persona("kz-coordinator-2"))
    url = reverse("api-action-detail", args=[police_action.pk])
    assert api.get(url).status_code == 404
    assert api.patch(url, {"register_number": "1", "reason": "x"}, format="json").status_code == 404


def test_api_patch_corrects_only_the_fields_given(police_action, persona):
    response = client_for(persona("kz-police-head")).patch(
        reverse("api-action-detail", args=[police_action.pk]),
        {"register_number": "241500031000999", "reason": "Түзету"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["details"] == {"notes": SECRET_NOTE}
    assert response.json()["revision"] == 2


# --- Refused input: per field, nothing saved ---------------------------------------------------------


def test_the_browser_form_shows_each_missing_field_and_saves_nothing(case, persona):
    client = client_for(persona("kz-guardianship"))
    response = client.post(reverse("casework:action_new", args=[case.pk]),
                           {"kind": "inspection_act", "conditions": "nonsense", "occurred_at": "yesterday"})
    assert response.status_code == 400
    form = response.context["form"]
    assert {"act_number", "conditions", "occurred_at"} <= set(form.errors)
    assert not Action.objects.filter(case=case).exists()


def test_the_browser_form_refuses_a_time_before_the_report(case, persona):
    client = client_for(persona("kz-police"))
    before = timezone.localtime(case.received_at - dt.timedelta(hours=1), case.jurisdiction.zone)
    response = client.post(reverse("casework:action_new", args=[case.pk]), {
        "kind": "pretrial_registration", "register_number": "12", "occurred_at": before.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 400
    assert "occurred_at" in response.context["form"].errors
    assert not Action.objects.filter(case=case).exists()


def test_choosing_a_kind_the_agency_may_not_record_is_refused(case, persona):
    client = client_for(persona("kz-police"))
    response = client.post(reverse("casework:action_new", args=[case.pk]), {"kind": "placement_decision"})
    assert response.status_code == 400
    assert not Action.objects.filter(case=case).exists()


@pytest.mark.parametrize("payload, bad", [
    ({"kind": "preventive_talk"}, "talked_with"),
    ({"kind": "preventive_talk", "talked_with": ["aliens"]}, "talked_with"),
    ({"kind": "preventive_talk", "talked_with": ["parents"], "colour": "red"}, "colour"),
    ({"kind": "preventive_talk", "talked_with": ["parents"], "liability_explained": "maybe"}, "liability_explained"),
    ({"kind": "pretrial_registration", "register_number": "Асқар Серікұлы деп жазылды; ол үйде"},
     "register_number"),
    ({"kind": "protective_order", "order_number": "7", "valid_until": "31.12"}, "valid_until"),
    ({"kind": "pretrial_registration", "register_number": "1", "occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
    ({"kind": "no_such_action"}, "kind"),
])
def test_the_api_refuses_bad_input_per_field(case, persona, payload, bad):
    response = client_for(persona("kz-police")).post(reverse("api-case-actions", args=[case.pk]), payload,
                                                    format="json")
    assert response.status_code == 400
    assert bad in response.json()
    assert not Action.objects.filter(case=case).exists()


def test_the_mobile_group_goes_to_the_scene_only_with_the_prosecutors_consent_ticked(make_case, persona):
    from django.contrib.auth import get_user_model

    from agencies.models import StaffRole
    from agencies.services import membership_add

    officer = get_user_model().objects.create_user("mobile-officer")
    membership_add(user=officer, agency=agency("kz-mobile"), role=StaffRole.OFFICER)
    case = make_case(share=("kz-mobile",))
    with pytest.raises(InputError) as err:  # KZ §26.4: with the supervising prosecutor's consent
        action_record(user=officer, case=case, kind=ActionKind.SCENE_VISIT, values={"prosecutor_consent": False})
    assert list(err.value.errors) == ["prosecutor_consent"]
    action = action_record(user=officer, case=case, kind=ActionKind.SCENE_VISIT, values={"prosecutor_consent": True})
    assert action.data == {"prosecutor_consent": True} and action.agency.code == "kz-mobile"


# --- Referral to the help directory ---------------------------------------------------------------


@pytest.fixture
def organisations(demo):
    from agencies.models import Jurisdiction

    kz, ua = Jurisdiction.objects.get(code="KZ"), Jurisdiction.objects.get(code="UA")
    return {
        "active": HelpOrganisation.objects.create(jurisdiction=kz, name="Дағдарыс орталығы",
                                                  services=["crisis_centre", "psychological"]),
        "inactive": HelpOrganisation.objects.create(jurisdiction=kz, name="Жабық орталық", is_active=False),
        "foreign": HelpOrganisation.objects.create(jurisdiction=ua, name="Центр допомоги"),
    }


def test_the_school_team_refers_the_child_to_an_active_organisation_and_it_is_audited(case, persona,
                                                                                      organisations):
    victim = case.parties.get(role="victim")
    org = organisations["active"]
    action = action_record(user=persona("kz-psychologist"), case=case, kind=ActionKind.REFERRAL,
                           values={"organisation": str(org.pk), "service": "psychological", "party": str(victim.pk)})
    assert action.agency.code == "kz-school-1" and action.data["organisation"] == org.pk
    event = AuditEvent.objects.get(action=AuditAction.REFERRAL, case_id=case.pk)
    assert event.detail == {"action": str(action.pk), "organisation": org.pk, "service": "psychological"}


@pytest.mark.parametrize("which, service, bad", [
    ("inactive", "", "organisation"), ("foreign", "", "organisation"), ("active", "legal", "service")])
def test_a_referral_to_an_unusable_organisation_is_refused(case, persona, organisations, which, service, bad):
    with pytest.raises(InputError) as err:
        action_record(user=persona("kz-police"), case=case, kind=ActionKind.REFERRAL,
                      values={"organisation": organisations[which].pk, "service": service})
    assert bad in err.value.errors
    assert not Action.objects.filter(case=case).exists()


# --- Personal data: not in the audit trail, sealed at rest, free text only for identity readers ------


def test_free_text_stays_out_of_the_audit_trail_and_the_database_column(police_action, persona):
    action_update(user=persona("kz-police"), action=police_action,
                  values={"register_number": "241500031000123", "notes": SECRET_NOTE + " (2)"}, reason=SECRET_NOTE)
    details = json.dumps(list(AuditEvent.objects.filter(case_id=police_action.case_id).values_list(
        "detail", flat=True)), ensure_ascii=False)
    assert "Абай" not in details
    with connection.cursor() as cursor:
        cursor.execute("SELECT details FROM casework_action WHERE id = %s", [police_action.pk])
        assert "Абай" not in cursor.fetchone()[0]
        cursor.execute("SELECT reason, details FROM casework_actionrevision")
        assert "Абай" not in " ".join(cursor.fetchone())


def test_a_reader_without_the_identity_permission_sees_the_chronology_without_free_text(police_action, persona):
    reader = persona("kz-coordinator-2")
    permissions.grant_to_user(police_action.case, reader, (permissions.VIEW,))
    api = client_for(reader).get(reverse("api-case-actions", args=[police_action.case_id])).json()
    assert api[0]["data"] == {"register_number": "241500031000123"} and api[0]["details"] is None
    page = client_for(reader).get(reverse("cases:detail", args=[police_action.case_id])).content.decode()
    assert "241500031000123" in page and "Абай" not in page
    # The police themselves read the notes on the case page.
    page = client_for(persona("kz-police")).get(reverse("cases:detail", args=[police_action.case_id]))
    assert SECRET_NOTE in page.content.decode()


def test_the_case_page_filters_the_chronology_by_agency(police_action, persona):
    action_record(user=persona("kz-guardianship"), case=police_action.case, kind=ActionKind.HOME_VISIT,
                  values={"with_police": True})
    client = client_for(persona("kz-head"))
    url = reverse("cases:detail", args=[police_action.case_id])
    page = client.get(url).content.decode()
    assert f"action-{police_action.pk}" in page and "Home visit" in page
    filtered = client.get(url, {"actions_agency": agency("kz-guardianship").pk}).content.decode()
    assert f"action-{police_action.pk}" not in filtered and "Home visit" in filtered


def test_the_case_page_shows_times_in_the_case_zone(make_case, persona):
    case = make_case()
    at = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=5)
    action_record(user=persona("kz-police"), case=case, kind=ActionKind.PREVENTIVE_TALK,
                  values={"talked_with": ["parents"]}, occurred_at=at)
    page = client_for(persona("kz-police")).get(reverse("cases:detail", args=[case.pk])).content.decode()
    local = timezone.localtime(at, case.jurisdiction.zone)
    assert local.strftime("%H:%M") in page


# --- Every kind of the registry, end to end ----------------------------------------------------------

PERSONA_OF_KIND = {
    "police": "kz-police", "guardianship": "kz-guardianship", "minors_commission": "kz-minors-commission",
    "forensic": "kz-forensic", "health": "kz-health", "contact_centre_111": "kz-111",
    "social_protection": "kz-social", "school": "kz-coordinator",
    "children_service": "ua-children-service", "social_services_centre": "ua-social-centre",
}


def _valid_value(field, *, victim, organisation):
    from casework import registry

    if field.type == registry.CHOICE:
        return field.choices[0][0]
    if field.type == registry.CHOICES:
        return [field.choices[0][0]]
    return {
        registry.CODE: "12-A", registry.DATE: "2026-01-15", registry.BOOL: True, registry.TEXT: "Жазба",
        registry.LINE: "Орталық", registry.PARTY: str(victim.pk), registry.ORGANISATION: organisation.pk,
    }[field.type]


def test_every_kind_renders_its_form_and_records_through_the_api(demo, persona, file_case):
    from agencies.models import Jurisdiction
    from casework import registry

    cases = {}
    for code, school, shared in (("KZ", "kz-school-1", SHARED_WITH),
                                 ("UA", "ua-school-1", ("ua-children-service", "ua-social-centre"))):
        case = file_case(persona(f"{code.lower()}-coordinator"), school)
        for agency_code in shared:
            case_share_with_agency(case=case, agency=agency(agency_code))
        org = HelpOrganisation.objects.create(jurisdiction=Jurisdiction.objects.get(code=code), name="Орталық",
                                              services=["psychological", "crisis_centre"])
        cases[code] = (case, org)
    tried = set()
    for spec in registry.KINDS:
        for agency_kind, username in PERSONA_OF_KIND.items():
            for code in sorted(spec.jurisdictions):
                if agency_kind not in spec.agency_kinds or not username.startswith(code.lower()):
                    continue
                case, org = cases[code]
                client = client_for(persona(username))
                page = client.get(reverse("casework:action_new", args=[case.pk]), {"kind": spec.kind})
                assert page.status_code == 200, (spec.kind, username)
                html = page.content.decode()
                assert not any(token in html for token in ("{%", "%}", "{{", "}}")), spec.kind
                victim = case.parties.get(role="victim")
                payload = {"kind": spec.kind, **{
                    f.name: _valid_value(f, victim=victim, organisation=org) for f in spec.fields}}
                response = client.post(reverse("api-case-actions", args=[case.pk]), payload, format="json")
                assert response.status_code == 201, (spec.kind, username, response.content)
                tried.add(spec.kind)
    # The mobile group has no demo persona: its scene visit has a test of its own.
    untried = set(registry.REGISTRY) - tried
    assert untried == {ActionKind.SCENE_VISIT}, untried
