"""Browser pages of the commission: composition, meetings and the meeting room. Thin: parse,
call a service or selector, render.

Every page about a meeting fetches it through ``selectors.meeting_get_for_user`` (a 404 for
anyone who is not in its composition, the school head or invited to it), and shows a case
only when the reader may see it (``selectors.agenda_for_user`` filters by the case
permissions, which the scheduling service grants to the members for the agenda's cases).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Case
from commission import permissions, selectors, services
from commission.forms import (
    CompositionForm, CompositionMemberFormSet, DeadlineCheckForm, DecisionForm, InvitationForm, MeetingForm,
    MeetingNoticeForm, MinutesOrderForm, MonitoringFormSet, SubstitutionForm, VoteForm,
)
from commission.minutes import minutes_download
from commission.models import MeetingStatus
from config.errors import InputError, errors_to_form

BLANK_COMPOSITION_ROWS = 9   # chair, deputy, secretary and the five members UA III.1 asks for, and one more
EXTRA_COMPOSITION_ROWS = 3


def _flash_errors(request, errors: dict) -> None:
    for messages_ in errors.values():
        for message in messages_ if isinstance(messages_, list) else [messages_]:
            messages.error(request, str(message))


def _room(meeting, anchor: str = ""):
    url = reverse("commission:meeting", args=[meeting.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- Home and composition --------------------------------------------------------------------

@login_required
def home(request):
    """The user's commissions (school by school) and the meetings they may see."""
    user = request.user
    entries: dict = {}
    for school in selectors.commission_schools_for_user(user):
        entries[school.pk] = {"school": school, "meetings": [], "sees_composition": True,
                              "can_schedule": permissions.can_schedule(user, school)}
    for meeting in selectors.meeting_list_visible_to(user).order_by("-starts_at")[:200]:
        school = meeting.commission.school   # a school of an invitation only: its meetings, nothing else
        entries.setdefault(school.pk, {"school": school, "meetings": [], "sees_composition": False,
                                       "can_schedule": False})["meetings"].append(meeting)
    return render(request, "commission/home.html", {"entries": list(entries.values())})


def _member_rows(composition):
    return [{"user": m.user_id, "position": m.position, "speciality": m.speciality}
            for m in composition.members.all()]


@login_required
@require_http_methods(["GET", "POST"])
def composition(request, school_id):
    school = selectors.school_get_for_user(request.user, school_id)
    is_head = permissions.is_school_head(request.user, school)
    compositions = list(selectors.compositions_of(school))
    today = timezone.localdate()
    in_force = next((c for c in compositions if c.in_force_from <= today), None)
    users = selectors.eligible_member_users(school)
    status = 200
    if request.method == "POST":
        if not is_head:
            raise Http404
        form = CompositionForm(request.POST)
        formset = CompositionMemberFormSet(request.POST, prefix="member", form_kwargs={"users": users})
        if form.is_valid() and formset.is_valid():
            members = [(f.cleaned_data["user"], f.cleaned_data["position"], f.cleaned_data["speciality"])
                       for f in formset.forms if not f.is_blank()]
            try:
                approved = services.composition_approve(user=request.user, school=school, members=members,
                                                        **form.cleaned_data)
            except InputError as err:
                errors_to_form(form, err.errors)
            else:
                messages.success(request, _("Composition approved by order No. %(number)s.")
                                 % {"number": approved.order_number})
                return redirect("commission:composition", school_id=school.pk)
        status = 400
    else:
        form = CompositionForm(initial={"order_date": today, "in_force_from": today})
        initial = _member_rows(in_force) if in_force else []
        rows = len(initial) + EXTRA_COMPOSITION_ROWS if initial else BLANK_COMPOSITION_ROWS
        formset = CompositionMemberFormSet(prefix="member", initial=initial + [{}] * (rows - len(initial)),
                                           form_kwargs={"users": users})
    return render(request, "commission/composition.html", {
        "school": school, "is_head": is_head, "compositions": compositions, "in_force": in_force,
        "form": form, "formset": formset, "today": today,
    }, status=status)


# --- Scheduling ------------------------------------------------------------------------------

def _schedulable_school(request, school_id):
    school = selectors.school_get_for_user(request.user, school_id)
    if not permissions.can_schedule(request.user, school):
        raise Http404
    return school


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, school_id):
    school = _schedulable_school(request, school_id)
    candidates = selectors.agenda_candidates(school)
    conflicts, notice_cutoff = [], None
    if request.method == "POST":
        form = MeetingForm(request.POST, candidates=candidates)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_schedule(user=request.user, school=school, starts_at=data["starts_at"],
                                                    place=data["place"], cases=list(data["cases"]),
                                                    late_reason=data["late_reason"],
                                                    short_notice_reason=data["short_notice_reason"])
            except InputError as err:
                errors_to_form(form, err.errors)
                conflicts = services.meeting_deadline_conflicts(list(data["cases"]), data["starts_at"])
                notice_cutoff = services.meeting_notice_cutoff_passed(school, data["starts_at"])
            else:
                messages.success(request, _("Meeting scheduled. Send the notice by 18:00 of the day before."))
                return _room(meeting)
        status = 400
    else:
        form = MeetingForm(candidates=candidates)
        status = 200
    return render(request, "commission/meeting_new.html", {
        "school": school, "form": form, "candidates": list(candidates), "conflicts": conflicts,
        "notice_cutoff": notice_cutoff, "selected": {str(pk) for pk in form["cases"].value() or []},
    }, status=status)


@login_required
@require_GET
def meeting_check(request, school_id):
    """The live warning on the scheduling form (htmx): cases whose 3-working-day clock ends
    before the date chosen (UA II.2), and a date too soon for the notice by 18:00 of the day
    before (UA IV.6)."""
    school = _schedulable_school(request, school_id)
    form = DeadlineCheckForm(request.GET, candidates=selectors.agenda_candidates(school))
    conflicts, notice_cutoff = [], None
    if form.is_valid() and form.cleaned_data["starts_at"]:
        starts_at = form.cleaned_data["starts_at"]
        if starts_at > timezone.now():
            notice_cutoff = services.meeting_notice_cutoff_passed(school, starts_at)
        if form.cleaned_data["cases"]:
            conflicts = services.meeting_deadline_conflicts(list(form.cleaned_data["cases"]), starts_at)
    return render(request, "commission/_deadline_warning.html",
                  {"conflicts": conflicts, "notice_cutoff": notice_cutoff})


# --- The meeting room ------------------------------------------------------------------------

def _room_context(request, meeting, **extra):
    user = request.user
    seat = permissions.seat_of(user, meeting)
    items = list(selectors.agenda_for_user(user, meeting, seat))
    questions = list(selectors.questions_for(items)) if meeting.status != MeetingStatus.SCHEDULED else []
    decisions = selectors.decision_items(items)
    clocks = selectors.meeting_deadlines_by_case(meeting)
    agenda = []
    for item in items:
        item_questions = [_question_context(user, meeting, seat, q) for q in questions if q.agenda_item_id == item.pk]
        # The latest vote on the confirmation question decides (it may have been put again).
        confirmation = next((q["question"] for q in reversed(item_questions) if q["question"].is_bullying_confirmation),
                            None)
        agenda.append({
            "item": item, "case": item.case, "clock": clocks.get(item.case_id), "questions": item_questions,
            "decision": decisions.get(item.pk),
            "can_decide": seat.conducts and meeting.status == MeetingStatus.OPEN
            and confirmation is not None and confirmation.closed_at is not None
            and confirmation.passed is not None and item.pk not in decisions,
            # UA IV.7: a vote that reached no decision can be put again.
            "can_put_again": seat.conducts and meeting.status == MeetingStatus.OPEN
            and confirmation is not None and confirmation.closed_at is not None and confirmation.passed is None
            and item.pk not in decisions,
        })
    context = {
        "meeting": meeting, "seat": seat, "agenda": agenda, "school": meeting.commission.school,
        "attendance": selectors.attendance_rows(meeting), "quorum": selectors.quorum_state(meeting),
        "notice_clock": selectors.notice_deadline(meeting),
        "chair": selectors.chairing(meeting), "secretary": selectors.minuting(meeting),
        "invitations": meeting.invitations.select_related("user", "case__school").order_by("id")
        if seat.internal else [],
        "substitutions": meeting.substitutions.select_related("user", "proposed_by").order_by("id"),
        "version": selectors.meeting_version(meeting),
    }
    if seat.internal:
        context["outside_notices"] = selectors.outside_notices(meeting)
    if seat.runs and meeting.status != MeetingStatus.CLOSED:
        context.setdefault("invitation_form", InvitationForm(
            cases=_agenda_cases(meeting), invitees=selectors.invitee_candidates(meeting)))
        context.setdefault("notice_form", _notice_form(meeting))
        context.setdefault("substitution_form", SubstitutionForm(members=_member_users(meeting)))
    if seat.is_head and meeting.status == MeetingStatus.CLOSED:
        context.setdefault("minutes_form", MinutesOrderForm(initial={
            "order_number": meeting.minutes_order_number,
            "order_date": meeting.minutes_order_date or timezone.localdate()}))
    context.update(extra)
    return context


def _notice_form(meeting, data=None):
    return MeetingNoticeForm(data, cases=_agenda_cases(meeting), parties=selectors.notifiable_parties(meeting),
                             people=selectors.invitee_candidates(meeting),
                             initial=None if data else {"sent_at": timezone.localtime().replace(second=0, microsecond=0)})


def _agenda_cases(meeting):
    return Case.objects.filter(agenda_items__meeting=meeting).select_related("school").order_by(
        "agenda_items__position")


def _member_users(meeting):
    return (get_user_model().objects.filter(pk__in=meeting.composition.members.values("user_id"))
            .order_by("username").prefetch_related("memberships__agency"))


def _question_context(user, meeting, seat, question, form=None):
    own = next((v for v in question.votes.all() if v.user_id == user.pk), None)
    can_vote = (meeting.status == MeetingStatus.OPEN and question.closed_at is None
                and seat.member is not None and seat.present)
    if can_vote and form is None:
        form = VoteForm(initial={"choice": own.choice, "dissent": own.dissent} if own else None)
    # A refusal that left no form to show it on (e.g. marked absent since the page loaded).
    refused = form.non_field_errors() if form is not None and not can_vote else []
    return {
        "question": question, "text": selectors.question_text(question), "tally": selectors.tally(question),
        "votes": list(question.votes.all()), "own": own, "can_vote": can_vote,
        "vote_form": form if can_vote else None, "refused": refused,
        "can_close": seat.conducts and meeting.status == MeetingStatus.OPEN
        and question.closed_at is None,
        "meeting": meeting,
    }


@login_required
@require_GET
def meeting(request, meeting_id):
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    return render(request, "commission/meeting.html", _room_context(request, meeting))


@login_required
@require_GET
def meeting_poll(request, meeting_id):
    """Watchers' rooms reload when the meeting changes shape (opened, vote closed, decision...)."""
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    response = HttpResponse(status=204)
    if request.GET.get("v") != selectors.meeting_version(meeting):
        response["HX-Refresh"] = "true"
    return response


def _runner_action(request, meeting_id, action, success, anchor=""):
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    try:
        action(meeting)
    except InputError as err:
        _flash_errors(request, err.errors)
    else:
        if success:
            messages.success(request, success)
    return _room(meeting, anchor)


@login_required
@require_POST
def meeting_notice(request, meeting_id):
    return _runner_action(request, meeting_id,
                          lambda m: services.meeting_send_notice(user=request.user, meeting=m),
                          _("The notice was sent to the members and the people invited."), "notice")


@login_required
@require_POST
def meeting_open(request, meeting_id):
    return _runner_action(request, meeting_id, lambda m: services.meeting_open(user=request.user, meeting=m),
                          _("The session is open."), "agenda")


@login_required
@require_POST
def meeting_close(request, meeting_id):
    return _runner_action(request, meeting_id, lambda m: services.meeting_close(user=request.user, meeting=m),
                          _("The meeting is closed. The invited persons' access to the materials has ended."))


@login_required
@require_POST
def decision_communicate(request, meeting_id):
    return _runner_action(request, meeting_id,
                          lambda m: services.decision_communicate(user=request.user, meeting=m),
                          _("The decision is marked as communicated."))


@login_required
@require_POST
def attendance(request, meeting_id):
    """Mark one member present or absent; with htmx, answers the attendance card and quorum."""
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    member_id = request.POST.get("member", "")
    member = (meeting.composition.members.filter(user_id=member_id).select_related("user").first()
              if member_id.isdigit() else None)
    error = None
    try:
        services.attendance_mark(user=request.user, meeting=meeting, member=member.user if member else None,
                                 present=request.POST.get("present") in ("on", "true", "1"))
    except InputError as err:
        error = " ".join(str(m) for messages_ in err.errors.values() for m in messages_)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return _room(meeting, "attendance")
    context = _room_context(request, meeting, attendance_error=error)
    return render(request, "commission/_attendance.html", context, status=200)


@login_required
@require_GET
def attendance_card(request, meeting_id):
    """The attendance card and quorum, polled by the people watching the room."""
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    return render(request, "commission/_attendance.html", _room_context(request, meeting))


@login_required
@require_POST
def substitution(request, meeting_id):
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    form = SubstitutionForm(request.POST, members=_member_users(meeting))
    if form.is_valid():
        try:
            services.substitution_record(user=request.user, meeting=meeting, basis=form.cleaned_data["basis"],
                                         substitute=form.cleaned_data["substitute"],
                                         proposed_by=form.cleaned_data["proposed_by"])
        except InputError as err:
            errors_to_form(form, err.errors)
        else:
            messages.success(request, _("The substitution is recorded."))
            return _room(meeting, "attendance")
    return render(request, "commission/meeting.html",
                  _room_context(request, meeting, substitution_form=form), status=400)


@login_required
@require_POST
def invitation(request, meeting_id):
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    form = InvitationForm(request.POST, cases=_agenda_cases(meeting), invitees=selectors.invitee_candidates(meeting))
    if form.is_valid():
        try:
            services.invitation_add(user=request.user, meeting=meeting, case=form.cleaned_data["case"],
                                    invitee=form.cleaned_data["invitee"],
                                    consent_recorded=form.cleaned_data["consent_recorded"])
        except InputError as err:
            errors_to_form(form, err.errors)
        else:
            messages.success(request, _("The person is invited for this case."))
            return _room(meeting, "invitations")
    return render(request, "commission/meeting.html",
                  _room_context(request, meeting, invitation_form=form), status=400)


def _question_partial(request, meeting, question, form=None, status=200):
    seat = permissions.seat_of(request.user, meeting)
    question = selectors.questions_for([question.agenda_item]).get(pk=question.pk)
    return render(request, "commission/_question.html",
                  {"q": _question_context(request.user, meeting, seat, question, form), "seat": seat},
                  status=status)


def _question_for_reader(request, meeting, question_id):
    question = selectors.question_get_for_meeting(meeting, question_id)
    visible = selectors.agenda_for_user(request.user, meeting).filter(pk=question.agenda_item_id).exists()
    if not visible:
        raise Http404
    return question


@login_required
@require_POST
def vote(request, meeting_id, question_id):
    """A member present votes as themself (UA IV.7), with an optional dissenting opinion."""
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    question = _question_for_reader(request, meeting, question_id)
    form = VoteForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.vote_cast(user=request.user, question=question, choice=form.cleaned_data["choice"],
                               dissent=form.cleaned_data["dissent"])
        except InputError as err:
            errors_to_form(form, err.errors)
        else:
            status = 200
            if not request.htmx:
                messages.success(request, _("Your vote is recorded."))
                return _room(meeting, f"question-{question.pk}")
            form = None
    if not request.htmx:
        _flash_errors(request, {k: v for k, v in form.errors.items()})
        return _room(meeting, f"question-{question.pk}")
    return _question_partial(request, meeting, question, form, status=status)


@login_required
@require_GET
def tally(request, meeting_id, question_id):
    """The live tally of one question, polled while the vote is open."""
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    question = _question_for_reader(request, meeting, question_id)
    question = selectors.questions_for([question.agenda_item]).get(pk=question.pk)
    seat = permissions.seat_of(request.user, meeting)
    return render(request, "commission/_tally.html",
                  {"q": _question_context(request.user, meeting, seat, question)})


@login_required
@require_POST
def question_close(request, meeting_id, question_id):
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    question = _question_for_reader(request, meeting, question_id)
    try:
        outcome = services.question_close(user=request.user, question=question)
    except InputError as err:
        _flash_errors(request, err.errors)
    else:
        if outcome.decided is True:
            messages.success(request, _("The vote is closed: adopted."))
        elif outcome.decided is False:
            messages.success(request, _("The vote is closed: rejected by a majority of the approved composition."))
        else:
            messages.warning(request, _("The vote is closed: no decision reached (neither side has a majority of the "
                                        "approved composition). The question can be put to the vote again."))
    return _room(meeting, f"question-{question.pk}")


@login_required
@require_POST
def question_put_again(request, meeting_id, item_id):
    """UA IV.7: put the confirmation question to the vote again after a vote without a decision."""
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    item = selectors.agenda_for_user(request.user, meeting).filter(pk=item_id).first()
    if item is None:
        raise Http404
    try:
        question = services.question_put_again(user=request.user, agenda_item=item)
    except InputError as err:
        _flash_errors(request, err.errors)
        return _room(meeting, f"item-{item.pk}")
    messages.success(request, _("The question is put to the vote again."))
    return _room(meeting, f"question-{question.pk}")


@login_required
@require_POST
def meeting_notice_record(request, meeting_id):
    """UA IV.6: record that the applicant or another interested person was told of the meeting."""
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    form = _notice_form(meeting, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_notice_record(user=request.user, meeting=meeting, case=data["case"], party=data["party"],
                                           person=data["person"], channel=data["channel"], sent_at=data["sent_at"])
        except InputError as err:
            errors_to_form(form, err.errors)
        else:
            messages.success(request, _("The notice of the meeting is recorded."))
            return _room(meeting, "outside-notices")
    return render(request, "commission/meeting.html", _room_context(request, meeting, notice_form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request, meeting_id, item_id):
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    seat = permissions.seat_of(request.user, meeting)
    item = selectors.agenda_for_user(request.user, meeting, seat).filter(pk=item_id).first()
    # The chair or the secretary records the decision (the service says so too).
    if item is None or not seat.conducts:
        raise Http404
    question = item.questions.filter(is_bullying_confirmation=True).first()
    owners = selectors.monitoring_owner_candidates(meeting)
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST)
        formset = MonitoringFormSet(request.POST, prefix="monitoring", form_kwargs={"owners": owners})
        if form.is_valid() and formset.is_valid():
            monitoring = [f.cleaned_data for f in formset.forms if not f.is_blank()]
            try:
                services.decision_record(user=request.user, agenda_item=item, texts=form.cleaned_data,
                                         monitoring=monitoring)
            except InputError as err:
                errors = dict(err.errors)
                monitoring_errors = errors.pop("monitoring", [])
                errors_to_form(form, errors)
                for message in monitoring_errors:
                    formset._non_form_errors = formset.non_form_errors() + [str(message)]
            else:
                messages.success(request, _("The decision on %(reference)s is recorded.")
                                 % {"reference": item.case.reference})
                return _room(meeting, f"item-{item.pk}")
        status = 400
    else:
        form = DecisionForm()
        formset = MonitoringFormSet(prefix="monitoring", form_kwargs={"owners": owners})
    return render(request, "commission/decision_new.html", {
        "meeting": meeting, "item": item, "question": question, "form": form, "formset": formset,
        "seat": seat,
    }, status=status)


@login_required
@require_POST
def minutes_formalise(request, meeting_id):
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    form = MinutesOrderForm(request.POST)
    if form.is_valid():
        try:
            services.minutes_formalise(user=request.user, meeting=meeting, **form.cleaned_data)
        except InputError as err:
            errors_to_form(form, err.errors)
        else:
            messages.success(request, _("The minutes are formalised by order No. %(number)s.")
                             % {"number": form.cleaned_data["order_number"]})
            return _room(meeting, "minutes")
    return render(request, "commission/meeting.html", _room_context(request, meeting, minutes_form=form),
                  status=400)


@login_required
@require_GET
def minutes(request, meeting_id):
    """The minutes as PDF (UA IV.8): the commission's internal document, not for invited persons."""
    meeting = selectors.meeting_get_for_user(request.user, meeting_id, internal=True)
    pdf, filename = minutes_download(user=request.user, meeting=meeting, channel="web")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
