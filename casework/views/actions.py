"""Browser pages for the agencies' actions on a case and the child's first account. Thin: parse,
call a service or selector, render.

Every page fetches the case through ``case_get_for_user`` (404 for an outsider, audited). A
reader of the case whose agency may not record anything, or who asks to correct another
agency's action, gets a 403: they know the case, but this is not theirs to change. Times are
typed and shown in the case jurisdiction's zone.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import permissions
from cases.selectors import case_get_for_user
from casework import action_selectors as selectors
from casework import registry
from casework.action_forms import (
    AddendumForm, FirstAccountForm, KindChoiceForm, action_form, action_initial, action_values, party_label,
)
from casework.services.actions import action_record, action_update
from casework.services.first_account import first_account_addendum_add, first_account_read, first_account_record
from config.errors import InputError, errors_to_form


def _case_page(case, anchor: str):
    return redirect(reverse("cases:detail", args=[case.pk]) + f"#{anchor}")


def _refuse_missing(form) -> bool:
    """Mark the required fields left empty (the registry says which); True if any was."""
    missing = False
    for name in getattr(form, "required_names", ()):
        value = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        if name not in form.errors and value in (None, "", [], False):
            form.add_error(name, _("This field is required."))
            missing = True
    return missing


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request, case_id):
    case = case_get_for_user(request.user, case_id)
    kinds = selectors.recordable_kinds(request.user, case)
    if not kinds:
        raise PermissionDenied
    with_identity = permissions.has_case_perm(request.user, permissions.VIEW_IDENTITY, case)
    kind = request.POST.get("kind") if request.method == "POST" else request.GET.get("kind")
    with timezone.override(case.jurisdiction.zone):
        if kind not in kinds:
            chooser = KindChoiceForm(request.GET or None, kinds=list(kinds))
            status = 200
            if request.method == "POST" or kind:
                chooser = KindChoiceForm({"kind": kind or ""}, kinds=list(kinds))
                chooser.is_valid()
                status = 400
            return render(request, "casework/action_choose.html", {"case": case, "chooser": chooser},
                          status=status)
        spec = registry.REGISTRY[kind]
        if request.method == "GET":
            form = action_form(spec, case=case, with_identity=with_identity)
            return render(request, "casework/action_form.html", _form_context(case, spec, form, kinds[kind]))
        form = action_form(spec, case=case, with_identity=with_identity, data=request.POST)
        if form.is_valid():
            try:
                action_record(user=request.user, case=case, kind=kind, values=action_values(form),
                              occurred_at=form.cleaned_data["occurred_at"])
            except InputError as err:
                errors_to_form(form, err.errors, keep_form_errors=True)
            else:
                messages.success(request, _("Action recorded: %(kind)s.") % {"kind": spec.label})
                return _case_page(case, "actions")
        else:
            _refuse_missing(form)
        return render(request, "casework/action_form.html", _form_context(case, spec, form, kinds[kind]),
                      status=400)


def _form_context(case, spec, form, agency, action=None) -> dict:
    return {"case": case, "spec": spec, "form": form, "agency": agency, "action": action}


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, case_id, pk):
    action = selectors.action_get_for_user(request.user, pk, for_edit=True)
    if action.case_id != case_id:
        raise Http404
    case = action.case
    spec = registry.REGISTRY[action.kind]
    with_identity = permissions.has_case_perm(request.user, permissions.VIEW_IDENTITY, case)
    with timezone.override(case.jurisdiction.zone):
        if request.method == "GET":
            form = action_form(spec, case=case, with_identity=with_identity, edit=True,
                               initial=action_initial(action) if with_identity else
                               {k: v for k, v in action_initial(action).items() if k not in action.texts})
            return render(request, "casework/action_form.html",
                          _form_context(case, spec, form, action.agency, action))
        form = action_form(spec, case=case, with_identity=with_identity, edit=True, data=request.POST)
        if form.is_valid():
            values = action_values(form)
            if not with_identity:
                # A reader who does not see the free text cannot have meant to erase it.
                values.update(action.texts)
            try:
                action_update(user=request.user, action=action, values=values,
                              reason=form.cleaned_data["reason"], occurred_at=form.cleaned_data["occurred_at"])
            except InputError as err:
                errors_to_form(form, err.errors, keep_form_errors=True)
            else:
                messages.success(request, _("Action corrected: %(kind)s.") % {"kind": spec.label})
                return _case_page(case, "actions")
        else:
            _refuse_missing(form)
        return render(request, "casework/action_form.html",
                      _form_context(case, spec, form, action.agency, action), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def first_account_new(request, case_id):
    # The child's words are identity data: someone without that permission does not see the case here.
    case = case_get_for_user(request.user, case_id, perm=permissions.VIEW_IDENTITY)
    recorded = {a.party_id for a in selectors.first_accounts(case)}
    parties = [p for p in selectors.child_parties(case) if p.pk not in recorded]
    with timezone.override(case.jurisdiction.zone):
        if request.method == "GET":
            form = FirstAccountForm(parties=parties, with_identity=True,
                                    initial={"party": request.GET.get("party", "")})
            return render(request, "casework/first_account_form.html", {"case": case, "form": form})
        form = FirstAccountForm(request.POST, parties=parties, with_identity=True)
        if form.is_valid():
            data = form.cleaned_data
            try:
                first_account_record(user=request.user, case=case, party_id=request.POST.get("party", ""),
                                     spoken_at=data["spoken_at"], place=data["place"],
                                     present=data["present"], words=data["words"])
            except InputError as err:
                errors_to_form(form, err.errors, keep_form_errors=True)
            else:
                messages.success(request, _("The child's first account is recorded."))
                return _case_page(case, "first-accounts")
        elif "party" in form.errors and request.POST.get("party") in {str(a) for a in recorded}:
            form.errors["party"] = form.error_class([_(
                "This child's first account is already recorded: read it instead of asking again.")])
        return render(request, "casework/first_account_form.html", {"case": case, "form": form}, status=400)


def _account_page(request, case, account, form=None, status=200):
    first_account_read(user=request.user, account=account, channel="web")
    return render(request, "casework/first_account.html", {
        "case": case, "account": account, "addenda": account.addenda.select_related("recorded_by"),
        "party_label": party_label(account.party, with_identity=True), "form": form or AddendumForm(),
    }, status=status)


@login_required
@require_http_methods(["GET"])
def first_account(request, case_id, party_id):
    case = case_get_for_user(request.user, case_id, perm=permissions.VIEW_IDENTITY)
    account = selectors.first_account_get(case, party_id)
    with timezone.override(case.jurisdiction.zone):
        return _account_page(request, case, account)


@login_required
@require_http_methods(["POST"])
def first_account_addendum(request, case_id, party_id):
    case = case_get_for_user(request.user, case_id, perm=permissions.VIEW_IDENTITY)
    account = selectors.first_account_get(case, party_id)
    form = AddendumForm(request.POST)
    with timezone.override(case.jurisdiction.zone):
        if form.is_valid():
            try:
                first_account_addendum_add(user=request.user, account=account, text=form.cleaned_data["text"])
            except InputError as err:
                errors_to_form(form, err.errors, keep_form_errors=True)
            else:
                messages.success(request, _("The addendum is recorded."))
                return redirect(reverse("casework:first_account", args=[case.pk, party_id]))
        return _account_page(request, case, account, form=form, status=400)
