"""Assignment (issue #9): an agency's head or duty officer gives a case the agency holds to one of
its officers, reassigns it or takes it back; an officer may take an unassigned case themselves and
hand it back. The assignee is told in the system and by e-mail, with the case reference and the
agency's name only (DESIGN §6: no personal data in messages).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from casework import assignment_selectors as selectors
from cases import permissions
from cases.lifecycle import refuse_if_closed
from cases.models import Case, CaseAccess
from config.errors import InputError
from notifications import messages
from notifications.services.outbox import users_notify
from privacy.audit import audit_record
from privacy.models import AuditAction


def _not_holding() -> str:
    return _("Choose an agency that holds this case.")


def _not_an_officer() -> str:
    return _("Choose an officer of this agency who works its cases.")


@transaction.atomic
def case_assign(*, user, case: Case, agency: Agency | None, assignee) -> CaseAccess:
    """Make ``assignee`` the one who holds ``case`` in ``agency`` (None: nobody); returns the
    agency's access row. Giving the case to whoever holds it already changes nothing."""
    refuse_if_closed(case)
    # The row is locked: two officers taking the same case at once, one of them gets it.
    row = (CaseAccess.objects.select_for_update().filter(case_id=case.pk, group_id=agency.case_group_id).first()
           if agency is not None else None)
    if row is None:
        raise InputError({"agency": [_not_holding()]})
    memberships = selectors.memberships_in(user, agency)
    may_assign = selectors.assigns_in(memberships)
    works = selectors.works_cases_in(memberships)
    if not may_assign:
        # An officer may take a case nobody holds, and give back the one they hold; no more.
        taking = assignee is not None and assignee.pk == user.pk and row.assignee_id is None
        handing_back = assignee is None and row.assignee_id == user.pk
        if not works:
            raise InputError({"agency": [_("Only the head or the duty officer of this agency assigns its cases.")]})
        if not (taking or handing_back or row.assignee_id == (assignee.pk if assignee else None)):
            if row.assignee_id is not None and row.assignee_id != user.pk:
                message = _("Another officer holds this case: ask the head or the duty officer to reassign it.")
            else:
                message = _("Only the head or the duty officer of this agency assigns its cases to others.")
            raise InputError({"assignee": [message]})
    if assignee is not None and not selectors.is_officer_of(assignee, agency):
        raise InputError({"assignee": [_not_an_officer()]})

    previous_id = row.assignee_id
    if previous_id == (assignee.pk if assignee else None):
        return row  # no change: no audit event, no second message
    now = timezone.now()
    permissions.access_assign(case, agency.case_group, assignee, now)
    row.assignee, row.assigned_at = assignee, now
    audit_record(actor=user, action=AuditAction.CASE_ASSIGN, case_id=case.pk, detail={
        "agency": agency.code, "assignee": assignee.pk if assignee else None, "previous_assignee": previous_id,
    })
    if assignee is not None and assignee.pk != user.pk:
        # The agency's code only: the headline names the agency in the reader's language.
        users_notify(recipients=[assignee], case=case, key=messages.CASE_ASSIGNED, params={"agency": agency.code})
    return row


def case_assign_by_ref(*, user, case: Case, agency_ref, assignee_id) -> CaseAccess:
    """``case_assign`` for the browser and the API, which name the agency by code or id and the
    assignee by user id (None or empty: nobody)."""
    agency = selectors.holding_agency(case, agency_ref)
    assignee = selectors.user_get(assignee_id) if assignee_id else None
    if agency is None:
        raise InputError({"agency": [_not_holding()]})
    if assignee_id and assignee is None:
        raise InputError({"assignee": [_not_an_officer()]})
    return case_assign(user=user, case=case, agency=agency, assignee=assignee)
