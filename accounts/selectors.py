"""Reads for the account page: only ever the signed-in user's own rows."""

from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts.models import UserSession


def sessions_of(user):
    return UserSession.objects.filter(user=user).order_by("-last_seen_at")


def session_get_for_user(user, session_id) -> UserSession:
    session = UserSession.objects.filter(user=user, pk=session_id).first()
    if session is None:
        raise Http404
    return session


def tokens_of(user):
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


def token_get_for_user(user, digest: str) -> AuthToken:
    token = AuthToken.objects.filter(user=user, digest=digest).first()
    if token is None:
        raise Http404
    return token


def second_factor_state(user) -> dict:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return {
        "device": device,
        "backup_codes_left": StaticToken.objects.filter(device__user=user).count() if device else 0,
    }


def memberships_of(user):
    return user.memberships.select_related("agency").order_by("agency__name", "role")
