"""The account page and the log-in's second step (issue #11 §2). Thin: parse, call a service
or selector, render. Every row shown or changed here is the signed-in user's own; another
user's session or token is a 404."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from accounts import selectors, services
from accounts.demo import current_code, is_demo_device
from accounts.forms import CodeForm, EnrolCodeForm, PasswordChangeForm
from accounts.models import SESSION_MARKER
from accounts.permissions import mfa_required, second_factor_due
from config.errors import InputError, errors_to_form


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _verified(request) -> bool:
    return request.user.is_verified()


@login_required
def account(request):
    user = request.user
    return render(request, "accounts/account.html", {
        "memberships": selectors.memberships_of(user),
        "second_factor": selectors.second_factor_state(user),
        "mfa_required": mfa_required(user),
        "sessions": selectors.sessions_of(user),
        "current_session": request.session.get(SESSION_MARKER),
        "tokens": selectors.tokens_of(user),
        "token_ttl_hours": settings.API_TOKEN_TTL_HOURS,
    })


# --- Log-in, step 2 ----------------------------------------------------------------------------

def _failed_code(request, check) -> None:
    """A wrong code also counts as a failed log-in for django-axes (username and address), so
    that guessing codes locks the account out like guessing passwords does."""
    user = request.user
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    if getattr(request, "axes_locked_out", False):
        logout(request)  # the lock-out page follows (axes middleware); the half-open session ends


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request):
    due = second_factor_due(request.user)
    if due is None:
        return redirect(_next_url(request))
    if due == "enrol":
        return redirect(f"{reverse('accounts:mfa-enrol')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.mfa_check(user=request.user, code=form.cleaned_data["code"], channel="web")
        if check.ok:
            otp_login(request, check.device)
            return redirect(_next_url(request))
        _failed_code(request, check)
        if not request.user.is_authenticated:
            return redirect("login")
        form.add_error("code", check.message())
    device = services.totp_device(request.user)
    hint = current_code(device) if settings.DEMO_HINTS and device and is_demo_device(device) else None
    return render(request, "accounts/mfa_verify.html", {"form": form, "demo_code": hint,
                                                         "next": request.POST.get("next") or request.GET.get("next", "")})


# --- Second factor on the account page ---------------------------------------------------------

def _qr_svg(url: str) -> str:
    # segno writes plain SVG markup (no script, no style attribute): safe inline under the CSP.
    return segno.make(url, error="m").svg_inline(scale=5, border=2, omitsize=True)


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["GET", "POST"])
def mfa_enrol(request):
    user = request.user
    if selectors.second_factor_state(user)["device"] is not None:
        if not _verified(request):
            return redirect("accounts:mfa-verify")
        messages.info(request, _("Your authenticator app is already set up. Remove it first to set up another."))
        return redirect("accounts:account")
    device = services.mfa_enrol_start(user=user)
    form = EnrolCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.mfa_enrol_confirm(user=user, device=device, code=form.cleaned_data["code"])
        except InputError as error:
            errors_to_form(form, error.errors)
        else:
            otp_login(request, device)
            return render(request, "accounts/backup_codes.html", {"codes": codes, "next": _next_url(request),
                                                                  "first_time": True})
    return render(request, "accounts/mfa_enrol.html", {
        "form": form, "qr": _qr_svg(device.config_url), "secret": _grouped(b32encode(device.bin_key).decode()),
        "required": mfa_required(user), "next": request.POST.get("next") or request.GET.get("next", ""),
    })


@login_required
@require_http_methods(["GET", "POST"])
def mfa_remove(request):
    if selectors.second_factor_state(request.user)["device"] is None:
        return redirect("accounts:account")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.mfa_remove(user=request.user, code=form.cleaned_data["code"])
        if check.ok:
            if mfa_required(request.user):
                messages.success(request, _("Your authenticator app was removed. Your role requires one: set up "
                                            "a new one now."))
                return redirect("accounts:mfa-enrol")
            messages.success(request, _("Your authenticator app was removed."))
            return redirect("accounts:account")
        _failed_code(request, check)
        if not request.user.is_authenticated:
            return redirect("login")
        form.add_error("code", check.message())
    return render(request, "accounts/mfa_remove.html", {"form": form, "required": mfa_required(request.user)})


@login_required
@require_POST
def mfa_backup_codes(request):
    try:
        codes = services.mfa_backup_codes_renew(user=request.user)
    except InputError:
        return redirect("accounts:mfa-enrol")
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": reverse("accounts:account")})


# --- Password ----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.password_change(user=request.user, new_password=form.cleaned_data["new_password1"],
                                          keep_session_id=request.session.get(SESSION_MARKER))
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password was changed. Your other sessions were signed out and your "
                                    "API tokens revoked (%(sessions)d sessions, %(tokens)d tokens).")
                         % {"sessions": result["sessions_ended"], "tokens": result["tokens_revoked"]})
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form,
                                                             "min_length": settings.PASSWORD_MIN_LENGTH})


# --- Sessions and API tokens -------------------------------------------------------------------

@login_required
@require_POST
def session_revoke(request, session_id):
    session = selectors.session_get_for_user(request.user, session_id)
    current = str(session.pk) == request.session.get(SESSION_MARKER)
    services.session_revoke(user=request.user, session=session)
    if current:
        logout(request)
        return redirect("login")
    messages.success(request, _("The session was signed out."))
    return redirect("accounts:account")


@login_required
@require_POST
def token_create(request):
    instance, token = services.token_create(user=request.user, channel="web")
    return render(request, "accounts/token_created.html", {"token": token, "instance": instance})


@login_required
@require_POST
def token_revoke(request, digest):
    token = selectors.token_get_for_user(request.user, digest)
    services.token_revoke(user=request.user, token=token, channel="web")
    messages.success(request, _("The API token was revoked."))
    return redirect("accounts:account")
