"""Browser: who in each agency holds a case, and the forms to assign, take or hand it back.

The case is fetched through ``case_get_for_user`` before anything else: someone who may not read
it gets a 404 for GET and POST alike. The service decides who may assign. A plain post redirects
back to the case page; with htmx the section alone comes back. Refused input re-renders the section
(on a page of its own for a plain post) with the messages next to the form, status 400.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.people import display_name
from casework import assignment_selectors as selectors
from casework.assignment_forms import AssignmentForm
from casework.services.assignment import case_assign_by_ref
from cases.selectors import case_get_for_user
from config.errors import InputError, errors_to_form

ANCHOR = "assignment"


def case_assignment_context(user, case, *, bound_form=None, flash: str = "") -> dict:
    """What the section shows: each holding agency with its holder, and the reader's forms."""
    holdings = selectors.assignment_options(user, case)
    bound_code = bound_form.data.get("agency") if bound_form is not None else None
    rows = []
    for holding in holdings:
        code = holding.agency.code
        form = None
        errors = []
        if holding.may_assign:
            form = AssignmentForm(initial={"agency": code, "assignee": holding.assignee.pk if holding.assignee else ""},
                                  officers=holding.officers, auto_id=f"id_assign_{code}_%s")
        if bound_form is not None and bound_code == code:
            if holding.may_assign:
                bound_form.fields["assignee"].choices = form.fields["assignee"].choices
                bound_form.auto_id = form.auto_id
                form = bound_form
            else:
                errors = [m for field_errors in bound_form.errors.values() for m in field_errors]
        rows.append({"holding": holding, "form": form, "errors": errors})
    # A refused post about an agency the reader has no row for (or none at all): show it above.
    unmatched = []
    if bound_form is not None and bound_code not in {h.agency.code for h in holdings}:
        unmatched = [m for field_errors in bound_form.errors.values() for m in field_errors]
    return {"case": case, "rows": rows, "errors": unmatched, "flash": flash, "user": user}


def _section(request, case, *, status=200, bound_form=None, flash=""):
    context = case_assignment_context(request.user, case, bound_form=bound_form, flash=flash)
    template = "casework/_case_assignment.html" if request.htmx else "casework/case_assignment.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def assign(request, case_id):
    case = case_get_for_user(request.user, case_id)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = case_assign_by_ref(user=request.user, case=case, agency_ref=data["agency"],
                                     assignee_id=data["assignee"])
        except InputError as err:
            errors_to_form(form, err.errors)
        else:
            if row.assignee is None:
                done = _("The case is unassigned in %(agency)s.") % {"agency": row.group.agency.name}
            else:
                done = _("%(person)s holds the case in %(agency)s.") % {
                    "person": display_name(row.assignee), "agency": row.group.agency.name}
            if request.htmx:
                return _section(request, case, flash=done)
            messages.success(request, done)
            return redirect(reverse("cases:detail", args=[case.pk]) + f"#{ANCHOR}")
    return _section(request, case, status=400, bound_form=form)
