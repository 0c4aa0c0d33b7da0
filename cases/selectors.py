"""Read queries on cases, always filtered by the reader's permissions.

Every page and endpoint that shows one case goes through ``case_get_for_user``:
a case the user may not see is a 404, exactly like one that does not exist,
and the refused attempt is recorded.
"""

import base64
import uuid
from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import permissions
from cases.models import Case, Party
from privacy.audit import audit_record
from privacy.models import AuditAction, AuditEvent

TIMELINE_ACTIONS = [
    AuditAction.CASE_CREATE, AuditAction.CASE_UPDATE, AuditAction.CASE_SHARE,
    AuditAction.PARTY_ADD, AuditAction.SCREENING_ADD,
    # What happened to the case in the other apps, read from the audit trail (which they write in
    # the same transaction as the change): cases never imports notifications or the commission.
    AuditAction.NOTICE_SEND, AuditAction.NOTICE_ACKNOWLEDGE, AuditAction.DEADLINE_MET,
    AuditAction.DEADLINE_BREACH, AuditAction.DEADLINE_WAIVE, AuditAction.MEETING_SCHEDULE,
    AuditAction.MEETING_OPEN, AuditAction.DECISION_RECORD,
]


def _timeline_label(event: AuditEvent) -> str:
    """What an event says on the case page: its action, and from its detail only facts that are
    safe on any screen (numbers, rule codes, outcomes), never personal data."""
    label = event.get_action_display()
    detail = event.detail or {}
    action = event.action
    if action == AuditAction.NOTICE_SEND and detail.get("number"):
        return _("%(action)s: No. %(number)s") % {"action": label, "number": detail["number"]}
    if action in (AuditAction.DEADLINE_MET, AuditAction.DEADLINE_BREACH, AuditAction.DEADLINE_WAIVE) \
            and detail.get("rule"):
        if detail.get("state") == "met_late":
            return _("%(action)s late: %(rule)s") % {"action": label, "rule": detail["rule"]}
        return _("%(action)s: %(rule)s") % {"action": label, "rule": detail["rule"]}
    if action == AuditAction.MEETING_OPEN:
        return _("Commission meeting held")
    if action == AuditAction.DECISION_RECORD and "confirmed" in detail:
        return (_("Commission decision recorded: bullying confirmed") if detail["confirmed"]
                else _("Commission decision recorded: bullying not confirmed"))
    return label


def _overdue() -> Exists:
    """A case with a statutory clock breached, or pending past its due time (the sweep has not
    reached it yet): one EXISTS in the list's own query, no query per row.

    The deadlines live in notifications, above cases in the house: imported here, when a list
    is built, not when cases loads (so notifications can keep importing cases)."""
    from notifications.models import Deadline, DeadlineState

    late = Q(state=DeadlineState.BREACHED) | Q(state=DeadlineState.PENDING, due_at__lt=timezone.now())
    return Exists(Deadline.objects.filter(late, case=OuterRef("pk")))


def case_list_visible_to(user, *, filters: dict | None = None):
    filters = filters or {}
    qs = (Case.objects.filter(permissions.visible_cases_filter(user)).select_related("school", "jurisdiction")
          .annotate(is_overdue=_overdue()))
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


def case_timeline(case: Case) -> list[AuditEvent]:
    events = list(AuditEvent.objects.filter(case_id=case.pk, action__in=TIMELINE_ACTIONS).select_related("actor"))
    for event in events:
        event.label = _timeline_label(event)
    return events


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
