"""A closed case takes no new work (issue #9, cases/lifecycle.py): notices, events, agency actions,
first accounts and their addenda, assignments, documents and takedown requests are refused in the
browser and the API with one message, and nothing is saved; the case page offers none of those
forms. Reading, downloading, the status of a takedown already sent and the support plans go on
(KZ §39-§41: support outlives the case's handling). Reopened, the case takes the same writes."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Agency
from cases.models import CaseAccess
from cases.services import PartyInput, case_close, case_reopen, case_share_with_agency
from casework.models import Action, FirstAccount, FirstAccountAddendum
from casework.services.first_account import first_account_record
from conftest import make_parties
from evidence.models import Document, TakedownRequest
from evidence.services import document_upload, takedown_request
from notifications.models import Deadline, DeadlineState, Notice
from privacy.models import AuditEvent
from support import services as support
from support.models import ProgressNote
from tests.evidence.conftest import png_bytes

pytestmark = pytest.mark.django_db

CLOSED = "This case is closed. Reopen it to record anything new."
NOTE_ON_PAGE = "The case is closed: reopen it to record anything new."
URL = "https://www.instagram.com/p/Cx-erlan_6a/"
WORDS = "Олар менің сөмкемді лақтырды."


def agency(code):
    return Agency.objects.get(code=code)


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def _close(case, persona):
    # The statutory clocks must be met or waived before a case closes (cases.services.case_close).
    Deadline.objects.filter(case=case, state=DeadlineState.PENDING).exclude(
        rule__code__contains="support_").update(state=DeadlineState.WAIVED)
    case_close(user=persona("kz-head"), case=case, outcome="handled", reason="Көмек көрсетілді")
    case.refresh_from_db()
    assert case.status == "closed"


@pytest.fixture
def case(persona, file_case):
    parties = [*make_parties(), PartyInput(role="initiator", family_name="Серіков", given_name="Дәурен",
                                           birth_date=dt.date(2012, 1, 5), class_name="6А")]
    received = timezone.now() - dt.timedelta(hours=2)
    case = file_case(persona("kz-coordinator"), "kz-school-1", parties=parties, received_at=received,
                     incident_at=received - dt.timedelta(hours=1))
    case_share_with_agency(case=case, agency=agency("kz-police"))
    return case


@pytest.fixture
def open_work(case, persona):
    """What was recorded while the case was open: the victim's first account, a document, a
    takedown request and a support plan with an item."""
    victim = case.parties.get(role="victim")
    account = first_account_record(user=persona("kz-police"), case=case, party_id=victim.pk, place="сынып",
                                   present="мұғалім", words=WORDS)
    document = document_upload(user=persona("kz-coordinator"), case=case, data=png_bytes(), title="Скрин")
    takedown = takedown_request(user=persona("kz-coordinator"), case=case, platform="instagram", content_url=URL)
    plan = support.plan_create(user=persona("kz-coordinator"), case=case, party=victim,
                               kind="victim_rehabilitation")
    item = support.plan_item_add(user=persona("kz-coordinator"), plan=plan, measure="psychologist", detail="",
                                 owner_agency=case.school, owner=persona("kz-psychologist"),
                                 due_on=case.jurisdiction.local_date(timezone.now()) + dt.timedelta(days=10))
    return {"account": account, "document": document, "takedown": takedown, "plan": plan, "item": item}


def _writes(case, persona):
    """Each refused write: (name, who, browser url, browser data, api url, api data, how many are saved)."""
    initiator = case.parties.get(role="initiator")
    victim = case.parties.get(role="victim")
    police = persona("kz-police")
    guardianship = agency("kz-guardianship")
    assigned = lambda: CaseAccess.objects.filter(case=case, group=agency("kz-police").case_group,  # noqa: E731
                                                 assignee__isnull=False).count()
    return [
        ("notice", "kz-head",
         reverse("notifications:notice_new", args=[case.pk]),
         {"recipient": f"agency:{guardianship.pk}", "channel": "phone", "sent_at": ""},
         reverse("api-case-notices", args=[case.pk]), {"to_agency": guardianship.pk, "channel": "phone"},
         lambda: Notice.objects.filter(case=case).count()),
        ("event", "kz-head",
         reverse("notifications:event_new", args=[case.pk]), {"event": "placement_flagged", "at": ""},
         reverse("api-case-events", args=[case.pk]), {"event": "placement_flagged"},
         lambda: AuditEvent.objects.filter(case_id=case.pk, action="case_event").count()),
        ("action", "kz-police",
         reverse("casework:action_new", args=[case.pk]), {"kind": "preventive_talk", "talked_with": "parents"},
         reverse("api-case-actions", args=[case.pk]), {"kind": "preventive_talk", "talked_with": ["parents"]},
         lambda: Action.objects.filter(case=case).count()),
        ("first account", "kz-police",
         reverse("casework:first_account_new", args=[case.pk]),
         {"party": str(initiator.pk), "place": "сынып", "present": "мұғалім", "words": WORDS},
         reverse("api-case-first-accounts", args=[case.pk]),
         {"party": str(initiator.pk), "place": "сынып", "present": "мұғалім", "words": WORDS},
         lambda: FirstAccount.objects.filter(case=case).count()),
        ("addendum", "kz-police",
         reverse("casework:first_account_addendum", args=[case.pk, victim.pk]), {"text": "Кейін қосты."},
         reverse("api-case-first-account", args=[case.pk, victim.pk]), {"text": "Кейін қосты."},
         lambda: FirstAccountAddendum.objects.filter(account__case=case).count()),
        ("assignment", "kz-police",
         reverse("casework:assign", args=[case.pk]), {"agency": "kz-police", "assignee": police.pk},
         reverse("api-case-assignment", args=[case.pk]), {"agency": "kz-police", "assignee": police.pk},
         assigned),
        ("document", "kz-coordinator",
         reverse("evidence:document_new", args=[case.pk]), lambda: {
             "file": SimpleUploadedFile("shot.png", png_bytes(), content_type="image/png"), "title": "Скрин",
             "attached": "case"},
         reverse("api-case-documents", args=[case.pk]), lambda: {
             "file": SimpleUploadedFile("shot.png", png_bytes(), content_type="image/png"), "title": "Скрин"},
         lambda: Document.objects.filter(case=case).count()),
        ("takedown", "kz-coordinator",
         reverse("evidence:takedown_new", args=[case.pk]), {"platform": "youtube", "content_url": URL},
         reverse("api-case-takedowns", args=[case.pk]), {"platform": "youtube", "content_url": URL},
         lambda: TakedownRequest.objects.filter(case=case).count()),
    ]


def _data(value):
    return value() if callable(value) else value


def _api_post(client, url, data):
    multipart = isinstance(data, dict) and any(isinstance(v, SimpleUploadedFile) for v in data.values())
    return client.post(url, data, format="multipart" if multipart else "json")


def test_every_new_write_on_a_closed_case_is_refused_with_one_message_and_saves_nothing(case, persona, open_work):
    _close(case, persona)
    for name, who, page_url, page_data, api_url, api_data, count in _writes(case, persona):
        client = client_for(persona(who))
        before = count()
        response = client.post(page_url, _data(page_data))
        assert response.status_code == 400, (name, response.status_code)
        assert CLOSED in response.content.decode(), name
        response = _api_post(client, api_url, _data(api_data))
        assert response.status_code == 400, (name, response.status_code, response.content)
        assert response.json() == {"non_field_errors": [CLOSED]}, name
        assert count() == before, name


def test_the_same_writes_work_again_once_the_case_is_reopened(case, persona, open_work):
    _close(case, persona)
    case_reopen(user=persona("kz-head"), case=case, reason="Жаңа мән-жайлар")
    for name, who, page_url, page_data, api_url, api_data, count in _writes(case, persona):
        client = client_for(persona(who))
        before = count()
        if name in {"first account", "assignment"}:  # once per child; one holder: the browser or the API
            response = client.post(page_url, _data(page_data))
            assert response.status_code == 302, (name, response.status_code)
            assert count() == before + 1, name
            continue
        response = client.post(page_url, _data(page_data))
        assert response.status_code == 302, (name, response.status_code)
        response = _api_post(client, api_url, _data(api_data))
        assert response.status_code in (200, 201), (name, response.status_code, response.content)
        # Two events of the same kind are one audit row each; the rest are two records.
        assert count() == before + 2, name


def test_a_merged_report_points_to_the_case_it_was_merged_into(case, persona, file_case):
    from cases.lifecycle import case_open_errors
    from cases.models import Case

    older = file_case(persona("kz-coordinator"), "kz-school-1")
    Case.objects.filter(pk=case.pk).update(status="closed", outcome="merged", merged_into=older)
    errors = case_open_errors(case)
    assert errors == {"__all__": [f"This report was merged into {older.reference}: record anything new there."]}
    response = client_for(persona("kz-head")).post(reverse("api-case-events", args=[case.pk]),
                                                    {"event": "placement_flagged"}, format="json")
    assert response.status_code == 400 and older.reference in response.json()["non_field_errors"][0]


def test_reading_downloading_takedown_status_and_support_go_on_after_closing(case, persona, open_work):
    _close(case, persona)
    coordinator = client_for(persona("kz-coordinator"))
    # Downloading a document of the closed case.
    response = coordinator.get(reverse("evidence:document_download", args=[open_work["document"].pk]))
    assert response.status_code == 200 and response.content
    # The platform answers after the case closed: the request's status is still updated.
    takedown = open_work["takedown"]
    response = coordinator.post(reverse("evidence:takedown_update", args=[takedown.pk]), {"status": "refused"})
    assert response.status_code == 302
    takedown.refresh_from_db()
    assert takedown.status == "refused"
    # Support plans outlive the case's handling (KZ §39-§41): progress, done, a new item.
    item = open_work["item"]
    psychologist = client_for(persona("kz-psychologist"))
    response = psychologist.post(reverse("support:item_progress", args=[case.pk, item.pk]),
                                 {f"n{item.pk.hex[:8]}-text": "Бірінші кездесу өтті"})
    assert response.status_code == 302
    assert ProgressNote.objects.filter(item=item).count() == 1
    response = psychologist.post(reverse("support:item_done", args=[case.pk, item.pk]),
                                 {f"d{item.pk.hex[:8]}-note": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.done_at is not None
    support.plan_item_add(user=persona("kz-coordinator"), plan=open_work["plan"], measure="extra_curricular",
                          detail="", owner_agency=case.school, owner=persona("kz-psychologist"),
                          due_on=case.jurisdiction.local_date(timezone.now()) + dt.timedelta(days=20))
    assert open_work["plan"].items.count() == 2


def test_the_closed_case_page_hides_the_write_forms_and_shows_why(case, persona, open_work):
    url = reverse("cases:detail", args=[case.pk])
    forms = {
        "notice": f'action="{reverse("notifications:notice_new", args=[case.pk])}"',
        "event": f'action="{reverse("notifications:event_new", args=[case.pk])}"',
        "action": f'action="{reverse("casework:action_new", args=[case.pk])}"',
        "first account": reverse("casework:first_account_new", args=[case.pk]),
        "document": f'action="{reverse("evidence:document_new", args=[case.pk])}"',
        "takedown": f'action="{reverse("evidence:takedown_new", args=[case.pk])}"',
    }
    police = client_for(persona("kz-police"))
    head = client_for(persona("kz-head"))
    coordinator = client_for(persona("kz-coordinator"))

    def pages():
        return {who: client.get(url).content.decode() for who, client in
                (("police", police), ("head", head), ("coordinator", coordinator))}

    opened = pages()
    assert "Take the case" in opened["police"]
    for name, marker in forms.items():
        assert any(marker in page for page in opened.values()), name
    assert NOTE_ON_PAGE not in opened["head"]
    assert 'class="badge case-status case-open"' in opened["head"]

    _close(case, persona)
    closed = pages()
    assert "Take the case" not in closed["police"]
    assert 'action="{}"'.format(reverse("casework:assign", args=[case.pk])) not in closed["head"]
    for name, marker in forms.items():
        assert all(marker not in page for page in closed.values()), name
    assert NOTE_ON_PAGE in closed["head"] and NOTE_ON_PAGE in closed["police"]
    assert 'class="badge case-status case-closed"' in closed["head"]
    # What stays: the reopen button, the support plan's forms, the takedown's status form.
    assert reverse("cases:reopen", args=[case.pk]) in closed["head"]
    assert reverse("support:item_progress", args=[case.pk, open_work["item"].pk]) in closed["coordinator"]
    assert reverse("evidence:takedown_update", args=[open_work["takedown"].pk]) in closed["coordinator"]
    # The first account is read, not added to, on a closed case.
    account_page = police.get(reverse("casework:first_account", args=[case.pk, open_work["account"].party_id]))
    html = account_page.content.decode()
    assert account_page.status_code == 200 and WORDS in html and NOTE_ON_PAGE in html
    assert reverse("casework:first_account_addendum", args=[case.pk, open_work["account"].party_id]) not in html


def test_the_case_list_tells_closed_from_open(case, persona, file_case):
    other = file_case(persona("kz-coordinator"), "kz-school-1")
    _close(case, persona)
    html = client_for(persona("kz-head")).get(reverse("cases:list") + "?status=").content.decode()
    if case.reference in html and other.reference in html:
        assert 'class="badge case-status case-closed"' in html and 'class="badge case-status case-open"' in html
    else:  # the list shows open cases by default
        assert 'class="badge case-status case-open"' in html
        closed = client_for(persona("kz-head")).get(reverse("cases:list") + "?status=closed").content.decode()
        assert case.reference in closed and 'class="badge case-status case-closed"' in closed
