"""Read queries on cases, always filtered by the reader's permissions.

Every page and endpoint that shows one case goes through ``case_get_for_user``:
a case the user may not see is a 404, exactly like one that does not exist,
and the refused attempt is recorded.
"""

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
