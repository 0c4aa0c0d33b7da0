"""Browser pages for clocks, notices, the agency inbox and the bell. Thin: parse, call a
service or selector, render.

Every view that touches a case fetches it through ``case_get_for_user`` (a case the
user may not see, or for writes may not change, is a 404). Forms post plainly and
redirect back to the case page; with htmx the same endpoints answer with the
re-rendered clocks section instead, and with the section and its errors (status 400)
when the input is refused.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import permissions
from cases.selectors import case_get_for_user, case_read
from config.errors import InputError, errors_to_form
from notifications import messages as notification_messages
from notifications import selectors
from notifications.services import clocks, notices, outbox
from notifications.forms import EventForm, NoticeForm, WaiveForm, representative_label
from notifications.models import OPEN_STATES

PAGE_SIZE = 50


# --- The clocks section of a case page --------------------------------------------------------


def _iso_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def case_clocks_context(user, case, *, with_identity: bool, notice_form=None, event_form=None,
                        waive_forms=None, flash: str = "") -> dict:
    """What the clocks section shows: deadlines, notices and the forms the user may use."""
    now = timezone.now()
    deadlines = selectors.case_deadlines(case)
    responsible = selectors.deadline_responsible(case, deadlines)
    may_waive_any = selectors.user_is_head_somewhere(user)
    # Within one case, who may waive depends only on the responsible agency kind and the clock's
    # own responsible agency (a plan item's owner, an intake agency): ask once per pair.
    may_waive_by_kind: dict[tuple, bool] = {}
    waive_forms = waive_forms or {}
    deadline_rows = []
    for deadline in deadlines:
        is_open = deadline.state in OPEN_STATES
        form = waive_forms.get(deadline.pk)
        if form is None and is_open and may_waive_any:
            kind = (deadline.rule.responsible_agency_kind, deadline.responsible_agency_id)
            if kind not in may_waive_by_kind:
                may_waive_by_kind[kind] = clocks.can_waive(user, deadline)
            if may_waive_by_kind[kind]:
                form = WaiveForm(deadline_id=deadline.pk)
        deadline_rows.append({
            "deadline": deadline, "is_open": is_open, "due_iso": _iso_utc(deadline.due_at),
            "overdue": deadline.due_at <= now, "responsible": responsible[deadline.pk], "waive_form": form,
        })

    notice_rows = [
        {"notice": notice, "recipient": notice.to_agency.name if notice.to_agency_id
         else representative_label(notice.to_party, with_identity=with_identity)}
        for notice in selectors.case_notices(case)
    ]
    may_change = permissions.has_case_perm(user, permissions.CHANGE, case)
    if may_change and event_form is None:
        event_form = EventForm(events=selectors.recordable_events(case))
    if notice_form is None:
        # The case team, or staff of an agency the case was notified to (a police officer, KZ §19.5),
        # whenever the protocol's notice matrix gives them someone to notify.
        options = selectors.notice_options(user, case)
        if options.may_send:
            notice_form = NoticeForm(options=options, with_identity=with_identity)
    return {
        "case": case, "deadline_rows": deadline_rows, "notice_rows": notice_rows, "may_change": may_change,
        "any_waivable": any(row["waive_form"] is not None for row in deadline_rows),
        "notice_form": notice_form,
        "event_form": event_form if may_change and event_form.fields["event"].choices[1:] else None,
        "flash": flash,
    }


def _clocks_response(request, case, *, status: int = 200, flash: str = "", flash_warnings=(), **forms):
    """The clocks section alone for htmx, or a page around it for a plain post that was refused."""
    with_identity = case_read(request.user, case, channel="web")
    context = case_clocks_context(request.user, case, with_identity=with_identity, flash=flash, **forms)
    context["flash_warnings"] = list(flash_warnings)
    template = "notifications/_case_clocks.html" if request.htmx else "notifications/case_clocks.html"
    return render(request, template, context, status=status)


def _done(request, case, message: str, *, anchor: str, warnings=()):
    if request.htmx:
        return _clocks_response(request, case, flash=message, flash_warnings=list(warnings))
    messages.success(request, message)
    for warning in warnings:
        messages.warning(request, warning)
    return redirect(reverse("cases:detail", args=[case.pk]) + f"#{anchor}")


@login_required
@require_POST
def notice_new(request, case_id):
    case, options = selectors.case_get_for_notice(request.user, case_id)
    # Times typed in the form are the case's local time, as shown on the page.
    with timezone.override(case.jurisdiction.zone):
        with_identity = permissions.has_case_perm(request.user, permissions.VIEW_IDENTITY, case)
        form = NoticeForm(request.POST, options=options, with_identity=with_identity)
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice = notices.notice_send(
                    user=request.user, case=case, channel=data["channel"], sent_at=data["sent_at"],
                    to_agency=data["to_agency"], to_party=data["to_party"],
                    new_representative=data["new_representative"], represents=data["represents"],
                )
            except InputError as err:
                errors_to_form(form, err.errors, form.SERVICE_FIELDS)
            else:
                return _done(request, case, _("Notice %(number)s recorded.") % {"number": notice.outgoing_number},
                             anchor="notices",
                             warnings=selectors.notice_channel_warnings(notice).get("channel", []))
        return _clocks_response(request, case, status=400, notice_form=form)


@login_required
@require_POST
def event_new(request, case_id):
    case = case_get_for_user(request.user, case_id, perm=permissions.CHANGE)
    with timezone.override(case.jurisdiction.zone):
        form = EventForm(request.POST, events=selectors.recordable_events(case))
        if form.is_valid():
            try:
                clocks.case_event_record(user=request.user, case=case, event=form.cleaned_data["event"],
                                           at=form.cleaned_data["at"])
            except InputError as err:
                errors_to_form(form, err.errors, form.SERVICE_FIELDS)
            else:
                return _done(request, case, _("Event recorded."), anchor="deadlines")
        return _clocks_response(request, case, status=400, event_form=form)


@login_required
@require_POST
def deadline_waive(request, pk):
    deadline = selectors.deadline_get(pk)
    # Reading the case is enough to ask; the service decides who may waive (heads only).
    case = case_get_for_user(request.user, deadline.case_id)
    with timezone.override(case.jurisdiction.zone):
        form = WaiveForm(request.POST, deadline_id=deadline.pk)
        if form.is_valid():
            try:
                clocks.deadline_waive(user=request.user, deadline=deadline, reason=form.cleaned_data["reason"])
            except InputError as err:
                errors_to_form(form, err.errors, form.SERVICE_FIELDS)
            else:
                return _done(request, case, _("The deadline was waived."), anchor="deadlines")
        return _clocks_response(request, case, status=400, waive_forms={deadline.pk: form})


# --- The agency inbox ---------------------------------------------------------------------------


@login_required
def inbox(request):
    notices, next_cursor = selectors.inbox_page(selectors.inbox_for_user(request.user),
                                                cursor=request.GET.get("cursor"), size=PAGE_SIZE)
    return render(request, "notifications/inbox.html", {"notices": notices, "next_cursor": next_cursor})


@login_required
@require_POST
def inbox_acknowledge(request, pk):
    notice = selectors.inbox_notice_get(request.user, pk)
    try:
        notices.notice_acknowledge(user=request.user, notice=notice)
    except InputError as err:
        # Only when the user left the agency between the page and the click.
        if request.htmx:
            return render(request, "notifications/_inbox_row.html",
                          {"notice": notice, "errors": err.errors.get("__all__", [])}, status=400)
        for message in err.errors.get("__all__", []):
            messages.error(request, message)
        return redirect(reverse("notifications:inbox") + f"#notice-{notice.pk}")
    if request.htmx:
        return render(request, "notifications/_inbox_row.html",
                      {"notice": selectors.inbox_notice_get(request.user, pk)})
    messages.success(request, _("Notice %(number)s acknowledged.") % {"number": notice.outgoing_number})
    return redirect(reverse("notifications:inbox") + f"#notice-{notice.pk}")


# --- The bell ---------------------------------------------------------------------------------


@login_required
def bell(request):
    """The user's in-app messages, newest first; opening the page marks them read."""
    recent = selectors.recent_messages(request.user)
    rows = [{"message": m, "headline": notification_messages.headline(m), "is_new": m.read_at is None}
            for m in recent]
    outbox.outbox_mark_read(user=request.user, message_ids=[m.pk for m in recent if m.read_at is None])
    return render(request, "notifications/bell.html", {"rows": rows})
