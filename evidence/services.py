"""Writes for documents and takedown requests (issue #9 item 7; SPEC D1, D2).

``document_store`` keeps a file for a case whoever sends it (a case worker here, a
pupil's anonymous report in issue #11): bytes in, a stored document out, audited.
``document_upload`` is the case worker's way in: it checks that their agency holds
the case and what the document is attached to. Every download is recorded
(``document_content``): the chain of custody is the audit trail.
"""

import datetime as dt
import logging
import uuid
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.lifecycle import refuse_if_closed
from cases.models import Case
from config import limits
from config.errors import InputError
from evidence import selectors, storage
from evidence.models import (
    TAKEDOWN_TRANSITIONS, AttachedTo, Document, DocumentSource, Platform, TakedownRequest, TakedownStatus,
    TakedownStatusChange,
)
from privacy import crypto
from privacy.audit import audit_record
from privacy.models import AuditAction

log = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 200
URL_MAX_LENGTH = 2000


def _next_number(model, case: Case) -> int:
    # The case row is locked by the caller: two uploads at once get different numbers.
    return (model.objects.filter(case=case).aggregate(n=Max("number"))["n"] or 0) + 1


def _lock_case(case: Case) -> None:
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).get()


@transaction.atomic
def document_store(*, case: Case, data: bytes, title: str = "", description: str = "", original_name: str = "",
                   attached_to: str = AttachedTo.CASE, attached_id: str = "", uploaded_by=None, agency=None,
                   source: str = DocumentSource.STAFF) -> Document:
    """Check, clean, encrypt and store ``data`` as a new document of ``case``; audited.

    Asks nothing about who sends it: the caller has checked that. On a refused file
    (empty, too big, a type not allowed, an unreadable image) raises
    ``InputError({"file": [...]})`` and stores nothing.
    """
    return _document_save(prepared=storage.file_prepare(data), case=case, title=title, description=description,
                          original_name=original_name, attached_to=attached_to, attached_id=attached_id,
                          uploaded_by=uploaded_by, agency=agency, source=source)


def _document_save(*, prepared: storage.PreparedFile, case: Case, title: str, description: str,
                   original_name: str, attached_to: str, attached_id: str, uploaded_by, agency,
                   source: str = DocumentSource.STAFF) -> Document:
    _lock_case(case)
    document = Document(
        id=uuid.uuid4(), case=case, number=_next_number(Document, case), attached_to=attached_to,
        attached_id=attached_id, title=title.strip(), description=description.strip(),
        original_name=original_name.strip()[:255], content_type=prepared.content_type, size=prepared.size,
        sha256=prepared.sha256, received_size=prepared.received_size, received_sha256=prepared.received_sha256,
        metadata_stripped=prepared.metadata_stripped, storage_key=storage.new_storage_key(), source=source,
        uploaded_by=uploaded_by, agency=agency, uploaded_at=timezone.now(),
    )
    document.save(force_insert=True)
    audit_record(actor=uploaded_by, action=AuditAction.DOCUMENT_UPLOAD, case_id=case.pk, detail={
        "document": str(document.pk), "number": document.number, "sha256": document.sha256,
        "received_sha256": document.received_sha256, "size": document.size, "type": document.content_type,
        "attached_to": attached_to, "attached_id": attached_id, "agency": agency.code if agency else None,
        "source": source,
    })
    # Last, once the row and its audit event are in: if writing the file fails, the
    # transaction rolls back and nothing refers to a file that is not there. (A rollback after
    # this leaves a sealed file no row names: unreadable, and found by its key's absence.)
    storage.blob_put(key=document.storage_key, document_id=document.pk, data=prepared.data)
    return document


def _document_errors(*, title: str, description: str, attached_to: str, attached_id: str, case: Case) -> dict:
    errors: dict = {}
    if len(title) > TITLE_MAX_LENGTH:
        errors["title"] = [_("Keep the title under %(n)d characters.") % {"n": TITLE_MAX_LENGTH}]
    if len(description) > limits.FREE_TEXT_MAX_LENGTH:
        errors["description"] = [_("The description is too long.")]
    if attached_to not in AttachedTo.values:
        errors["attached_to"] = [_("Choose what the document belongs to.")]
    elif not selectors.attachment_belongs(case, attached_to, attached_id):
        errors["attached_to"] = [_("Choose a notice, meeting or action of this case.")]
    return errors


@transaction.atomic
def document_upload(*, user, case: Case, data: bytes, title: str = "", description: str = "",
                    original_name: str = "", attached_to: str = AttachedTo.CASE, attached_id="") -> Document:
    """A case worker attaches a file to the case, or to one of its notices, meetings or actions.

    Anyone who may read the case and whose agency holds it (its school's team, an agency it is
    shared with): the document is their agency's, and only that agency may remove it.
    """
    refuse_if_closed(case)
    agency = selectors.acting_agency(user, case)
    if agency is None:
        raise InputError({"__all__": [_("Your agency does not hold this case: you cannot add documents.")]})
    attached_id = str(attached_id or "").strip()
    errors = _document_errors(title=title or "", description=description or "", attached_to=attached_to,
                              attached_id=attached_id, case=case)
    prepared = None
    try:
        prepared = storage.file_prepare(data)  # the file's own errors, shown with the others at once
    except InputError as err:
        errors.update(err.errors)
    if errors:
        raise InputError(errors)
    return _document_save(prepared=prepared, case=case, title=title or "", description=description or "",
                          original_name=original_name, attached_to=attached_to, attached_id=attached_id,
                          uploaded_by=user, agency=agency)


@transaction.atomic
def document_content(*, user, document: Document, channel: str) -> bytes:
    """The document's bytes, decrypted; the download is recorded (chain of custody).

    The caller fetched the document through ``selectors.document_get_for_user`` with
    ``view_case_identity``: photos and screenshots identify children.
    """
    if document.is_removed:
        raise InputError({"__all__": [_("This document was removed.")]})
    data = storage.blob_get(key=document.storage_key, document_id=document.pk)
    audit_record(actor=user, action=AuditAction.DOCUMENT_DOWNLOAD, case_id=document.case_id, detail={
        "document": str(document.pk), "number": document.number, "sha256": document.sha256, "via": channel,
    })
    return data


@transaction.atomic
def document_remove(*, user, document: Document, reason: str) -> Document:
    """Remove a document (its agency only, with a reason). The row and its custody record stay;
    the stored file is deleted once the removal is committed (SPEC D2: working copies purged)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    reason = (reason or "").strip()
    errors: dict = {}
    agency = selectors.acting_agency(user, document.case)
    if agency is None or document.agency_id is None or agency.pk != document.agency_id:
        errors["__all__"] = [_("Only the agency that added this document can remove it.")]
    elif document.is_removed:
        errors["__all__"] = [_("This document was already removed.")]
    if not reason:
        errors["reason"] = [_("Say why the document is removed.")]
    elif len(reason) > limits.FREE_TEXT_MAX_LENGTH:
        errors["reason"] = [_("The reason is too long.")]
    if errors:
        raise InputError(errors)
    document.removed_at, document.removed_by, document.removal_reason = timezone.now(), user, reason
    document.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    audit_record(actor=user, action=AuditAction.DOCUMENT_REMOVE, case_id=document.case_id, detail={
        "document": str(document.pk), "number": document.number, "sha256": document.sha256,
        "agency": agency.code,
    })
    key = document.storage_key

    def purge():
        try:
            storage.blob_delete(key)
        except OSError:  # the row says removed; a leftover sealed file is unreadable without its row
            log.exception("Could not delete the stored file of removed document %s", document.pk)

    transaction.on_commit(purge)
    return document


def documents_reseal() -> dict:
    """After a key rotation (README, "Key rotation"): store every kept file again sealed with the
    newest key, so the old key can be dropped. Files that no configured key opens are counted and
    left as they are. Each file is its own short step; running it again does nothing more."""
    counts = {"resealed": 0, "unreadable": 0}
    for document_id, key in Document.objects.filter(removed_at__isnull=True).values_list("pk", "storage_key"):
        try:
            new_key = storage.blob_reseal(key=key, document_id=document_id)
        except (crypto.DecryptionError, OSError):
            log.error("Cannot re-seal the stored file of document %s", document_id)
            counts["unreadable"] += 1
            continue
        if new_key is None:
            continue
        with transaction.atomic():
            Document.objects.filter(pk=document_id).update(storage_key=new_key)
        storage.blob_delete(key)
        counts["resealed"] += 1
    if counts["resealed"] or counts["unreadable"]:
        audit_record(actor=None, action=AuditAction.KEYS_ROTATED, detail={"documents": counts})
    return counts


# --- Takedown requests -------------------------------------------------------------------------


def _url_error(url: str) -> str | None:
    if not url:
        return _("Enter the address of the content.")
    if len(url) > URL_MAX_LENGTH:
        return _("The address is too long.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return _("Enter a web address starting with https:// or http://.")
    return None


@transaction.atomic
def takedown_request(*, user, case: Case, platform: str, content_url: str, platform_reference: str = "",
                     requested_at: dt.datetime | None = None) -> TakedownRequest:
    """Record that the user's agency asked a platform to take content down (cyberbullying).

    A new request needs an open case; the status of one already sent may still be updated
    (``takedown_update``) after closing: the platform answers when it answers."""
    refuse_if_closed(case)
    agency = selectors.acting_agency(user, case)
    now = timezone.now()
    requested_at = requested_at or now
    content_url = (content_url or "").strip()
    platform_reference = (platform_reference or "").strip()
    errors: dict = {}
    if agency is None:
        errors["__all__"] = [_("Your agency does not hold this case: you cannot record takedown requests.")]
    if platform not in Platform.values:
        errors["platform"] = [_("Choose the platform.")]
    url_error = _url_error(content_url)
    if url_error:
        errors["content_url"] = [url_error]
    if len(platform_reference) > 100:
        errors["platform_reference"] = [_("Keep the reference under 100 characters.")]
    if requested_at > now:
        errors["requested_at"] = [_("The time cannot be in the future.")]
    elif requested_at < case.received_at - dt.timedelta(days=365):
        errors["requested_at"] = [_("The time is too long before the report.")]
    if errors:
        raise InputError(errors)
    _lock_case(case)
    takedown = TakedownRequest(
        id=uuid.uuid4(), case=case, number=_next_number(TakedownRequest, case), platform=platform,
        content_url=content_url, platform_reference=platform_reference, requested_at=requested_at,
        requested_by=user, agency=agency, status=TakedownStatus.REQUESTED, status_at=requested_at,
    )
    takedown.save(force_insert=True)
    TakedownStatusChange.objects.create(request=takedown, status=TakedownStatus.REQUESTED, at=requested_at, by=user)
    audit_record(actor=user, action=AuditAction.TAKEDOWN_REQUEST, case_id=case.pk, detail={
        "takedown": str(takedown.pk), "number": takedown.number, "platform": platform, "agency": agency.code,
    })
    return takedown


@transaction.atomic
def takedown_update(*, user, takedown: TakedownRequest, status: str, platform_reference: str | None = None,
                    at: dt.datetime | None = None) -> TakedownRequest:
    """Move a takedown request on (acknowledged, removed, refused); its agency only. The history
    keeps each step with its time."""
    takedown = TakedownRequest.objects.select_for_update().select_related("case").get(pk=takedown.pk)
    now = timezone.now()
    at = at or now
    errors: dict = {}
    agency = selectors.acting_agency(user, takedown.case)
    if agency is None or agency.pk != takedown.agency_id:
        errors["__all__"] = [_("Only the agency that made this request can update it.")]
    if status not in TakedownStatus.values:
        errors["status"] = [_("Choose a status.")]
    elif status != takedown.status and status not in TAKEDOWN_TRANSITIONS[TakedownStatus(takedown.status)]:
        errors["status"] = [_("A request that is %(status)s cannot become %(new)s.") % {
            "status": TakedownStatus(takedown.status).label.lower(), "new": TakedownStatus(status).label.lower()}]
    if platform_reference is not None and len(platform_reference.strip()) > 100:
        errors["platform_reference"] = [_("Keep the reference under 100 characters.")]
    if at > now:
        errors["at"] = [_("The time cannot be in the future.")]
    elif at < takedown.status_at:
        errors["at"] = [_("The time cannot be before the request's last step.")]
    if errors:
        raise InputError(errors)
    changed = []
    if platform_reference is not None and platform_reference.strip() != takedown.platform_reference:
        takedown.platform_reference = platform_reference.strip()
        changed.append("platform_reference")
    if status != takedown.status:
        takedown.status, takedown.status_at = status, at
        changed += ["status", "status_at"]
        TakedownStatusChange.objects.create(request=takedown, status=status, at=at, by=user)
    if changed:
        takedown.save(update_fields=changed)
        audit_record(actor=user, action=AuditAction.TAKEDOWN_UPDATE, case_id=takedown.case_id, detail={
            "takedown": str(takedown.pk), "number": takedown.number, "status": takedown.status,
            "reference_changed": "platform_reference" in changed,
        })
    return takedown
