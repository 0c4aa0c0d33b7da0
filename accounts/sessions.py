"""Opening and closing the listed session with Django's log-in and log-out signals."""

from django.contrib.auth.signals import user_logged_in, user_logged_out

from accounts import services
from accounts.models import SESSION_MARKER, DeviceKind

PHONE_HINTS = ("mobi", "android", "iphone", "ipad")


def device_kind(request) -> str:
    """Coarse on purpose: phone or computer, never the browser's full description."""
    agent = (request.META.get("HTTP_USER_AGENT") or "").lower() if request is not None else ""
    if not agent:
        return DeviceKind.OTHER
    return DeviceKind.PHONE if any(hint in agent for hint in PHONE_HINTS) else DeviceKind.COMPUTER


def session_adopt(request) -> None:
    row = services.session_open(user=request.user, device=device_kind(request))
    request.session[SESSION_MARKER] = str(row.pk)


def _logged_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    row = services.session_open(user=user, device=device_kind(request))
    request.session[SESSION_MARKER] = str(row.pk)


def _logged_out(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    marker = request.session.get(SESSION_MARKER)
    if marker:
        services.session_close(session_id=marker)


def connect_signals():
    user_logged_in.connect(_logged_in, dispatch_uid="accounts.session_open")
    user_logged_out.connect(_logged_out, dispatch_uid="accounts.session_close")
