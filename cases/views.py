"""Browser pages for cases. Thin: parse, call a service or selector, render.

Every page that shows one case fetches it through ``_get_case_for_user``.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies.selectors import schools_for_intake
from cases import selectors
from cases.forms import PARTY_FIELD_BY_INPUT, CaseForm, PartyFormSet, is_blank_party
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
        "can_file": schools_for_intake(request.user).exists(),
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


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    if not schools_for_intake(request.user).exists():
        # Police, guardianship, ombudsman, a commission secretary: nothing to file for.
        return render(request, "cases/cannot_file.html", status=403)
    if request.method == "GET":
        case_form = CaseForm(user=request.user)
        formset = PartyFormSet(prefix="party", initial=INITIAL_PARTIES)
        return render(request, "cases/case_new.html", {"form": case_form, "formset": formset})

    case_form = CaseForm(request.POST, user=request.user)
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
    if not forms_valid:
        # One round: the service's checks on whatever parsed, beside the fields' own errors.
        _apply_errors(case_register_errors(user=request.user, **checked), case_form, formset.forms, kept)
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
    })
