"""Read queries on cases, always filtered by the reader's permissions.

Every page and endpoint that shows one case goes through ``case_get_for_user``:
a case the user may not see is a 404, exactly like one that does not exist,
and the refused attempt is recorded.
"""

import uuid
from dataclasses import dataclass

from django.db import connection
from django.db.models import OuterRef, Q
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.translation import gettext as _

from cases import keyset, permissions
from cases.models import Case, CaseAccess, CaseChange, DuplicateCandidate, Party
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
    AuditAction.CASE_CLOSE, AuditAction.CASE_REOPEN, AuditAction.CASE_LINK_SCHOOL, AuditAction.CASE_MERGE,
    # Agency casework (issue #9): who took the case, what was recorded and attached.
    AuditAction.CASE_ASSIGN, AuditAction.ACTION_RECORD, AuditAction.FIRST_ACCOUNT_RECORD,
    AuditAction.DOCUMENT_UPLOAD, AuditAction.TAKEDOWN_REQUEST, AuditAction.PLAN_CREATE,
    AuditAction.PLAN_ITEM_DONE, AuditAction.REFERRAL,
]


# How apps above cases name what an audit detail refers to, e.g. "rule": a function from a set
# of rule codes to the rules' names in the reader's language. Registered when those apps start
# (notifications.apps), so that cases never imports them.
TIMELINE_NAMERS: dict = {}


def _timeline_label(event: AuditEvent, names: dict) -> str:
    """What an event says on the case page: its action, and from its detail only facts that are
    safe on any screen (numbers, rule names, outcomes), never personal data."""
    label = event.get_action_display()
    detail = event.detail or {}
    action = event.action
    if action == AuditAction.NOTICE_SEND and detail.get("number"):
        return _("%(action)s: No. %(number)s") % {"action": label, "number": detail["number"]}
    if action in (AuditAction.DEADLINE_MET, AuditAction.DEADLINE_BREACH, AuditAction.DEADLINE_WAIVE) \
            and detail.get("rule"):
        rule = names.get("rule", {}).get(detail["rule"], detail["rule"])
        if detail.get("state") == "met_late":
            return _("%(action)s late: %(rule)s") % {"action": label, "rule": rule}
        return _("%(action)s: %(rule)s") % {"action": label, "rule": rule}
    if action == AuditAction.MEETING_OPEN:
        return _("Commission meeting held")
    if action == AuditAction.DECISION_RECORD and "confirmed" in detail:
        return (_("Commission decision recorded: bullying confirmed") if detail["confirmed"]
                else _("Commission decision recorded: bullying not confirmed"))
    return label


@dataclass(frozen=True)
class CaseListFilters:
    """The filters a case list offers; each is a column of the access table."""

    status: str = ""
    urgent: bool = False
    overdue: bool = False
    kind: str = ""
    # Issue #9: the cases the user holds for their agency, or those nobody in it holds yet.
    mine: bool = False
    unassigned: bool = False


def case_list_visible_to(user, *, filters: CaseListFilters | None = None):
    """The cases the user may see, as a queryset, for narrow lookups that start elsewhere
    (an identity number). A list page goes through ``case_page``."""
    filters = filters or CaseListFilters()
    qs = Case.objects.filter(permissions.case_visible(user, OuterRef("pk"))).select_related("school", "jurisdiction")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.urgent:
        qs = qs.filter(is_urgent=True)
    if filters.overdue:
        qs = qs.filter(is_overdue=True)
    if filters.kind:
        qs = qs.filter(access__kind_codes__contains=f",{filters.kind},").distinct()
    if filters.mine:
        qs = qs.filter(access__assignee=user, access__group__in=user.groups.all())
    if filters.unassigned:
        qs = qs.filter(access__group__isnull=False, access__assignee__isnull=True,
                       access__group__in=user.groups.all()).distinct()
    return qs


def case_get_for_user(user, case_id, *, perm: str = permissions.VIEW) -> Case:
    case = Case.objects.select_related("school", "intake_agency", "jurisdiction").filter(pk=case_id).first()
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
    names = {}
    for key, namer in TIMELINE_NAMERS.items():
        codes = {e.detail[key] for e in events if isinstance(e.detail, dict) and e.detail.get(key)}
        names[key] = namer(codes) if codes else {}
    for event in events:
        event.label = _timeline_label(event, names)
    return events


def case_by_identity_number(user, number: str):
    """Cases the user may see in which a party has this identity number (blind index)."""
    from privacy.crypto import blind_index

    digest = blind_index(number.strip(), "identity_number")
    return case_list_visible_to(user).filter(parties__identity_number_index=digest).distinct()


def _grantee_range(column: str, grantee_id: int, filters: CaseListFilters, after, limit: int, alias: str,
                   group_ids: list[int] = ()):
    """One grantee's next ``limit`` cases: a range of its (grantee, …, received_at, case) index."""
    where, params = [f"{column} = %s"], [grantee_id]
    if filters.status:
        where.append("status = %s")
        params.append(filters.status)
    if filters.urgent:
        where.append("is_urgent")
    if filters.overdue:
        where.append("is_overdue")
    if filters.kind:
        where.append("kind_codes LIKE %s")
        params.append(f"%,{filters.kind},%")
    if filters.unassigned:
        where.append("assignee_id IS NULL")
    if column == "assignee_id":
        # A user holds a case for an agency they still belong to: one who left keeps no rows.
        where.append("group_id IN (%s)" % ", ".join(["%s"] * len(group_ids)) if group_ids else "FALSE")
        params += group_ids
    if after:
        where.append("(received_at, case_id) < (%s, %s)")
        # As the database stores them (SQLite: naive UTC text and hex, PostgreSQL: native types).
        params += [CaseAccess._meta.get_field("received_at").get_db_prep_value(after[0], connection),
                   CaseAccess._meta.get_field("case").target_field.get_db_prep_value(after[1], connection)]
    # A derived table per range: both PostgreSQL and SQLite accept a LIMIT there inside a UNION.
    sql = (f"SELECT * FROM (SELECT case_id, received_at FROM {CaseAccess._meta.db_table} "
           f"WHERE {' AND '.join(where)} ORDER BY received_at DESC, case_id DESC LIMIT %s) AS {alias}")
    return sql, [*params, limit]


def case_page(user, *, filters: CaseListFilters | None = None, cursor: str | None = None, size: int = 50):
    """One page of the cases the user may see, newest first, after ``cursor``;
    returns (cases, next cursor or None).

    DESIGN §4: the user's few grantees (themselves and their groups) each give an
    index range of at most size + 1 access rows after the cursor; the ranges are
    merged by (received_at, case id), deduplicated (a case shared with two of the
    user's groups) and cut to size + 1, all in one statement with the cases
    joined. No COUNT(*), no OFFSET, no scan of a grantee's other rows: a page
    costs the same for a user who sees a million cases as for one who sees ten,
    deep in the list as on top of it.
    """
    filters = filters or CaseListFilters()
    user_id, group_ids = permissions.grantees(user)
    if user_id is None:
        return [], None
    after, limit = keyset.cursor_decode(cursor, uuid.UUID), size + 1
    if filters.mine:
        # One range: the rows the user holds, whichever of their agencies they hold them for.
        ranges = [_grantee_range("assignee_id", user_id, filters, after, limit, "by_assignee", group_ids)]
    else:
        # "Unassigned" is about an agency's rows; a user's personal grants are never assigned.
        ranges = [] if filters.unassigned else [_grantee_range("user_id", user_id, filters, after, limit, "by_user")]
        ranges += [_grantee_range("group_id", group_id, filters, after, limit, f"by_group_{i}")
                   for i, group_id in enumerate(group_ids)]
    if not ranges:
        return [], None
    page_sql = (
        "SELECT case_id FROM (SELECT DISTINCT case_id, received_at FROM ("
        + " UNION ALL ".join(sql for sql, _ in ranges)
        + ") AS granted ORDER BY received_at DESC, case_id DESC LIMIT %s) AS page"
    )
    params = [p for _, range_params in ranges for p in range_params] + [limit]
    # A list shows facts only: the sealed description stays in the database.
    rows = list(Case.objects.select_related("school", "jurisdiction").defer("description")
                .filter(pk__in=RawSQL(page_sql, params)).order_by("-received_at", "-id"))
    if len(rows) <= size:
        return rows, None
    return rows[:size], keyset.cursor_encode(rows[size - 1].received_at, rows[size - 1].pk)


@dataclass
class DuplicateEntry:
    """A possible duplicate as a reader of the case may see it: the other case's reference,
    agency and date only if they may see that case too, else nothing but that it exists."""

    candidate: DuplicateCandidate
    visible: bool
    other: Case | None = None
    may_merge: bool = False


def case_duplicates(user, case: Case) -> list[DuplicateEntry]:
    """The unresolved possible duplicates of the case (SPEC §2, multi-channel dedup). Never names:
    a visible other case shows its reference, intake agency and date; another agency's case only
    that it exists."""
    rows = (DuplicateCandidate.objects.filter(resolved_at__isnull=True)
            .filter(Q(case=case) | Q(other=case))
            .select_related("case__intake_agency", "case__school", "other__intake_agency", "other__school")
            .order_by("found_at", "pk"))
    may_change = permissions.has_case_perm(user, permissions.CHANGE, case)
    entries = []
    for row in rows:
        other = row.other if row.case_id == case.pk else row.case
        if permissions.has_case_perm(user, permissions.VIEW, other):
            entries.append(DuplicateEntry(
                candidate=row, visible=True, other=other,
                may_merge=may_change and other.status == case.status == "open"
                and permissions.has_case_perm(user, permissions.CHANGE, other)))
        else:
            entries.append(DuplicateEntry(candidate=row, visible=False))
    return entries


def case_changes(case: Case):
    """The case's recorded changes with their reasons (for readers of the case's facts), newest first."""
    return CaseChange.objects.filter(case=case).select_related("by").order_by("-at")
