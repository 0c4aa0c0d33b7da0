"""Browser pages of pupils' reports. Thin: parse, call a service or selector, render.

Public pages (no account): the school's report form at its unguessable link, and the
follow-up pages opened with the code and passphrase. Staff pages: the triage queue;
every page of one report fetches it through ``_get_tip_for_user`` (404 for outsiders).
"""

import io

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from agencies.models import Agency
from cases.forms import PARTY_FIELD_BY_INPUT, PartyFormSet, is_blank_party
from cases.views import INITIAL_PARTIES
from config.errors import InputError, errors_to_form
from evidence.storage import EXTENSIONS
from tipline import permissions, selectors, services
from tipline.forms import CloseForm, ConvertForm, FollowUpForm, ReplyForm, ReporterMessageForm, TipForm
from tipline.models import Author, TipStatus

SESSION_KEY = "tipline_follow_up"
# A follow-up session ends after this many seconds without a request (a shared phone).
FOLLOW_UP_SECONDS = 15 * 60


def _public(request, template: str, context: dict, status: int = 200):
    """A public page in the school's time zone: a pupil has no account to take it from."""
    school = context["school"]
    with timezone.override(school.jurisdiction.zone):
        return render(request, template, context, status=status)


def _file_bytes(request) -> list[bytes]:
    return [f.read() for f in request.FILES.getlist("files")]


# --- Public: reporting -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report_new(request, token):
    school = selectors.school_for_token(token)
    if request.method == "GET":
        return _public(request, "tipline/report_new.html", {"form": TipForm(), "school": school, "token": token})
    form = TipForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _tip, code = services.tip_submit(
                school=school, what=data["what"], place=data["place"], happened_on=data["happened_on"],
                who=data["who"], feeling=data["feeling"], reporter_name=data["reporter_name"],
                reporter_contact=data["reporter_contact"], files=_file_bytes(request),
                passphrase=data["passphrase"], passphrase_again=data["passphrase_again"],
                honeypot=data["website"])
        except InputError as exc:
            errors_to_form(form, exc.errors)
        else:
            # The code is shown here once and kept nowhere: not in the session, not in a URL.
            return _public(request, "tipline/report_sent.html", {"school": school, "token": token, "code": code},
                          status=201)
    return _public(request, "tipline/report_new.html", {"form": form, "school": school, "token": token},
                  status=400)


@require_http_methods(["GET", "POST"])
def follow_up(request, token):
    school = selectors.school_for_token(token)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                tip = services.tip_follow_up_open(school=school, code=form.cleaned_data["code"],
                                                  passphrase=form.cleaned_data["passphrase"])
            except InputError as exc:
                errors_to_form(form, exc.errors)
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = {"tip": str(tip.pk), "school": school.pk}
                request.session.set_expiry(FOLLOW_UP_SECONDS)
                return redirect("tipline:thread", token=token)
        return _public(request, "tipline/follow_up.html", {"form": form, "school": school, "token": token},
                      status=400)
    return _public(request, "tipline/follow_up.html", {"form": form, "school": school, "token": token})


def _follow_up_tip(request, school):
    opened = request.session.get(SESSION_KEY) or {}
    if opened.get("school") != school.pk:
        return None
    return school.tips.filter(pk=opened.get("tip")).first()


@require_http_methods(["GET", "POST"])
def thread(request, token):
    school = selectors.school_for_token(token)
    tip = _follow_up_tip(request, school)
    if tip is None:
        return redirect("tipline:follow_up", token=token)
    form = ReporterMessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.tip_reporter_message(tip=tip, body=form.cleaned_data["body"], files=_file_bytes(request))
            except InputError as exc:
                errors_to_form(form, exc.errors)
            else:
                return redirect("tipline:thread", token=token)
        status = 400
        tip.refresh_from_db()
    return _public(request, "tipline/thread.html", {
        "school": school, "token": token, "tip": tip, "form": form,
        "messages_list": selectors.tip_thread(tip),
        "school_replied": tip.messages.filter(author=Author.SCHOOL).exists()}, status=status)


@require_POST
def follow_up_leave(request, token):
    selectors.school_for_token(token)
    request.session.pop(SESSION_KEY, None)
    return redirect("tipline:follow_up", token=token)


# --- Staff: the queue --------------------------------------------------------------------------


def _get_tip_for_user(request, tip_id):
    return selectors.tip_get_for_user(request.user, tip_id)


@login_required
def queue(request):
    status = request.GET.get("status", "")
    tips = list(selectors.tip_queue(request.user, status=status)[:200])
    alerts = set(selectors.unread_alerts(request.user).values_list("tip_id", flat=True))
    return render(request, "tipline/queue.html", {
        "tips": tips, "status": status if status in TipStatus.values else "", "statuses": TipStatus.choices,
        "alerted": alerts, "link_schools": list(permissions.link_schools(request.user)),
        "sees": permissions.triage_schools(request.user).exists()})


def _detail(request, tip, *, reply_form=None, close_form=None, status=200):
    return render(request, "tipline/detail.html", {
        "tip": tip, "messages_list": selectors.tip_thread(tip), "files": list(tip.files.all()),
        "reply_form": reply_form or ReplyForm(), "close_form": close_form or CloseForm(),
        "can_decide": permissions.can_decide(request.user, tip.school),
    }, status=status)


@login_required
def detail(request, tip_id):
    tip = _get_tip_for_user(request, tip_id)
    services.tip_read(user=request.user, tip=tip)
    return _detail(request, tip)


@login_required
@require_POST
def reply(request, tip_id):
    tip = _get_tip_for_user(request, tip_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.tip_reply(user=request.user, tip=tip, body=form.cleaned_data["body"])
        except InputError as exc:
            errors_to_form(form, exc.errors)
        else:
            return redirect("tipline:detail", tip_id=tip.pk)
    return _detail(request, tip, reply_form=form, status=400)


@login_required
@require_POST
def close(request, tip_id):
    tip = _get_tip_for_user(request, tip_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.tip_close(user=request.user, tip=tip, reason=form.cleaned_data["reason"])
        except InputError as exc:
            errors_to_form(form, exc.errors)
        else:
            return redirect("tipline:detail", tip_id=tip.pk)
    return _detail(request, tip, close_form=form, status=400)


@login_required
def file_download(request, tip_id, file_id):
    tip = _get_tip_for_user(request, tip_id)
    tip_file = selectors.tip_file_get(tip, file_id)
    data = services.tip_file_content(user=request.user, tip_file=tip_file)
    response = HttpResponse(data, content_type=tip_file.content_type)
    extension = EXTENSIONS.get(tip_file.content_type, "bin")
    response["Content-Disposition"] = f'attachment; filename="report-{tip.number}-{tip_file.number}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def convert(request, tip_id):
    tip = _get_tip_for_user(request, tip_id)
    if not permissions.can_decide(request.user, tip.school) or not tip.is_open:
        return render(request, "tipline/cannot_convert.html", {"tip": tip}, status=403)
    if request.method == "GET":
        initial = {"places": [tip.place] if tip.place else [], "description": services.tip_case_description(tip)}
        form = ConvertForm(initial=initial)
        formset = PartyFormSet(prefix="party", initial=INITIAL_PARTIES)
        return render(request, "tipline/convert.html", {"tip": tip, "form": form, "formset": formset})
    form = ConvertForm(request.POST)
    formset = PartyFormSet(request.POST, prefix="party")
    valid = all([form.is_valid(), formset.is_valid()])
    if valid:
        kept = [i for i, f in enumerate(formset.forms) if not is_blank_party(f)]
        number_to_index = {position + 1: index for index, position in enumerate(kept)}
        parties = [formset.forms[i].to_input(number_to_index=number_to_index) for i in kept]
        data = form.cleaned_data
        try:
            case = services.tip_convert(
                user=request.user, tip=tip, kinds=data["kinds"], forms=data["form_types"], places=data["places"],
                incident_at=data["incident_at"], description=data["description"], parties=parties)
        except InputError as exc:
            errors = dict(exc.errors)
            for index, party_errors in errors.pop("parties", {}).items():
                errors_to_form(formset.forms[kept[index]], party_errors, PARTY_FIELD_BY_INPUT)
            errors_to_form(form, errors, {"forms": "form_types", "received_at": None, "school": None,
                                          "channel": None})
        else:
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "tipline/convert.html", {"tip": tip, "form": form, "formset": formset}, status=400)


# --- Staff: the school's link and QR code ------------------------------------------------------


def _link_school(request, school_id) -> Agency:
    school = permissions.link_schools(request.user).filter(pk=school_id).first()
    if school is None:
        raise Http404
    return school


def _public_url(request, school) -> str:
    link = services.school_link_ensure(school=school)
    return request.build_absolute_uri(reverse("tipline:report", args=[link.token]))


@login_required
def school_link(request, school_id):
    school = _link_school(request, school_id)
    return render(request, "tipline/school_link.html", {"school": school, "url": _public_url(request, school)})


@login_required
def school_qr(request, school_id):
    school = _link_school(request, school_id)
    buffer = io.BytesIO()
    segno.make(_public_url(request, school), error="m").save(buffer, kind="svg", scale=8, border=2,
                                                            xmldecl=False, svgclass=None, lineclass=None)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
