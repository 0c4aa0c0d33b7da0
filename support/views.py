"""Browser pages for support plans: the case-page section, its forms, and "my plan items". Thin.

Every view fetches the case through ``case_get_for_user`` (a case the user may not see is a 404
for GET and POST); a plan or item of another case is a 404 too. Who may write is the services'
rule (support.permissions): a refused write shows the section with its messages (status 400).
Forms post plainly and redirect back to the case page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import permissions as case_permissions
from cases.models import Party
from cases.selectors import case_get_for_user, case_read
from config.errors import InputError, errors_to_form
from notifications.models import MINOR_PARTY_ROLES
from support import permissions, selectors, services
from support.forms import AgreeForm, DoneForm, ItemEditForm, ItemForm, NoteForm, PlanForm, ReviewForm, party_label
from support.models import PlanStatus


def support_context(user, case, *, with_identity: bool, forms: dict | None = None, flash: str = "") -> dict:
    """What the support section shows. ``forms`` holds bound forms that were refused, keyed
    like ``("item", plan id)``, ``("note", item id)``; the others are blank."""
    forms = forms or {}
    acting = permissions.acting_agencies(user, case)
    may_plan = bool(acting)
    candidates = permissions.owner_candidates(case) if may_plan else []
    today = case.jurisdiction.local_date(timezone.now())
    monitoring_open = selectors.open_monitoring_count(case) if may_plan else 0
    plan_rows = []
    for plan in selectors.case_plans(case):
        may_edit = permissions.can_edit_plan(user, plan, acting=acting)
        is_open = plan.status != PlanStatus.CLOSED
        item_rows = []
        for item in plan.items.all():
            item.plan = plan  # the prefetched plan, for the permission check
            may_work = item.done_at is None and permissions.can_work_item(user, item, acting=acting)
            may_change = item.done_at is None and item.agency_id in {a.pk for a in acting}
            item_rows.append({
                "item": item, "overdue": item.done_at is None and today > item.due_on, "may_work": may_work,
                "note_form": forms.get(("note", item.pk)) or (NoteForm(prefix=f"n{item.pk.hex[:8]}")
                                                           if may_work else None),
                "done_form": forms.get(("done", item.pk)) or (DoneForm(prefix=f"d{item.pk.hex[:8]}")
                                                           if may_work and plan.status == PlanStatus.ACTIVE
                                                           else None),
                "edit_form": forms.get(("edit", item.pk)) or (
                    ItemEditForm(candidates=candidates, prefix=f"e{item.pk.hex[:8]}", initial={
                        "owner": f"{item.owner_agency_id}:{item.owner_id}", "due_on": item.due_on})
                    if may_change else None),
            })
        plan_rows.append({
            "plan": plan, "party_label": party_label(plan.party, with_identity=with_identity),
            "items": item_rows, "may_edit": may_edit,
            "review_overdue": plan.status == PlanStatus.ACTIVE and plan.next_review_on is not None
            and today > plan.next_review_on,
            "item_form": forms.get(("item", plan.pk)) or (ItemForm(candidates=candidates, prefix=f"i{plan.pk.hex[:8]}")
                                                       if may_plan and is_open else None),
            "review_form": forms.get(("review", plan.pk)) or (ReviewForm(prefix=f"r{plan.pk.hex[:8]}")
                                                           if may_edit and plan.status == PlanStatus.ACTIVE
                                                           else None),
            "agree_form": forms.get(("agree", plan.pk)) or (AgreeForm(prefix=f"a{plan.pk.hex[:8]}")
                                                         if may_edit and plan.status == PlanStatus.DRAFT else None),
            "may_close": may_edit and is_open and all(row["item"].done_at for row in item_rows),
            "may_import": may_edit and is_open and monitoring_open > 0,
            "errors": forms.get(("plan_errors", plan.pk), []),
        })
    plan_form = forms.get(("plan", None))
    if plan_form is None and may_plan:
        plan_form = PlanForm(case=case, parties=_minors(case), with_identity=with_identity)
    return {"case": case, "plan_rows": plan_rows, "plan_form": plan_form, "with_identity": with_identity,
            "monitoring_open": monitoring_open, "flash": flash}


def _minors(case):
    return list(Party.objects.filter(case=case, is_minor=True, role__in=MINOR_PARTY_ROLES).order_by("position"))


def _refused(request, case, forms: dict):
    with_identity = case_read(request.user, case, channel="web")
    with timezone.override(case.jurisdiction.zone):
        context = support_context(request.user, case, with_identity=with_identity, forms=forms)
    return render(request, "support/case_plans.html", context, status=400)


def _done(request, case, message: str):
    messages.success(request, message)
    return redirect(reverse("cases:detail", args=[case.pk]) + "#support")


def _identity(user, case) -> bool:
    return case_permissions.has_case_perm(user, case_permissions.VIEW_IDENTITY, case)


@login_required
def case_plans(request, case_id):
    case = case_get_for_user(request.user, case_id)
    with_identity = case_read(request.user, case, channel="web")
    with timezone.override(case.jurisdiction.zone):
        context = support_context(request.user, case, with_identity=with_identity)
    return render(request, "support/case_plans.html", context)


@login_required
@require_POST
def plan_new(request, case_id):
    case = case_get_for_user(request.user, case_id)
    form = PlanForm(request.POST, case=case, parties=_minors(case), with_identity=_identity(request.user, case))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_create(user=request.user, case=case, party=data["party"], kind=data["kind"],
                                 agreed_with_parents_on=data["agreed_with_parents_on"],
                                 review_interval_months=data["review_interval_months"],
                                 next_review_on=data["next_review_on"])
            return _done(request, case, _("Support plan created."))
        except InputError as exc:
            errors_to_form(form, exc.errors, keep_form_errors=True)
    return _refused(request, case, {("plan", None): form})


@login_required
@require_POST
def plan_agree(request, case_id, plan_id):
    case = case_get_for_user(request.user, case_id)
    plan = selectors.plan_get(case, plan_id)
    form = AgreeForm(request.POST, prefix=f"a{plan.pk.hex[:8]}")
    if form.is_valid():
        try:
            services.plan_agree(user=request.user, plan=plan, agreed_on=form.cleaned_data["agreed_on"])
            return _done(request, case, _("The parents' agreement is recorded; the plan is active."))
        except InputError as exc:
            errors_to_form(form, exc.errors, keep_form_errors=True)
    return _refused(request, case, {("agree", plan.pk): form})


@login_required
@require_POST
def plan_review(request, case_id, plan_id):
    case = case_get_for_user(request.user, case_id)
    plan = selectors.plan_get(case, plan_id)
    form = ReviewForm(request.POST, prefix=f"r{plan.pk.hex[:8]}")
    if form.is_valid():
        try:
            services.plan_review(user=request.user, plan=plan, note=form.cleaned_data["note"],
                                 next_review_on=form.cleaned_data["next_review_on"])
            return _done(request, case, _("Plan review recorded."))
        except InputError as exc:
            errors_to_form(form, exc.errors, keep_form_errors=True)
    return _refused(request, case, {("review", plan.pk): form})


@login_required
@require_POST
def plan_close(request, case_id, plan_id):
    case = case_get_for_user(request.user, case_id)
    plan = selectors.plan_get(case, plan_id)
    try:
        services.plan_close(user=request.user, plan=plan)
        return _done(request, case, _("Support plan closed."))
    except InputError as exc:
        return _refused(request, case, {("plan_errors", plan.pk): [m for ms in exc.errors.values() for m in ms]})


@login_required
@require_POST
def plan_from_commission(request, case_id, plan_id):
    case = case_get_for_user(request.user, case_id)
    plan = selectors.plan_get(case, plan_id)
    try:
        items = services.plan_items_from_monitoring(user=request.user, plan=plan)
        return _done(request, case, _("%(count)d measures of the commission added to the plan.") % {
            "count": len(items)})
    except InputError as exc:
        return _refused(request, case, {("plan_errors", plan.pk): [m for ms in exc.errors.values() for m in ms]})


@login_required
@require_POST
def item_new(request, case_id, plan_id):
    case = case_get_for_user(request.user, case_id)
    plan = selectors.plan_get(case, plan_id)
    form = ItemForm(request.POST, candidates=permissions.owner_candidates(case), prefix=f"i{plan.pk.hex[:8]}")
    if form.is_valid():
        data = form.cleaned_data
        agency, owner = data["owner"]
        try:
            services.plan_item_add(user=request.user, plan=plan, measure=data["measure"], detail=data["detail"],
                                   owner_agency=agency, owner=owner, due_on=data["due_on"])
            return _done(request, case, _("Plan item added."))
        except InputError as exc:
            errors_to_form(form, exc.errors, {"owner_agency": "owner"}, keep_form_errors=True)
    return _refused(request, case, {("item", plan.pk): form})


@login_required
@require_POST
def item_edit(request, case_id, item_id):
    case = case_get_for_user(request.user, case_id)
    item = selectors.item_get(case, item_id)
    form = ItemEditForm(request.POST, candidates=permissions.owner_candidates(case), prefix=f"e{item.pk.hex[:8]}")
    if form.is_valid():
        agency, owner = form.cleaned_data["owner"]
        try:
            services.plan_item_update(user=request.user, item=item, owner_agency=agency, owner=owner,
                                      due_on=form.cleaned_data["due_on"])
            return _done(request, case, _("Plan item changed."))
        except InputError as exc:
            errors_to_form(form, exc.errors, {"owner_agency": "owner"}, keep_form_errors=True)
    return _refused(request, case, {("edit", item.pk): form})


@login_required
@require_POST
def item_progress(request, case_id, item_id):
    case = case_get_for_user(request.user, case_id)
    item = selectors.item_get(case, item_id)
    form = NoteForm(request.POST, prefix=f"n{item.pk.hex[:8]}")
    if form.is_valid():
        try:
            services.plan_item_progress(user=request.user, item=item, text=form.cleaned_data["text"])
            return _done(request, case, _("Progress note added."))
        except InputError as exc:
            errors_to_form(form, exc.errors, keep_form_errors=True)
    return _refused(request, case, {("note", item.pk): form})


@login_required
@require_POST
def item_done(request, case_id, item_id):
    case = case_get_for_user(request.user, case_id)
    item = selectors.item_get(case, item_id)
    form = DoneForm(request.POST, prefix=f"d{item.pk.hex[:8]}")
    if form.is_valid():
        try:
            services.plan_item_done(user=request.user, item=item, note=form.cleaned_data["note"])
            return _done(request, case, _("Plan item marked done."))
        except InputError as exc:
            errors_to_form(form, exc.errors, keep_form_errors=True)
    return _refused(request, case, {("done", item.pk): form})


@login_required
def my_items(request):
    """The open plan items the user owns, overdue first (each in its case's local dates)."""
    rows = []
    for item in selectors.my_plan_items(request.user)[:200]:
        case = item.plan.case
        rows.append({"item": item, "case": case, "overdue": selectors.is_overdue(item, case)})
    rows.sort(key=lambda r: (not r["overdue"], r["item"].due_on))
    return render(request, "support/my_items.html", {"rows": rows})
