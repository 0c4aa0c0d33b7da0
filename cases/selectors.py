"""Read queries on cases, always filtered by the reader's permissions.

Every page and endpoint that shows one case goes through ``case_get_for_user``:
a case the user may not see is a 404, exactly like one that does not exist,
and the refused attempt is recorded.
"""

import base64
import uuid
from datetime import datetime

from django.db.models import Q
from django.http import Http404

from cases import permissions
from cases.models import Case, Party
from privacy.audit import audit_record
from privacy.models import AuditAction, AuditEvent

TIMELINE_ACTIONS = [
    AuditAction.CASE_CREATE, AuditAction.CASE_UPDATE, AuditAction.CASE_SHARE,
    AuditAction.PARTY_ADD, AuditAction.SCREENING_ADD,
]


def case_list_visible_to(user, *, filters: dict | None = None):
    filters = filters or {}
    qs = Case.objects.filter(permissions.visible_cases_filter(user)).select_related("school", "jurisdiction")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("urgent"):
        qs = qs.filter(is_urgent=True)
    return qs


def case_get_for_user(user, case_id, *, perm: str = permissions.VIEW) -> Case:
    case = Case.objects.select_related("school", "jurisdiction").filter(pk=case_id).first()
    if case is None or not permissions.has_case_perm(user, perm, case):
        audit_record(actor=user, action=AuditAction.ACCESS_REFUSED,
                     case_id=case.pk if case else None, detail={"perm": perm})
        raise Http404
    return case


def case_read(user, case: Case, *, channel: str) -> bool:
    """Record that the user read the case; returns whether they may see identities."""
    with_identity = permissions.has_case_perm(user, permissions.VIEW_IDENTITY, case)
    audit_record(actor=user, action=AuditAction.CASE_VIEW, case_id=case.pk, detail={"via": channel})
    if with_identity:
        audit_record(actor=user, action=AuditAction.IDENTITY_VIEW, case_id=case.pk, detail={"via": channel})
    return with_identity


def case_parties(case: Case):
    return Party.objects.filter(case=case).select_related("represents")


def case_timeline(case: Case):
    return AuditEvent.objects.filter(case_id=case.pk, action__in=TIMELINE_ACTIONS).select_related("actor")


def case_by_identity_number(user, number: str):
    """Cases the user may see in which a party has this identity number (blind index)."""
    from privacy.crypto import blind_index

    digest = blind_index(number.strip(), "identity_number")
    return case_list_visible_to(user).filter(parties__identity_number_index=digest).distinct()


def case_page(qs, *, cursor: str | None, size: int):
    """One page of newest-first cases after ``cursor``; returns (cases, next cursor or None).

    Keyset pagination: no COUNT(*) and no OFFSET, so a page costs the same deep
    in a large table as on top of it.
    """
    qs = qs.order_by("-received_at", "-id")
    if cursor:
        try:
            stamp, _, last_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
            received_at, last_id = datetime.fromisoformat(stamp), uuid.UUID(last_id)
        except ValueError:
            received_at = None
        if received_at is not None:
            qs = qs.filter(Q(received_at__lt=received_at) | Q(received_at=received_at, id__lt=last_id))
    rows = list(qs[: size + 1])
    if len(rows) <= size:
        return rows, None
    last = rows[size - 1]
    token = f"{last.received_at.isoformat()}|{last.pk}"
    return rows[:size], base64.urlsafe_b64encode(token.encode()).decode()
