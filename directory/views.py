"""Browser pages of the help directory (SPEC H5, KZ §38). Thin: parse, call a service or
selector, render.

Every staff member reads the entries of the jurisdictions they work in; an entry of
another jurisdiction is a 404, as if it did not exist. Editing is for the directory's
keepers (``directory.permissions``): anyone else gets a 403 page that says who keeps it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.errors import InputError, errors_to_form
from directory import permissions, selectors, services
from directory.forms import DirectoryFilterForm, HelpOrganisationForm


def _pick(jurisdictions, code: str | None):
    """The jurisdiction asked for by code among ``jurisdictions``, else the first."""
    jurisdictions = list(jurisdictions)
    for jurisdiction in jurisdictions:
        if code and jurisdiction.code == code:
            return jurisdiction
    return jurisdictions[0] if jurisdictions else None


def _cannot_edit(request):
    return render(request, "directory/cannot_edit.html", status=403)


@login_required
def organisation_list(request):
    readable = list(permissions.reader_jurisdictions(request.user))
    jurisdiction = _pick(readable, request.GET.get("jurisdiction"))
    if jurisdiction is None:  # an account that works in no agency
        return render(request, "directory/list.html", {"organisations": [], "jurisdiction": None})
    form = DirectoryFilterForm(request.GET, jurisdiction=jurisdiction)
    form.is_valid()  # a filter that does not parse is left out; the others still apply
    filters = form.cleaned_data
    may_edit = permissions.may_edit_directory(request.user, jurisdiction)
    show_inactive = may_edit and request.GET.get("inactive") == "1"
    organisations = selectors.help_organisations(
        jurisdiction=jurisdiction, region=filters.get("region"), service=filters.get("service") or None,
        query=filters.get("q") or "", active_only=not show_inactive)
    with timezone.override(jurisdiction.zone):
        return render(request, "directory/list.html", {
            "organisations": organisations, "jurisdiction": jurisdiction, "form": form,
            "jurisdictions": readable if len(readable) > 1 else [], "may_edit": may_edit,
            "show_inactive": show_inactive,
        })


@login_required
def organisation_detail(request, pk):
    organisation = selectors.help_organisation_get(pk, user=request.user)
    may_edit = permissions.may_edit_directory(request.user, organisation.jurisdiction)
    with timezone.override(organisation.jurisdiction.zone):
        return render(request, "directory/detail.html", {"organisation": organisation, "may_edit": may_edit})


def _save(request, form, save, *, organisation=None, context=None):
    """Run the form and the service; on refusal, the form with its errors (400)."""
    if form.is_valid():
        try:
            saved = save(form.service_values())
        except InputError as err:
            errors_to_form(form, err.errors)
        except PermissionDenied:  # lost the role between the page and the click
            return _cannot_edit(request)
        else:
            messages.success(request, _("The directory entry was saved."))
            return redirect("directory:detail", pk=saved.pk)
    else:
        # One round: the service's checks on whatever parsed, beside the fields' own errors.
        jurisdiction = organisation.jurisdiction if organisation else form.jurisdiction
        values = form.service_values()
        errors_to_form(form, services.help_organisation_errors(jurisdiction=jurisdiction, **values),
                       keep_form_errors=True)
    context = {**(context or {}), "form": form, "organisation": organisation}
    return render(request, "directory/form.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request):
    editable = list(permissions.editor_jurisdictions(request.user))
    jurisdiction = _pick(editable, request.POST.get("jurisdiction") or request.GET.get("jurisdiction"))
    if jurisdiction is None:
        return _cannot_edit(request)
    form = HelpOrganisationForm(request.POST if request.method == "POST" else None, jurisdiction=jurisdiction)
    form.jurisdiction = jurisdiction
    context = {"form": form, "organisation": None, "jurisdiction": jurisdiction,
               "jurisdictions": editable if len(editable) > 1 else []}
    if request.method == "GET":
        return render(request, "directory/form.html", context)
    return _save(request, form, lambda values: services.help_organisation_create(
        user=request.user, jurisdiction=jurisdiction, **values), context=context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk):
    organisation = selectors.help_organisation_get(pk, user=request.user)
    if not permissions.may_edit_directory(request.user, organisation.jurisdiction):
        return _cannot_edit(request)
    if request.method == "GET":
        initial = {name: getattr(organisation, name) for name in services.EDITABLE_FIELDS}
        initial["is_active"] = organisation.is_active
        form = HelpOrganisationForm(initial=initial, jurisdiction=organisation.jurisdiction, with_active=True)
        return render(request, "directory/form.html", {"form": form, "organisation": organisation})
    form = HelpOrganisationForm(request.POST, jurisdiction=organisation.jurisdiction, with_active=True)
    return _save(request, form, lambda values: services.help_organisation_update(
        user=request.user, organisation=organisation, **values), organisation=organisation)
