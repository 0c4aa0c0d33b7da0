"""Who may notify whom: the protocol's notice matrix (NoticeRoute), enforced for every interface.

- A school shares a case only with the agencies the law names (KZ §18, §21–§26; UA I.6, II.2),
  never with another school: the API and the browser refuse it per field and save nothing.
- Staff of an agency the case was notified to send notices under the same matrix, numbered in
  their own agency's register (the police's KZ §19.5 duty).
- A parent not yet in the case can be named in the notice (UA I.6, II.2).
- Every member of the receiving agency gets the bell entry; acknowledging clears it.
- The KZ §25 committee clock counts rapid channels only; "immediately" is shown as the law says it.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse

from agencies.models import Agency
from cases.models import Party
from cases.services import PartyInput
from conftest import make_parties
from notifications.models import Deadline, DeadlineState, Notice, NoticeRoute, OutboxMessage
from notifications.selectors import notice_options, unread_count
from notifications.services.notices import notice_acknowledge, notice_send
from tests.api.clients import client_for

pytestmark = pytest.mark.django_db

# KZ §18.2–§18.3, §21, §23–§26.1: whom a KZ school tells.
KZ_SCHOOL_RECIPIENTS = {"kz-guardianship", "kz-police", "kz-111", "kz-bku", "kz-bkou", "kz-bkkk", "kz-kikkk",
                        "kz-prosecutor", "kz-education", "kz-health", "kz-social"}
# UA I.6, II.2: the police, the children's service, the centre of social services.
UA_SCHOOL_RECIPIENTS = {"ua-police", "ua-children-service", "ua-social-centre"}


def agency(code):
    return Agency.objects.get(code=code)


def deadline_of(case, code, **filters):
    return Deadline.objects.get(case=case, rule__code=code, **filters)


def notices_url(case):
    return f"/api/v1/cases/{case.pk}/notices/"


def offered_agencies(html) -> set[str]:
    """The agency codes the notice form's recipient list offers."""
    select = re.search(r'<select name="recipient".*?</select>', html, re.S).group(0)
    ids = {int(pk) for pk in re.findall(r'value="agency:(\d+)"', select)}
    return set(Agency.objects.filter(pk__in=ids).values_list("code", flat=True))


@pytest.fixture
def kz_case(persona, file_case):
    return file_case(persona("kz-coordinator"), "kz-school-1")


@pytest.fixture
def family_violence_case(persona, file_case):
    """A KZ case whose alleged perpetrator is the victim's father (a legal representative)."""
    victim, mother = make_parties()
    father = PartyInput(role="legal_representative", family_name="Ахметов", given_name="Бақыт", is_minor=False,
                        represents_index=0, is_alleged_perpetrator=True)
    return file_case(persona("kz-coordinator"), "kz-school-1", parties=[victim, mother, father])


# --- 1. No interface shares a case with another school -------------------------------------------


def test_the_api_refuses_a_notice_to_another_school_and_the_case_stays_private(persona, kz_case):
    response = client_for(persona("kz-coordinator")).post(notices_url(kz_case), {
        "to_agency": agency("kz-school-2").pk, "channel": "phone"}, format="json")
    assert response.status_code == 400
    assert response.json()["to_agency"] == [
        "The protocol does not provide for a notice from your agency to this one: choose a recipient from the list."]
    assert not Notice.objects.filter(case=kz_case).exists()
    outsider = client_for(persona("kz-coordinator-2"))
    assert outsider.get(f"/api/v1/cases/{kz_case.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/cases/{kz_case.pk}/parties/").status_code == 404


def test_the_service_refuses_an_agency_outside_the_matrix_whatever_the_interface(persona, kz_case):
    from config.errors import InputError

    # The mobile group and the akimat are not a school's recipients in KZ (no paragraph says so).
    for code in ("kz-school-2", "kz-mobile", "kz-akimat"):
        with pytest.raises(InputError) as refused:
            notice_send(user=persona("kz-head"), case=kz_case, channel="phone", to_agency=agency(code))
        assert set(refused.value.errors) == {"to_agency"}
    assert not Notice.objects.filter(case=kz_case).exists()
    assert not persona("kz-coordinator-2").has_perm("cases.view_case", kz_case)


@pytest.mark.parametrize("school, username, expected", [
    ("kz-school-1", "kz-coordinator", KZ_SCHOOL_RECIPIENTS),
    ("ua-school-1", "ua-coordinator", UA_SCHOOL_RECIPIENTS),
])
def test_the_browser_form_offers_exactly_the_matrix(client, persona, file_case, school, username, expected):
    case = file_case(persona(username), school)
    client.force_login(persona(username))
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert offered_agencies(html) == expected
    # The same one reading of the matrix that the service checks against.
    options = notice_options(persona(username), case)
    assert {a.code for a in options.agencies} == expected
    kinds = set(NoticeRoute.objects.filter(jurisdiction=case.jurisdiction, sender_kind="school")
                .values_list("recipient_kind", flat=True))
    assert {a.kind for a in options.agencies} == kinds and "school" not in kinds


def test_the_browser_refuses_another_school_per_field(client, persona, kz_case):
    client.force_login(persona("kz-coordinator"))
    response = client.post(reverse("notifications:notice_new", args=[kz_case.pk]),
                           {"recipient": f"agency:{agency('kz-school-2').pk}", "channel": "phone"})
    assert response.status_code == 400
    assert "Choose a recipient from the list." in response.content.decode()
    assert not Notice.objects.filter(case=kz_case).exists()


# --- 22. The police's own KZ §19.5 notices ------------------------------------------------------


def test_the_perpetrator_rule_no_longer_cites_kz_19_5():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in ("notifications/services/notices.py", "cases/models.py", "commission/services.py"):
        for line in (root / path).read_text().splitlines():
            if "alleged perpetrator" in line and "#" in line:
                comment = line.split("#", 1)[1]
                assert "KZ §19.5" not in comment or "not KZ §19.5" in comment, (path, line)


def test_the_police_tell_guardianship_and_the_mobile_group_of_violence_by_a_parent(
        client, persona, family_violence_case):
    case = family_violence_case
    head, officer = persona("kz-head"), persona("kz-police")
    assert not Deadline.objects.filter(case=case, rule__code="kz.police_family_violence_notice").exists()
    notice_send(user=head, case=case, channel="phone", to_agency=agency("kz-police"))
    clock = deadline_of(case, "kz.police_family_violence_notice")
    assert clock.state == DeadlineState.PENDING and clock.rule.source == "KZ §19.5"

    # The officer sees the notice form on the case page, offering the matrix's police row.
    client.force_login(officer)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Record a notice" in html
    # KZ §19.5, §19.2; and §26.1, §25: the ombudsmen and the committee, told of every fact.
    assert offered_agencies(html) == {"kz-guardianship", "kz-mobile", "kz-111", "kz-bku", "kz-bkou", "kz-bkkk"}
    assert "Record an event" not in html

    response = client.post(reverse("notifications:notice_new", args=[case.pk]),
                           {"recipient": f"agency:{agency('kz-guardianship').pk}", "channel": "phone"})
    assert response.status_code == 302
    by_police = Notice.objects.get(case=case, to_agency__code="kz-guardianship")
    assert by_police.from_agency == agency("kz-police") and by_police.sent_by == officer
    assert by_police.outgoing_number.startswith("KZ-POLICE/")
    # The school's own KZ §21 clock is not met by the police's notice.
    assert deadline_of(case, "kz.guardianship_notice").state == DeadlineState.PENDING
    assert deadline_of(case, "kz.police_family_violence_notice").state == DeadlineState.PENDING

    response = client_for(officer).post(notices_url(case), {"to_agency": agency("kz-mobile").pk,
                                                            "channel": "phone"}, format="json")
    assert response.status_code == 201 and response.json()["from_agency"] == agency("kz-police").pk
    assert deadline_of(case, "kz.police_family_violence_notice").state == DeadlineState.MET
    # Not a school, and not outside its row of the matrix.
    response = client_for(officer).post(notices_url(case), {"to_agency": agency("kz-prosecutor").pk,
                                                            "channel": "phone"}, format="json")
    assert response.status_code == 400 and "to_agency" in response.json()


def test_agency_staff_of_an_agency_not_notified_get_404(persona, kz_case):
    notice_send(user=persona("kz-head"), case=kz_case, channel="phone", to_agency=agency("kz-guardianship"))
    response = client_for(persona("kz-police")).post(notices_url(kz_case), {
        "to_agency": agency("kz-guardianship").pk, "channel": "phone"}, format="json")
    assert response.status_code == 404 and Notice.objects.filter(case=kz_case).count() == 1


# --- 14. Naming a parent who is not yet in the case -----------------------------------------------


@pytest.fixture
def ua_case_without_parent(persona, file_case):
    return file_case(persona("ua-coordinator"), "ua-school-1", parties=make_parties(with_representative=False))


def test_the_head_names_a_parent_in_the_notice_and_the_parent_clock_is_met(client, persona, ua_case_without_parent):
    case = ua_case_without_parent
    victim = case.parties.get(role="victim")
    assert deadline_of(case, "ua.parent_notice", party=victim).state == DeadlineState.PENDING
    client.force_login(persona("ua-head"))
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "A parent not yet in the case" in html
    response = client.post(reverse("notifications:notice_new", args=[case.pk]), {
        "recipient": "new_representative", "channel": "phone", "represents": str(victim.pk),
        "family_name": "Коваль", "given_name": "Марія", "phone": "+380501112233"})
    assert response.status_code == 302
    parent = case.parties.get(role="legal_representative")
    assert (parent.family_name, parent.given_name, parent.represents, parent.is_minor) == (
        "Коваль", "Марія", victim, False)
    assert Notice.objects.get(case=case).to_party == parent
    assert deadline_of(case, "ua.parent_notice", party=victim).state == DeadlineState.MET


@pytest.mark.parametrize("data, field, message", [
    ({"family_name": "", "given_name": "Марія"}, "family_name", "Enter the family name."),
    ({"family_name": "Коваль", "given_name": "Марія", "represents": ""}, "represents",
     "Choose the minor this person represents."),
])
def test_a_parent_without_a_name_or_a_minor_is_refused_per_field(client, persona, ua_case_without_parent,
                                                                 data, field, message):
    case = ua_case_without_parent
    victim = case.parties.get(role="victim")
    client.force_login(persona("ua-head"))
    post = {"recipient": "new_representative", "channel": "phone", "represents": str(victim.pk), **data}
    response = client.post(reverse("notifications:notice_new", args=[case.pk]), post)
    assert response.status_code == 400
    form = response.context["notice_form"]
    assert form.errors[field] == [message]
    assert not Party.objects.filter(case=case, role="legal_representative").exists()
    assert not Notice.objects.filter(case=case).exists()


def test_the_api_names_a_parent_in_the_notice(persona, ua_case_without_parent):
    case = ua_case_without_parent
    victim = case.parties.get(role="victim")
    api = client_for(persona("ua-head"))
    refused = api.post(notices_url(case), {"channel": "phone", "new_representative": {
        "represents": str(victim.pk), "family_name": "", "given_name": ""}}, format="json")
    assert refused.status_code == 400
    assert set(refused.json()["new_representative"]) == {"family_name", "given_name"}
    assert not case.parties.filter(role="legal_representative").exists() and not Notice.objects.exists()

    response = api.post(notices_url(case), {"channel": "phone", "new_representative": {
        "represents": str(victim.pk), "family_name": "Коваль", "given_name": "Марія"}}, format="json")
    assert response.status_code == 201
    parent = case.parties.get(role="legal_representative")
    assert response.json()["to_party"] == str(parent.pk) and "Коваль" not in response.content.decode()
    assert deadline_of(case, "ua.parent_notice", party=victim).state == DeadlineState.MET


# --- 15. Every member of the receiving agency hears of the notice --------------------------------


def test_the_ombudsman_office_gets_a_bell_entry_and_acknowledging_clears_it(persona, kz_case):
    ombudsman = persona("kz-ombudsman")
    notice = notice_send(user=persona("kz-head"), case=kz_case, channel="in_system", to_agency=agency("kz-bku"))
    assert OutboxMessage.objects.filter(notice=notice, recipient=ombudsman, channel="in_app").exists()
    assert unread_count(ombudsman) == 1
    notice_acknowledge(user=ombudsman, notice=notice)
    assert unread_count(ombudsman) == 0


# --- 21. KZ §25 by a rapid channel; "immediately" as the law says it -------------------------------


def test_a_paper_letter_to_the_committee_is_recorded_but_does_not_meet_kz_25(persona, kz_case):
    api = client_for(persona("kz-head"))
    response = api.post(notices_url(kz_case), {"to_agency": agency("kz-bkkk").pk, "channel": "paper"},
                        format="json")
    assert response.status_code == 201
    warnings = response.json()["warnings"]
    assert list(warnings) == ["channel"] and "KZ §25" in warnings["channel"][0]
    assert deadline_of(kz_case, "kz.committee_notice").state == DeadlineState.PENDING

    response = api.post(notices_url(kz_case), {"to_agency": agency("kz-bkkk").pk, "channel": "sms"},
                        format="json")
    assert response.status_code == 201 and response.json()["warnings"] == {}
    assert deadline_of(kz_case, "kz.committee_notice").state == DeadlineState.MET


def test_the_browser_says_why_a_paper_letter_does_not_count(client, persona, kz_case):
    client.force_login(persona("kz-head"))
    response = client.post(reverse("notifications:notice_new", args=[kz_case.pk]),
                           {"recipient": f"agency:{agency('kz-bkkk').pk}", "channel": "paper"}, follow=True)
    html = response.content.decode()
    assert "does not count for" in html and "KZ §25" in html


def test_immediately_is_shown_as_the_law_says_it(client, persona, kz_case):
    client.force_login(persona("kz-head"))
    html = client.get(reverse("cases:detail", args=[kz_case.pk])).content.decode()
    police_row = re.search(r'<tr id="deadline-\d+" class="deadline" data-rule="kz.police_notice".*?</tr>',
                           html, re.S).group(0)
    assert "immediately (protocol: within 1 hour)" in police_row
    deadlines = {d["rule"]: d for d in client_for(persona("kz-head")).get(
        f"/api/v1/cases/{kz_case.pk}/deadlines/").json()}
    assert deadlines["kz.police_notice"]["legal_term"] == "immediately"
    assert deadlines["kz.police_notice"]["term"] == "immediately (protocol: within 1 hour)"
    assert deadlines["kz.guardianship_notice"]["term"] == "within 1 hour"
    assert deadlines["kz.committee_notice"]["allowed_channels"] == ["phone", "sms", "email", "rapid", "in_system"]


def test_kz_24_and_26_1_open_clocks_met_by_their_notices(persona, kz_case):
    head = persona("kz-head")
    for code in ("kz-prosecutor", "kz-education", "kz-health"):
        notice_send(user=head, case=kz_case, channel="phone", to_agency=agency(code))
    assert deadline_of(kz_case, "kz.authorities_notice").state == DeadlineState.PENDING
    notice_send(user=head, case=kz_case, channel="phone", to_agency=agency("kz-social"))
    assert deadline_of(kz_case, "kz.authorities_notice").state == DeadlineState.MET
    notice_send(user=head, case=kz_case, channel="paper", to_agency=agency("kz-kikkk"),
                sent_at=kz_case.received_at + dt.timedelta(minutes=5))
    assert deadline_of(kz_case, "kz.minors_commission_notice").state == DeadlineState.MET
