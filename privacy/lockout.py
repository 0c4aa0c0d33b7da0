"""Repeated failed log-ins lock the account and the address out for a while (issue #7).

django-axes counts failures per username and per client address in the
database and refuses further attempts once ``AXES_FAILURE_LIMIT`` is reached,
until ``AXES_COOLOFF_TIME`` has passed. This module gives that lockout the
project's shape: a translated page for the browser and a JSON ``detail`` for
the API (429 with ``Retry-After``), an audit event when a lockout starts, and
log lines without the username or address.
"""

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config import limits
from privacy import crypto
from privacy.audit import audit_record
from privacy.models import AuditAction


def cool_off_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_message() -> str:
    minutes = cool_off_minutes()
    return ngettext(
        "Too many failed log-in attempts. Log-in is blocked for %(minutes)d minute; try again later.",
        "Too many failed log-in attempts. Log-in is blocked for %(minutes)d minutes; try again later.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: what a locked-out client is answered."""
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": lockout_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    else:
        response = render(request, "registration/locked_out.html", {"message": lockout_message()},
                          status=status.HTTP_429_TOO_MANY_REQUESTS)
    response["Retry-After"] = retry_after
    return response


def client_address(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address the nearest trusted proxy saw (DRF's NUM_PROXIES rule)."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return remote


def client_str(username, ip_address, user_agent, path_info, request) -> str:
    """AXES_CLIENT_STR_CALLABLE: axes' log lines name the path only, never who or from where."""
    return f"{{path_info: {path_info!r}}}"


def _channel(request) -> str:
    return "api" if request.path.startswith("/api/") else "web"


def _lockout_starts(sender, request, username, ip_address, **kwargs):
    """Record the start of a lockout, once: not every refused attempt during it."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures != settings.AXES_FAILURE_LIMIT:
        return
    user = get_user_model().objects.filter(username=username).first() if username else None
    # The user id is the only personal datum; the address only as a keyed hash,
    # so that one source's lockouts can be told apart without storing it.
    audit_record(actor=user, action=AuditAction.LOGIN_LOCKED, detail={
        "channel": _channel(request),
        "client": crypto.blind_index(ip_address, "client_address") if ip_address else None,
    })


def connect_signals():
    from axes.signals import user_locked_out

    receiver(user_locked_out, dispatch_uid="privacy.lockout")(_lockout_starts)


# --- The API's token endpoint --------------------------------------------------------------


class LockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


class TokenRequestSerializer(serializers.Serializer):
    """A username and password, with the lengths every other input has, and the second
    factor's code for a user who has one or whose role must (issue #11 §2)."""

    username = serializers.CharField(label=_("Username"), write_only=True, max_length=limits.USERNAME_MAX_LENGTH)
    password = serializers.CharField(
        label=_("Password"), style={"input_type": "password"}, trim_whitespace=False, write_only=True,
        max_length=limits.PASSWORD_MAX_LENGTH,
    )
    otp = serializers.CharField(
        label=_("Second-factor code"), write_only=True, required=False, allow_blank=True, max_length=32,
        help_text=_("The current code of the user's authenticator app, or a backup code: required when the "
                    "user has a second factor or their role requires one."),
    )

    def validate(self, attrs):
        request = self.context["request"]
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is None:
            raise ValidationError({"non_field_errors": [_("Unable to log in with provided credentials.")]},
                                  code="authorization")
        attrs["user"] = user
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send it as 'Authorization: Token <token>'. Shown once."))
    expiry = serializers.DateTimeField(help_text=_("When the token stops working."))


class TokenObtainApi(APIView):
    """A token for a username and password (and a second-factor code when the user has one);
    throttled, and locked out after repeated failures. Only the token's hash is stored; it
    expires after API_TOKEN_TTL_HOURS and is revoked by POST /api/v1/auth/logout/ or a
    password change."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    def _locked_out(self, request):
        if getattr(request, "axes_locked_out", False):
            exc = LockedOut(lockout_message())
            exc.wait = settings.AXES_COOLOFF_TIME.total_seconds()
            raise exc from None

    @extend_schema(request=TokenRequestSerializer, auth=[], responses={
        200: TokenResponseSerializer,
        400: OpenApiResponse(description="Wrong username or password (`non_field_errors`), or the second-factor "
                                         "code missing or wrong (`otp`)."),
        429: OpenApiResponse(description="Too many attempts: throttled, or locked out after repeated failures "
                                         "(see `Retry-After`)."),
    })
    def post(self, request, *args, **kwargs):
        from accounts import services
        from accounts.permissions import has_second_factor, mfa_required

        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError:
            # axes marks the request it was given (DRF's, here) when it refuses or locks.
            self._locked_out(request)
            raise
        user = serializer.validated_data["user"]
        if has_second_factor(user) or mfa_required(user):
            code = serializer.validated_data.get("otp") or ""
            if not has_second_factor(user):
                raise ValidationError({"otp": [_("Set up your second factor on your account page first.")]})
            if not code:
                raise ValidationError({"otp": [_("Enter the code from your authenticator app.")]})
            check = services.mfa_check(user=user, code=code, channel="api")
            if not check.ok:
                user_login_failed.send(sender=__name__, credentials={"username": user.get_username()},
                                       request=request)
                self._locked_out(request)
                raise ValidationError({"otp": [check.message()]})
        instance, token = services.token_create(user=user, channel="api")
        return Response(TokenResponseSerializer({"token": token, "expiry": instance.expiry}).data)
