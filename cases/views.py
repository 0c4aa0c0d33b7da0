"""Browser pages for cases. Thin: parse, call a service or selector, render.

Every page that shows one case fetches it through ``_get_case_for_user``.
"""

import uuid
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agencies.selectors import schools_for_intake
from cases import permissions, selectors, services
from cases.forms import (
    PARTY_FIELD_BY_INPUT, AgencyCaseForm, CaseFactsForm, CaseForm, CloseForm, LinkSchoolForm, PartyForm,
    PartyFormSet, ReopenForm, ScreeningForm, is_blank_party,
)
from cases.intake import agencies_for_intake
from cases.models import Case, Party
from cases.services import ScreeningInput, case_register, case_register_errors
from cases.vocabulary import CaseStatus, Kind
from cases.warning_signs import Sign
from config.errors import InputError, errors_to_form

PAGE_SIZE = 50
INITIAL_PARTIES = [
    {"role": "victim", "is_minor": True},
    {"role": "legal_representative", "is_minor": False, "represents_number": 1},
]


def _get_case_for_user(request, case_id, perm="view_case"):
    return selectors.case_get_for_user(request.user, case_id, perm=perm)


def _list_filters(request) -> selectors.CaseListFilters:
    """The list's filters from the query; a value it does not know is ignored (the list unfiltered)."""
    get = request.GET
    status, kind = get.get("status", ""), get.get("kind", "")
    mine = get.get("mine") == "1"
    return selectors.CaseListFilters(
        status=status if status in CaseStatus.values else "",
        urgent=get.get("urgent") == "1", overdue=get.get("overdue") == "1",
        kind=kind if kind in Kind.values else "",
        # Issue #9: "my cases" and "unassigned" are two tabs of one list, never both at once.
        mine=mine, unassigned=not mine and get.get("unassigned") == "1",
    )


def _list_query(filters: selectors.CaseListFilters, **changes) -> str:
    values = {"status": filters.status, "urgent": int(filters.urgent), "overdue": int(filters.overdue),
              "kind": filters.kind, "mine": int(filters.mine), "unassigned": int(filters.unassigned), **changes}
    return urlencode({k: v for k, v in values.items() if v})


@login_required
def case_list(request):
    filters = _list_filters(request)
    rows, next_cursor = selectors.case_page(request.user, filters=filters, cursor=request.GET.get("cursor"),
                                            size=PAGE_SIZE)
    tabs = [
        (_("All"), _list_query(filters, mine=0, unassigned=0), not (filters.mine or filters.unassigned)),
        (_("My cases"), _list_query(filters, mine=1, unassigned=0), filters.mine),
        (_("Unassigned"), _list_query(filters, mine=0, unassigned=1), filters.unassigned),
    ]
    return render(request, "cases/case_list.html", {
        "cases": rows, "next_cursor": next_cursor, "urgent": filters.urgent, "filters": filters,
        "filter_query": _list_query(filters), "tabs": tabs, "kinds": Kind.choices,
        "can_file": schools_for_intake(request.user).exists() or agencies_for_intake(request.user).exists(),
    })


# The case form's name for a service's error key (the submission key shows above the form).
CASE_FIELD_BY_INPUT = {"forms": "form_types", "screening": "signs", "submission_key": None}


def _apply_errors(errors: dict, case_form: CaseForm, party_forms: list, kept_positions: list[int]) -> None:
    """Show a service's errors next to the fields they concern, each party's on its own form.

    A field a form already refused keeps the form's message alone: the service
    saw no value there and would only repeat it.
    """
    errors = dict(errors)
    for index, party_errors in errors.pop("parties", {}).items():
        errors_to_form(party_forms[kept_positions[index]], party_errors, PARTY_FIELD_BY_INPUT, keep_form_errors=True)
    errors_to_form(case_form, errors, CASE_FIELD_BY_INPUT, keep_form_errors=True)


def _intake_form_class(user):
    """School staff keep the school's report form; the 111 centre, the police, health and social
    services get the same form for their own agency, the school optional (issue #9)."""
    if schools_for_intake(user).exists():
        return CaseForm
    if agencies_for_intake(user).exists():
        return AgencyCaseForm
    return None


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    form_class = _intake_form_class(request.user)
    if form_class is None:
        # Guardianship, ombudsman, a commission secretary: nothing to file for.
        return render(request, "cases/cannot_file.html", status=403)
    if request.method == "GET":
        case_form = form_class(user=request.user)
        formset = PartyFormSet(prefix="party", initial=INITIAL_PARTIES)
        return render(request, "cases/case_new.html", {"form": case_form, "formset": formset})

    case_form = form_class(request.POST, user=request.user)
    formset = PartyFormSet(request.POST, prefix="party")
    forms_valid = all([case_form.is_valid(), formset.is_valid()])  # both: every field is checked
    kept = [i for i, form in enumerate(formset.forms) if not is_blank_party(form)]
    number_to_index = {position + 1: index for index, position in enumerate(kept)}
    parties = [formset.forms[i].to_input(number_to_index=number_to_index) for i in kept]
    data = case_form.cleaned_data
    checked = dict(
        school=data.get("school"), received_at=data.get("received_at"), incident_at=data.get("incident_at"),
        channel=data.get("channel"), kinds=data.get("kinds") or [], forms=data.get("form_types") or [],
        places=data.get("places") or [], parties=parties,
        screening=ScreeningInput(checklist=case_form.checklist, signs=data.get("signs") or []),
    )
    if case_form.is_agency_intake:
        checked["intake_agency"] = data.get("intake_agency")
    if not forms_valid:
        # One round: the service's checks on whatever parsed, beside the fields' own errors.
        errors = case_register_errors(user=request.user, **checked)
        if case_form.is_agency_intake and checked["intake_agency"] is None:
            errors.pop("intake_agency", None)  # the field says it already
        _apply_errors(errors, case_form, formset.forms, kept)
    else:
        try:
            case = case_register(
                user=request.user, description=data["description"], **checked,
                # The form's one-time key: a second send of this form gets the case the first filed.
                submission_key=str(data["submission_key"] or ""),
            )
        except InputError as exc:
            _apply_errors(exc.errors, case_form, formset.forms, kept)
            if "submission_key" in exc.errors:
                case_form.renew_submission_key()
        else:
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/case_new.html", {"form": case_form, "formset": formset}, status=400)


@login_required
def case_detail(request, case_id):
    case = _get_case_for_user(request, case_id)
    with_identity = selectors.case_read(request.user, case, channel="web")
    sign_labels = dict(Sign.choices)
    screenings = [
        {"screening": s, "signs": [sign_labels.get(code, code) for code in s.signs]}
        for s in case.screenings.select_related("recorded_by")
    ]
    return render(request, "cases/case_detail.html", {
        "case": case,
        "parties": selectors.case_parties(case),
        "with_identity": with_identity,
        "screenings": screenings,
        "timeline": selectors.case_timeline(case),
        "duplicates": selectors.case_duplicates(request.user, case),
        "changes": list(selectors.case_changes(case)) if with_identity else [],
        "may_change": permissions.has_case_perm(request.user, permissions.CHANGE, case),
        "is_intake_worker": permissions.is_intake_worker(request.user, case),
    })


# --- The case's lifecycle (issue #9 item 10) --------------------------------------------------
# Each page: a case the user may not change is a 404 like one that does not exist (audited);
# a refused input is shown beside its fields with status 400 and changes nothing.

def _action_page(request, case, form, *, title: str, intro: str = "", submit: str, status: int = 200,
                 template: str = "cases/case_action.html", **extra):
    return render(request, template, {"case": case, "form": form, "title": title, "intro": intro,
                                      "submit": submit, **extra}, status=status)


def _refused(request, case, messages, *, status: int):
    return render(request, "cases/refused.html", {"case": case, "messages": messages}, status=status)


def _intake_case(request, case_id) -> tuple[Case, bool]:
    """The case and whether the user works it for the agency that received the report: only
    that agency corrects its facts or links it to a school (another team of the case gets 403)."""
    case = selectors.case_get_for_user(request.user, case_id, perm=permissions.CHANGE)
    return case, permissions.is_intake_worker(request.user, case)


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, case_id):
    case, allowed = _intake_case(request, case_id)
    if not allowed:
        return _refused(request, case, [_("Only the agency that received the report changes its facts.")], status=403)
    title, submit = _("Correct the facts"), _("Save the change")
    intro = _("The time the report was received cannot change: every deadline runs from it.")
    with timezone.override(case.jurisdiction.zone):
        if request.method == "GET":
            selectors.case_read(request.user, case, channel="web")  # the form shows the description
            form = CaseFactsForm(initial=CaseFactsForm.initial_for(case))
            return _action_page(request, case, form, title=title, intro=intro, submit=submit)
        form = CaseFactsForm(request.POST)
        if form.is_valid():
            try:
                services.case_update(user=request.user, case=case, reason=form.cleaned_data["reason"],
                                     **form.changes())
            except InputError as err:
                errors_to_form(form, err.errors, {"forms": "form_types"})
            else:
                return redirect("cases:detail", case_id=case.pk)
        return _action_page(request, case, form, title=title, intro=intro, submit=submit, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def party_new(request, case_id):
    case = selectors.case_get_for_user(request.user, case_id, perm=permissions.CHANGE)
    minors = list(Party.objects.filter(case=case, is_minor=True).order_by("position"))
    title, submit = _("Add a party"), _("Add the party")
    if request.method == "GET":
        return _action_page(request, case, PartyForm(), title=title, submit=submit)
    form = PartyForm(request.POST)
    if form.is_valid():
        number = form.cleaned_data.get("represents_number")
        represents = next((p for p in minors if p.position + 1 == number), None) if number else None
        try:
            services.party_add(user=request.user, case=case, data=form.to_input(number_to_index={}),
                               represents=represents)
        except InputError as err:
            errors_to_form(form, err.errors, {"represents": "represents_number", "represents_index": None})
        else:
            return redirect("cases:detail", case_id=case.pk)
    return _action_page(request, case, form, title=title, submit=submit, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def screening_new(request, case_id):
    case = selectors.case_get_for_user(request.user, case_id, perm=permissions.CHANGE)
    title, submit = _("Record warning signs"), _("Record the screening")
    if request.method == "GET":
        return _action_page(request, case, ScreeningForm(case=case), title=title, submit=submit)
    form = ScreeningForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.screening_add(user=request.user, case=case, checklist=form.cleaned_data["checklist"],
                                   signs=form.cleaned_data["signs"])
        except InputError as err:
            errors_to_form(form, err.errors)
        else:
            return redirect("cases:detail", case_id=case.pk)
    return _action_page(request, case, form, title=title, submit=submit, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def case_close(request, case_id):
    case = selectors.case_get_for_user(request.user, case_id, perm=permissions.CHANGE)
    title, submit = _("Close the case"), _("Close the case")
    intro = _("A case closes once its statutory deadlines are met or waived; breached ones stay on record.")
    if request.method == "GET":
        return _action_page(request, case, CloseForm(), title=title, intro=intro, submit=submit)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.case_close(user=request.user, case=case, **form.cleaned_data)
        except InputError as err:
            errors_to_form(form, err.errors)
        else:
            return redirect("cases:detail", case_id=case.pk)
    return _action_page(request, case, form, title=title, intro=intro, submit=submit, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def case_reopen(request, case_id):
    case = selectors.case_get_for_user(request.user, case_id, perm=permissions.CHANGE)
    title, submit = _("Reopen the case"), _("Reopen the case")
    if request.method == "GET":
        return _action_page(request, case, ReopenForm(), title=title, submit=submit)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.case_reopen(user=request.user, case=case, reason=form.cleaned_data["reason"])
        except InputError as err:
            errors_to_form(form, err.errors)
        else:
            return redirect("cases:detail", case_id=case.pk)
    return _action_page(request, case, form, title=title, submit=submit, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def case_link_school(request, case_id):
    case, allowed = _intake_case(request, case_id)
    if not allowed or not case.is_agency_intake:
        return _refused(request, case, [_("Only the agency that opened the case links it to a school.")], status=403)
    title, submit = _("Link to a school"), _("Link the case")
    intro = _("The school's staff will work the case, and the school's deadlines start now.")
    if request.method == "GET":
        return _action_page(request, case, LinkSchoolForm(case=case), title=title, intro=intro, submit=submit)
    form = LinkSchoolForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.case_link_school(user=request.user, case=case, school=form.cleaned_data["school"])
        except InputError as err:
            errors_to_form(form, err.errors)
        else:
            return redirect("cases:detail", case_id=case.pk)
    return _action_page(request, case, form, title=title, intro=intro, submit=submit, status=400)


@login_required
@require_POST
def case_merge(request, case_id):
    """Merge a possible duplicate (the form on the case page names the other case)."""
    case = selectors.case_get_for_user(request.user, case_id, perm=permissions.CHANGE)
    other = Case.objects.filter(pk=request.POST["other"]).first() if _is_uuid(request.POST.get("other")) else None
    try:
        if other is None:
            raise InputError({"other": [_("These cases are not marked as possible duplicates of each other.")]})
        kept = services.case_merge(user=request.user, case=case, other=other)
    except InputError as err:
        return _refused(request, case, [m for msgs in err.errors.values() for m in msgs], status=400)
    return redirect("cases:detail", case_id=kept.pk)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
