"""Session time-outs and the second-factor gate (issue #11 §2; NIST SP 800-63B §7.2, §4.2.3).

``SessionLifetimeMiddleware`` ends a browser session that has been idle for
``SESSION_IDLE_MINUTES`` or open for ``SESSION_ABSOLUTE_HOURS``, or that the user signed out
from another session (its ``UserSession`` row is gone), and sends the browser to the log-in
page with a message. ``SecondFactorMiddleware`` keeps a signed-in user who still owes a
second factor on the verification (or set-up) page; the API refuses such a session itself
(``accounts.authentication``).
"""

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import SESSION_MARKER, UserSession
from accounts.permissions import second_factor_due
from accounts.sessions import session_adopt

TOUCH_EVERY = dt.timedelta(seconds=60)  # one write a minute at most: idle time is exact to a minute
OPEN_TO_UNVERIFIED = {"accounts:mfa-verify", "accounts:mfa-enrol", "logout", "login", "set_language", "favicon"}


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _to_login(request, message: str):
    if _is_api(request):
        return None  # the request goes on as an anonymous one: the API answers 401
    messages.info(request, message)
    if request.headers.get("HX-Request"):
        # A polled fragment (a meeting's tally) must not swap the log-in page into itself:
        # htmx sends the whole window there instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse(settings.LOGIN_URL)
        return response
    query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
    return redirect(f"{reverse(settings.LOGIN_URL)}{'?' + query if query else ''}")


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            message = self._expired(request)
            if message:
                logout(request)
                response = _to_login(request, message)
                if response is not None:
                    return response
        return self.get_response(request)

    @staticmethod
    def _expired(request) -> str | None:
        marker = request.session.get(SESSION_MARKER)
        row = UserSession.objects.filter(pk=marker, user=request.user).first() if marker else None
        if row is None:
            if marker:
                return _("This session was signed out from your account page. Log in again.")
            session_adopt(request)  # a session from before sessions were listed
            return None
        now = timezone.now()
        idle = settings.SESSION_IDLE_MINUTES
        hours = settings.SESSION_ABSOLUTE_HOURS
        if now - row.last_seen_at > dt.timedelta(minutes=idle):
            return ngettext("You were signed out after %(n)d minute without activity. Log in again.",
                            "You were signed out after %(n)d minutes without activity. Log in again.",
                            idle) % {"n": idle}
        if now - row.created_at > dt.timedelta(hours=hours):
            return ngettext("You were signed out: a session lasts at most %(n)d hour. Log in again.",
                            "You were signed out: a session lasts at most %(n)d hours. Log in again.",
                            hours) % {"n": hours}
        if now - row.last_seen_at > TOUCH_EVERY:
            UserSession.objects.filter(pk=row.pk).update(last_seen_at=now)
        return None


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_api(request) or not request.user.is_authenticated:
            return self.get_response(request)
        due = second_factor_due(request.user)
        if due is None:
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.view_name in OPEN_TO_UNVERIFIED:
            return self.get_response(request)
        target = reverse("accounts:mfa-verify" if due == "verify" else "accounts:mfa-enrol")
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return redirect(f"{target}{'?' + query if query else ''}")
