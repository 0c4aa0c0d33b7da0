"""Reads and "who may" checks for the agencies' actions and the child's first account.

An agency holds a case when its case group was granted the case (the school's team when the
case was filed, another agency when it was notified); a user works the case for that agency
when they are in its case group (a membership whose role works cases, agencies.services).
"""

from django.http import Http404

from agencies.models import Agency
from cases import permissions
from cases.models import CaseAccess, Party
from cases.vocabulary import PartyRole
from casework import registry
from casework.models import Action, FirstAccount

# KZ §35: the first conversation is with a child party (the victim, an initiator, a witness).
CHILD_ROLES = (PartyRole.VICTIM, PartyRole.INITIATOR, PartyRole.WITNESS)


def holding_agencies(user, case) -> list[Agency]:
    """The user's agencies that hold the case, through which they work it."""
    if not user.is_authenticated or not user.is_active:
        return []
    groups = user.groups.through.objects.filter(user_id=user.pk).values("group_id")
    held = CaseAccess.objects.filter(case_id=case.pk, group_id__in=groups).values("group_id")
    return list(Agency.objects.filter(case_group_id__in=held).order_by("pk"))


def recordable_kinds(user, case) -> dict[str, Agency]:
    """Each kind of action the user may record on the case, with the agency it is recorded for."""
    if not permissions.has_case_perm(user, permissions.VIEW, case):
        return {}
    kinds = {}
    for agency in holding_agencies(user, case):
        for kind in registry.kinds_for(agency.kind, case.jurisdiction.code):
            kinds.setdefault(kind.kind, agency)
    return kinds


def may_edit(user, action: Action) -> bool:
    """Only the agency that recorded an action corrects it, while it still holds the case."""
    return any(a.pk == action.agency_id for a in holding_agencies(user, action.case))


def case_actions(case, *, agency_id=None):
    qs = Action.objects.filter(case=case).select_related("agency", "recorded_by")
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    return qs


def case_action_agencies(case) -> list[Agency]:
    """The agencies that recorded something on the case (the chronology's filter)."""
    return list(Agency.objects.filter(case_actions__case=case).distinct().order_by("name"))


def action_get_for_user(user, pk, *, for_edit: bool = False) -> Action:
    """An action of a case the user may read (else 404); with ``for_edit``, a reader of another
    agency gets ``PermissionDenied`` (403): they may see it but not correct it."""
    from django.core.exceptions import PermissionDenied

    from cases.selectors import case_get_for_user

    action = Action.objects.select_related("agency", "recorded_by", "case__jurisdiction").filter(pk=pk).first()
    if action is None:
        raise Http404
    case = case_get_for_user(user, action.case_id)  # 404, audited, for an outsider
    action.case = case
    if for_edit and not may_edit(user, action):
        raise PermissionDenied
    return action


def child_parties(case):
    return Party.objects.filter(case=case, is_minor=True, role__in=CHILD_ROLES).order_by("position")


def first_accounts(case) -> list[FirstAccount]:
    """The case's first accounts, without their words (deferred: the case page never opens them)."""
    return list(FirstAccount.objects.filter(case=case).select_related("party", "recorded_by", "agency")
                .defer("place", "present", "words"))


def may_record_first_account(user, case) -> bool:
    # The account holds the child's words: only someone who may see identities records it.
    return permissions.has_case_perm(user, permissions.VIEW_IDENTITY, case)


def first_account_get(case, party_id) -> FirstAccount:
    account = FirstAccount.objects.select_related("party", "recorded_by", "agency").filter(
        case=case, party_id=party_id).first()
    if account is None:
        raise Http404
    return account

