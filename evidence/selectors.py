"""Reads for documents and takedown requests. The case always comes through
``cases.selectors.case_get_for_user``: a case the user may not see is a 404."""

import uuid
from collections import defaultdict

from django.apps import apps
from django.http import Http404

from agencies.models import Membership
from cases import permissions
from cases.models import Case, CaseAccess
from cases.selectors import case_get_for_user
from commission.models import Meeting
from evidence.models import AttachedTo, Document, TakedownRequest
from notifications.models import Notice
from privacy.audit import audit_record
from privacy.models import AuditAction, AuditEvent

CUSTODY_ACTIONS = [AuditAction.DOCUMENT_UPLOAD, AuditAction.DOCUMENT_DOWNLOAD, AuditAction.DOCUMENT_REMOVE]

# Other kinds of object a document may be attached to, checked by the app that owns them:
# ``ATTACHMENT_CHECKS[kind] = lambda case, object_id: bool``. Agency actions are casework's:
# read through the app registry (``casework.Action``) when that model exists, never imported.
ATTACHMENT_CHECKS: dict = {}


def _action_model():
    try:
        return apps.get_model("casework", "Action")
    except LookupError:
        return None


def attachable_actions(case: Case) -> list:
    model = _action_model()
    if model is None:
        return []
    return list(model.objects.filter(case=case).order_by("occurred_at", "pk"))


def acting_agency(user, case: Case):
    """The agency on whose behalf ``user`` works on ``case``'s documents, or None.

    The case's school for whoever may change the case (its case team, the teacher who filed it);
    else an agency the case is shared with whose case worker the user is (police, guardianship…).
    Commission members and ombudsman offices read the case but hold it for no agency.
    """
    if not permissions.has_case_perm(user, permissions.VIEW, case):
        return None
    memberships = list(Membership.objects.filter(user=user).select_related("agency")
                       .order_by("agency__name", "agency_id"))
    if permissions.has_case_perm(user, permissions.CHANGE, case) and \
            any(m.agency_id == case.school_id for m in memberships):
        return case.school
    holding = set(CaseAccess.objects.filter(case=case, group__isnull=False).values_list("group_id", flat=True))
    for membership in memberships:
        if membership.agency.case_group_id in holding and membership.works_cases:
            return membership.agency
    return None


def case_get_for_documents(user, case_id) -> tuple[Case, object]:
    """The case and the user's agency, if they may add documents or takedown requests to it;
    else a 404 like a case they may not see (recorded as refused)."""
    case = case_get_for_user(user, case_id)
    agency = acting_agency(user, case)
    if agency is None:
        audit_record(actor=user, action=AuditAction.ACCESS_REFUSED, case_id=case.pk, detail={"perm": "documents"})
        raise Http404
    return case, agency


def document_get_for_user(user, document_id, *, perm: str = permissions.VIEW) -> Document:
    """A document of a case the user may see (with ``perm``), or 404."""
    document = Document.objects.filter(pk=document_id).select_related("uploaded_by", "agency").first()
    if document is None:
        audit_record(actor=user, action=AuditAction.ACCESS_REFUSED, detail={"document": str(document_id)})
        raise Http404
    document.case = case_get_for_user(user, document.case_id, perm=perm)
    return document


def takedown_get_for_user(user, takedown_id) -> TakedownRequest:
    takedown = TakedownRequest.objects.filter(pk=takedown_id).first()
    if takedown is None:
        audit_record(actor=user, action=AuditAction.ACCESS_REFUSED, detail={"takedown": str(takedown_id)})
        raise Http404
    takedown.case = case_get_for_user(user, takedown.case_id)
    return takedown


def case_documents(case: Case, *, with_removed: bool = True):
    qs = Document.objects.filter(case=case).select_related("uploaded_by", "agency", "removed_by")
    return qs if with_removed else qs.filter(removed_at__isnull=True)


def case_takedowns(case: Case):
    return (TakedownRequest.objects.filter(case=case).select_related("requested_by", "agency")
            .prefetch_related("history__by"))


def custody_logs(case: Case) -> dict[str, list[AuditEvent]]:
    """Each document's chain of custody from the audit trail: uploaded, downloaded, removed — by
    whom and when. One query for the whole case, by document id."""
    logs: dict[str, list[AuditEvent]] = defaultdict(list)
    for event in AuditEvent.objects.filter(case_id=case.pk, action__in=CUSTODY_ACTIONS).select_related("actor"):
        document_id = (event.detail or {}).get("document")
        if document_id:
            logs[document_id].append(event)
    return logs


def attachable_notices(case: Case):
    return Notice.objects.filter(case=case).order_by("sent_at", "pk")


def attachable_meetings(case: Case):
    return Meeting.objects.filter(agenda__case=case).order_by("starts_at", "pk").distinct()


def attachment_belongs(case: Case, kind: str, object_id: str) -> bool:
    """Whether the notice, meeting or action ``object_id`` is one of the case's."""
    if kind == AttachedTo.CASE:
        return not object_id
    if not object_id:
        return False
    if kind == AttachedTo.NOTICE:
        return object_id.isdigit() and attachable_notices(case).filter(pk=int(object_id)).exists()
    if kind == AttachedTo.MEETING:
        return object_id.isdigit() and attachable_meetings(case).filter(pk=int(object_id)).exists()
    check = ATTACHMENT_CHECKS.get(kind)
    if check is not None:
        return bool(check(case, object_id))
    if kind == AttachedTo.ACTION and _action_model() is not None:
        try:
            action_id = uuid.UUID(object_id)
        except ValueError:
            return False
        return _action_model().objects.filter(pk=action_id, case=case).exists()
    return False
