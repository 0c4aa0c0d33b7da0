"""What a case's status allows (issue #9): a closed case takes no new work.

Closing a case ends its handling: the outcome and the reason are on record, the statutory
clocks were met or waived before it could close (``cases.services.case_close``). A notice,
an event, an agency's action, a child's first account, an assignment, a document or a
takedown request recorded afterwards would change a file that says it is finished, and a
clock started on it would run where nobody looks. So each of those services starts with
``refuse_if_closed``; whoever has new work reopens the case first (the reopening and its
reason are on record). A merged report is worked in the case it was merged into.

Still open on a closed case, on purpose:
- reading it, and downloading its documents;
- the support plans (support.services): KZ §39-§41 support outlives the case's handling;
- the status of a takedown request already sent (the platform answers when it answers), and
  correcting or removing what was recorded while the case was open (the record must be right).
"""

from django.utils.translation import gettext as _

from cases.models import Case
from cases.vocabulary import CaseStatus
from config.errors import InputError


def case_open_errors(case: Case) -> dict:
    """``{"__all__": [message]}`` if the case takes no new work, else ``{}``.

    The status is read from the database, not from the given object: a page loaded before
    someone closed the case must not write to it."""
    row = Case.objects.filter(pk=case.pk).values("status", "merged_into_id").first()
    if row is None or row["status"] == CaseStatus.OPEN:
        return {}
    if row["merged_into_id"]:
        target = Case.objects.get(pk=row["merged_into_id"])
        return {"__all__": [_("This report was merged into %(reference)s: record anything new there.")
                            % {"reference": target.reference}]}
    return {"__all__": [_("This case is closed. Reopen it to record anything new.")]}


def refuse_if_closed(case: Case) -> None:
    """Raise ``InputError`` (a non-field error: 400 in the API) if the case takes no new work."""
    errors = case_open_errors(case)
    if errors:
        raise InputError(errors)
