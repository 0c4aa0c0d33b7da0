"""Documents and evidence (issue #9 item 7): stored encrypted, hashed, cleaned of image metadata,
limited in size and type, downloaded only by those who may see identities, every download
recorded, removed only by the agency that added them."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from agencies.models import Agency
from config.errors import InputError
from evidence import services, storage
from evidence.models import AttachedTo, Document, DocumentSource
from notifications.services.notices import notice_send
from privacy.models import AuditAction, AuditEvent
from tests.evidence.conftest import jpeg_with_gps, png_bytes

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Скриншот: Ерлан Ахметов, 6А, угрозы в чате".encode()
OUTSIDERS = ["kz-coordinator-2", "ua-coordinator", "kz-ombudsman"]


@pytest.fixture
def case(persona, file_case):
    return file_case(persona("kz-coordinator"), "kz-school-1")


@pytest.fixture
def shared_case(case, persona):
    """The case notified to the district police: its officers hold it too."""
    notice_send(user=persona("kz-head"), case=case, channel="phone", to_agency=Agency.objects.get(code="kz-police"))
    return case


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def _stored_bytes(root, document) -> bytes:
    return (root / document.storage_key).read_bytes()


def _upload(user, case, data=SECRET_TEXT, **kwargs):
    return services.document_upload(user=user, case=case, data=data, original_name="chat.txt", **kwargs)


# --- Storing -----------------------------------------------------------------------------------


def test_the_stored_file_is_encrypted_and_its_hash_recorded(case, persona, evidence_storage):
    document = _upload(persona("kz-coordinator"), case, title="Чат 6А")
    stored = _stored_bytes(evidence_storage, document)
    assert SECRET_TEXT not in stored and b"Ahmetov" not in stored
    assert "chat" not in document.storage_key and str(case.pk) not in document.storage_key
    assert document.sha256 == hashlib.sha256(SECRET_TEXT).hexdigest() == document.received_sha256
    assert document.size == len(SECRET_TEXT) and document.content_type == "text/plain"
    assert storage.blob_get(key=document.storage_key, document_id=document.pk) == SECRET_TEXT
    # The title and the original name are sealed in the database too.
    row = Document.objects.filter(pk=document.pk).values("title", "original_name").get()
    assert "Чат" not in row["title"] and "chat" not in row["original_name"]
    event = AuditEvent.objects.get(action=AuditAction.DOCUMENT_UPLOAD, case_id=case.pk)
    assert event.detail["document"] == str(document.pk) and event.detail["sha256"] == document.sha256
    assert "Чат" not in str(event.detail) and "chat" not in str(event.detail)


def test_a_sealed_file_moved_to_another_document_does_not_open(case, persona, evidence_storage):
    first = _upload(persona("kz-coordinator"), case)
    second = _upload(persona("kz-coordinator"), case, data=b"other")
    (evidence_storage / second.storage_key).write_bytes(_stored_bytes(evidence_storage, first))
    from privacy.crypto import DecryptionError

    with pytest.raises(DecryptionError):
        storage.blob_get(key=second.storage_key, document_id=second.pk)


def test_gps_and_camera_data_are_stripped_from_a_photo(case, persona, evidence_storage):
    original = jpeg_with_gps()
    assert b"SecretCam" in original
    document = _upload(persona("kz-coordinator"), case, data=original)
    plain = storage.blob_get(key=document.storage_key, document_id=document.pk)
    assert b"SecretCam" not in plain
    image = Image.open(io.BytesIO(plain))
    exif = image.getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif and 0x0112 not in exif
    # The orientation was applied to the pixels before the tag went: portrait, as the phone showed it.
    assert image.size == (20, 40)
    assert document.metadata_stripped and document.content_type == "image/jpeg"
    assert document.received_sha256 == hashlib.sha256(original).hexdigest()
    assert document.sha256 == hashlib.sha256(plain).hexdigest() != document.received_sha256


def test_the_type_is_read_from_the_bytes_not_the_name(case, persona):
    document = services.document_upload(user=persona("kz-coordinator"), case=case, data=png_bytes(),
                                        original_name="notes.txt")
    assert document.content_type == "image/png"


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"MZ\x90\x00\x03\x00\x00\x00", "not allowed"),  # a Windows program
    (b"\x89PNG\r\n\x1a\nbroken", "cannot be read"),
])
def test_refused_files_store_nothing(case, persona, evidence_storage, data, message):
    with pytest.raises(InputError) as err:
        _upload(persona("kz-coordinator"), case, data=data)
    assert message in " ".join(err.value.errors["file"])
    assert not Document.objects.exists() and not any(evidence_storage.rglob("*.*"))


def test_a_file_over_the_size_limit_is_refused(case, persona, settings, evidence_storage):
    settings.EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(InputError) as err:
        _upload(persona("kz-coordinator"), case, data=b"a" * 1001)
    assert "too large" in err.value.errors["file"][0]
    assert not Document.objects.exists() and not evidence_storage.exists()


def test_a_document_attaches_only_to_a_notice_of_its_own_case(case, persona, file_case):
    coordinator = persona("kz-coordinator")
    notice = notice_send(user=persona("kz-head"), case=case, channel="phone",
                         to_agency=Agency.objects.get(code="kz-police"))
    other = file_case(coordinator, "kz-school-1")
    other_notice = notice_send(user=persona("kz-head"), case=other, channel="phone",
                               to_agency=Agency.objects.get(code="kz-police"))
    document = _upload(coordinator, case, attached_to=AttachedTo.NOTICE, attached_id=str(notice.pk))
    assert (document.attached_to, document.attached_id) == ("notice", str(notice.pk))
    for attached_to, attached_id in [("notice", str(other_notice.pk)), ("meeting", "999999"), ("action", "x"),
                                     ("case", "5")]:
        with pytest.raises(InputError) as err:
            _upload(coordinator, case, attached_to=attached_to, attached_id=attached_id)
        assert "attached_to" in err.value.errors
    assert Document.objects.count() == 1


def test_documents_are_numbered_per_case(case, persona):
    numbers = [_upload(persona("kz-coordinator"), case).number for _ in range(3)]
    assert numbers == [1, 2, 3]


def test_store_takes_bytes_from_anyone(case):
    """Issue #11: an anonymous pupil's screenshot is stored the same way, with no uploading user."""
    document = services.document_store(case=case, data=png_bytes(), source=DocumentSource.ANONYMOUS_REPORT)
    assert document.uploaded_by is None and document.agency is None and document.number == 1
    event = AuditEvent.objects.get(action=AuditAction.DOCUMENT_UPLOAD, case_id=case.pk)
    assert event.actor_id is None and event.detail["source"] == "anonymous_report"


# --- Who uploads -------------------------------------------------------------------------------


def test_a_shared_agency_uploads_for_itself(shared_case, persona):
    document = _upload(persona("kz-police"), shared_case)
    assert document.agency.code == "kz-police"


def test_a_commission_member_or_ombudsman_who_reads_the_case_cannot_upload(case, persona):
    from cases import permissions

    reader = persona("kz-ombudsman")
    permissions.grant_to_user(case, reader, permissions.SHARED_AGENCY_PERMS)
    with pytest.raises(InputError):
        _upload(reader, case)
    response = _client(reader).post(reverse("api-case-documents", args=[case.pk]),
                                    {"file": SimpleUploadedFile("a.txt", b"x")}, format="multipart")
    assert response.status_code == 404 and not Document.objects.exists()


# --- Browser -----------------------------------------------------------------------------------


def test_upload_in_the_browser_and_see_it_on_the_case_page(case, persona, evidence_storage):
    client = _client(persona("kz-coordinator"))
    response = client.post(reverse("evidence:document_new", args=[case.pk]), {
        "file": SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg"),
        "title": "Синяк на руке", "attached": "case"})
    assert response.status_code == 302
    document = Document.objects.get()
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Синяк на руке" in page and document.sha256[:12] in page
    assert reverse("evidence:document_download", args=[document.pk]) in page
    assert "IMG_0001" not in page  # the original name is kept, not shown
    assert "Chain of custody" in page or "custody" in page


@pytest.mark.parametrize("payload, field, message", [
    ({}, "file", "Choose a file."),
    ({"file": ("empty.txt", b"")}, "file", "The file is empty."),
    ({"file": ("x.exe", b"MZ\x90\x00\x03")}, "file", "This type of file is not allowed"),
    ({"file": ("big.txt", b"a" * 2000)}, "file", "The file is too large"),
])
def test_refused_uploads_in_the_browser_show_per_field_messages(case, persona, settings, evidence_storage,
                                                                 payload, field, message):
    settings.EVIDENCE_MAX_BYTES = 1000
    client = _client(persona("kz-coordinator"))
    data = {"attached": "case", "title": "Скрин"}
    if "file" in payload:
        name, content = payload["file"]
        data["file"] = SimpleUploadedFile(name, content)
    response = client.post(reverse("evidence:document_new", args=[case.pk]), data)
    assert response.status_code == 400
    form = response.context["document_form"]
    assert any(message in error for error in form.errors[field])
    assert not Document.objects.exists() and not evidence_storage.exists()


def test_the_download_is_an_audited_attachment_under_a_neutral_name(case, persona):
    document = _upload(persona("kz-coordinator"), case)
    response = _client(persona("kz-psychologist")).get(reverse("evidence:document_download", args=[document.pk]))
    assert response.status_code == 200 and response.content == SECRET_TEXT
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"{case.reference}-001.txt" in disposition
    assert "chat" not in disposition
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action=AuditAction.DOCUMENT_DOWNLOAD)
    assert event.actor == persona("kz-psychologist") and event.case_id == case.pk
    assert event.detail["document"] == str(document.pk) and event.detail["sha256"] == document.sha256
    page = _client(persona("kz-head")).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert str(AuditAction.DOCUMENT_DOWNLOAD.label) in page  # the custody log shows it


@pytest.mark.parametrize("username", OUTSIDERS)
def test_outsiders_get_404_and_nothing_is_recorded_as_a_download(case, persona, username):
    document = _upload(persona("kz-coordinator"), case)
    client = _client(persona(username))
    for url in (reverse("evidence:document_download", args=[document.pk]),
                reverse("api-document-content", args=[document.pk]),
                reverse("api-case-documents", args=[case.pk])):
        response = client.get(url)
        assert response.status_code == 404 and SECRET_TEXT not in response.content
    response = client.post(reverse("evidence:document_new", args=[case.pk]),
                           {"file": SimpleUploadedFile("a.txt", b"x"), "attached": "case"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.DOCUMENT_DOWNLOAD).exists()
    assert Document.objects.count() == 1


# --- Removal -----------------------------------------------------------------------------------


def test_only_the_uploading_agency_removes_and_the_record_stays(shared_case, persona, evidence_storage,
                                                                django_capture_on_commit_callbacks):
    document = _upload(persona("kz-police"), shared_case)
    school = _client(persona("kz-coordinator"))
    response = school.post(reverse("api-document-remove", args=[document.pk]), {"reason": "дубликат"},
                           format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    response = _client(persona("kz-police-2")).post(reverse("api-document-remove", args=[document.pk]),
                                                    {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert Document.objects.get().removed_at is None

    with django_capture_on_commit_callbacks(execute=True):
        response = _client(persona("kz-police-2")).post(
            reverse("evidence:document_remove", args=[document.pk]), {"reason": "Передано следователю"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.removed_at is not None and document.removed_by == persona("kz-police-2")
    assert document.removal_reason == "Передано следователю"
    assert not (evidence_storage / document.storage_key).exists()  # SPEC D2: the working copy is purged
    event = AuditEvent.objects.get(action=AuditAction.DOCUMENT_REMOVE)
    assert event.detail["document"] == str(document.pk) and "Передано" not in str(event.detail)
    response = school.get(reverse("evidence:document_download", args=[document.pk]))
    assert response.status_code == 410


# --- API ---------------------------------------------------------------------------------------


def test_api_upload_list_and_content(case, persona):
    client = _client(persona("kz-coordinator"))
    url = reverse("api-case-documents", args=[case.pk])
    response = client.post(url, {"file": SimpleUploadedFile("shot.png", png_bytes()), "title": "Скрин"},
                           format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "image/png" and body["number"] == 1 and len(body["sha256"]) == 64
    listed = client.get(url).json()
    assert [row["id"] for row in listed] == [body["id"]] and listed[0]["title"] == "Скрин"
    content = client.get(reverse("api-document-content", args=[body["id"]]))
    assert content.status_code == 200 and hashlib.sha256(content.content).hexdigest() == body["sha256"]
    assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_DOWNLOAD, detail__via="api").count() == 1


def test_api_refuses_a_bad_file_per_field(case, persona, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    client = _client(persona("kz-coordinator"))
    url = reverse("api-case-documents", args=[case.pk])
    response = client.post(url, {"file": SimpleUploadedFile("big.txt", b"a" * 200)}, format="multipart")
    assert response.status_code == 400 and "too large" in response.json()["file"][0]
    response = client.post(url, {"file": SimpleUploadedFile("x.txt", b"ok"), "attached_to": "meeting",
                                 "attached_id": "1"}, format="multipart")
    assert response.status_code == 400 and "attached_to" in response.json()
    assert not Document.objects.exists()


def test_the_upload_route_takes_a_body_over_one_megabyte_and_others_do_not(case, persona):
    client = _client(persona("kz-coordinator"))
    big = b"a" * (1024 * 1024 + 10)
    response = client.post(reverse("api-case-documents", args=[case.pk]),
                           {"file": SimpleUploadedFile("big.txt", big)}, format="multipart")
    assert response.status_code == 201
    response = client.post(reverse("api-case-takedowns", args=[case.pk]),
                           {"file": SimpleUploadedFile("big.txt", big)}, format="multipart")
    assert response.status_code == 413


def test_a_document_attaches_to_an_agency_action_of_its_own_case(case, persona, file_case):
    from django.apps import apps
    from django.utils import timezone

    Action = apps.get_model("casework", "Action")
    kind = Action._meta.get_field("kind").choices[0][0]
    coordinator = persona("kz-coordinator")
    action = Action.objects.create(case=case, agency=case.school, kind=kind, occurred_at=timezone.now(),
                                   recorded_by=coordinator)
    other = Action.objects.create(case=file_case(coordinator, "kz-school-1"), agency=case.school, kind=kind,
                                  occurred_at=timezone.now(), recorded_by=coordinator)
    document = _upload(coordinator, case, attached_to=AttachedTo.ACTION, attached_id=str(action.pk))
    assert document.attached_id == str(action.pk)
    with pytest.raises(InputError):
        _upload(coordinator, case, attached_to=AttachedTo.ACTION, attached_id=str(other.pk))
    form_choices = dict(_client(coordinator).get(reverse("cases:detail", args=[case.pk]))
                        .context["document_form"].fields["attached"].choices)
    assert f"action:{action.pk}" in form_choices and f"action:{other.pk}" not in form_choices


def test_the_demo_screenshot_is_a_clean_png(case, persona):
    from evidence.demo import load_demo_evidence

    load_demo_evidence(case=case, user=persona("kz-coordinator"))
    load_demo_evidence(case=case, user=persona("kz-coordinator"))  # idempotent
    document = Document.objects.get(case=case)
    assert document.content_type == "image/png" and document.metadata_stripped
    assert case.takedown_requests.count() == 1


def test_after_a_key_rotation_files_are_resealed_with_the_newest_key(case, persona, settings, evidence_storage):
    import base64
    import os

    from privacy import crypto

    document = _upload(persona("kz-coordinator"), case)
    old_key_file = evidence_storage / document.storage_key
    ring = crypto.keyring()
    old = f"{ring.newest_id}:{base64.b64encode(ring.keys[ring.newest_id]).decode()}"
    blind = base64.b64encode(ring.blind_index_key).decode()
    new = f"k9:{base64.b64encode(os.urandom(32)).decode()}"
    settings.FIELD_ENCRYPTION_KEYS, settings.BLIND_INDEX_KEY = [new, old], blind
    crypto.reset_keyring()
    assert services.documents_reseal() == {"resealed": 1, "unreadable": 0}
    assert services.documents_reseal() == {"resealed": 0, "unreadable": 0}  # nothing more to do
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key dropped
    crypto.reset_keyring()
    document.refresh_from_db()
    assert storage.blob_get(key=document.storage_key, document_id=document.pk) == SECRET_TEXT
    assert not old_key_file.exists()


def test_a_reader_whose_agency_does_not_hold_the_case_sees_documents_but_no_forms(case, persona):
    from cases import permissions

    _upload(persona("kz-coordinator"), case, title="Скрин чата")
    reader = persona("kz-ombudsman")
    permissions.grant_to_user(case, reader, permissions.SHARED_AGENCY_PERMS)
    response = _client(reader).get(reverse("cases:detail", args=[case.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "Скрин чата" in page
    assert reverse("evidence:document_new", args=[case.pk]) not in page
    assert reverse("evidence:takedown_new", args=[case.pk]) not in page


def test_the_browser_upload_route_also_takes_a_body_over_one_megabyte(case, persona):
    response = _client(persona("kz-coordinator")).post(
        reverse("evidence:document_new", args=[case.pk]),
        {"file": SimpleUploadedFile("big.txt", b"a" * (1024 * 1024 + 10)), "attached": "case"})
    assert response.status_code == 302 and Document.objects.get().size == 1024 * 1024 + 10


def test_a_body_over_the_document_limit_is_refused_before_it_is_read(case, persona, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    response = _client(persona("kz-coordinator")).post(
        reverse("api-case-documents", args=[case.pk]),
        {"file": SimpleUploadedFile("big.txt", b"a" * (200 * 1024))}, format="multipart")
    assert response.status_code == 413 and not Document.objects.exists()


def test_a_removed_document_is_gone_in_the_api_too(case, persona):
    document = _upload(persona("kz-coordinator"), case)
    services.document_remove(user=persona("kz-head"), document=document, reason="Передано следователю")
    response = _client(persona("kz-coordinator")).get(reverse("api-document-content", args=[document.pk]))
    assert response.status_code == 410 and "removed" in response.json()["detail"]
    assert not AuditEvent.objects.filter(action=AuditAction.DOCUMENT_DOWNLOAD).exists()
    page = _client(persona("kz-coordinator")).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Removed" in page and "Передано следователю" in page
    assert reverse("evidence:document_download", args=[document.pk]) not in page
