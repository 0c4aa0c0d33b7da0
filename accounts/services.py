"""Writes on accounts: second factor, password, sessions and API tokens (issue #11 §2).

Each service runs in one transaction with its audit event. Audit details carry ids and
counts only: never a code, a secret, a token or a password. A refused code is recorded
(MFA_FAILED) in a transaction of its own that commits, so that a guesser leaves a trail.

The rules come from NIST SP 800-63B: §5.1.1 (memorised secrets: length, a blocklist, no
composition rules, change signs the other sessions out), §5.1.4/§5.1.5 (single-factor and
multi-factor OTP: each code used once, attempts limited — §5.2.2 rate limiting), §7.1–§7.2
(session secrets, idle and absolute time-outs, sessions ended on demand). Personal-data
safeguards: GDPR Art. 32; KZ Law "On personal data" Art. 22; UA Law "On personal data
protection" Art. 24.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts.models import UserSession
from config.errors import InputError
from privacy.audit import audit_record
from privacy.models import AuditAction

BACKUP_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_NAME = "Backup codes"


# --- Sessions ----------------------------------------------------------------------------------

def session_open(*, user, device: str) -> UserSession:
    """A new signed-in session (called on log-in; not audited: a log-in is not a change)."""
    now = timezone.now()
    return UserSession.objects.create(user=user, created_at=now, last_seen_at=now, device=device)


def session_close(*, session_id) -> None:
    """The session's own log-out (or its expiry): the row goes with it."""
    UserSession.objects.filter(pk=session_id).delete()


@transaction.atomic
def session_revoke(*, user, session: UserSession) -> None:
    """The user signs one of their sessions out; it ends at its next request (SP 800-63B §7.1)."""
    audit_record(actor=user, action=AuditAction.SESSION_REVOKE, detail={"session": str(session.pk)})
    session.delete()


# --- Second factor -----------------------------------------------------------------------------

def _code(value) -> str:
    return "".join(str(value or "").split()).lower()


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


@transaction.atomic
def mfa_enrol_start(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator secret for the user to add to their app; nothing is
    required of them until they confirm it with a code (not audited until then)."""
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def _new_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def mfa_enrol_confirm(*, user, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the new authenticator with a code from it; returns the backup codes, which are
    shown once (SP 800-63B §5.1.4.1: look-up secrets as the recovery factor)."""
    if device.user_id != user.pk or device.confirmed:
        raise InputError({"__all__": [_("Start the set-up again.")]})
    if not device.verify_token(_code(code)):
        raise InputError({"code": [_("That code is not right. Check the time on your phone and enter the "
                                     "6-digit code your app shows now.")]})
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(user)
    audit_record(actor=user, action=AuditAction.MFA_ENROL, detail={"backup_codes": len(codes)})
    return codes


@transaction.atomic
def mfa_backup_codes_renew(*, user) -> list[str]:
    """New backup codes; the old ones stop working."""
    if totp_device(user) is None:
        raise InputError({"__all__": [_("Set up an authenticator app first.")]})
    codes = _new_backup_codes(user)
    audit_record(actor=user, action=AuditAction.MFA_ENROL, detail={"backup_codes": len(codes), "renewed": True})
    return codes


class CodeCheck:
    """The outcome of checking a second-factor code: the device that took it, or why not."""

    def __init__(self, device=None, throttled: bool = False):
        self.device = device
        self.throttled = throttled

    @property
    def ok(self) -> bool:
        return self.device is not None

    def message(self) -> str:
        if self.throttled:
            return _("Too many wrong codes. Wait a minute, then enter the code your app shows.")
        return _("That code is not right. Enter the 6-digit code from your authenticator app, or one "
                 "of your backup codes.")


def _candidate_devices(user, code: str):
    """A 6-digit code is for the authenticator, anything else for the backup codes: a wrong
    guess counts against one device only."""
    model = TOTPDevice if code.isdigit() else StaticDevice
    return list(model.objects.select_for_update().filter(user=user, confirmed=True))


@transaction.atomic
def mfa_check(*, user, code: str, channel: str) -> CodeCheck:
    """Check a code against the user's devices. Each device's own throttle (django-otp: the
    wait doubles with each failure, and is kept across log-ins) limits guessing (§5.2.2); a
    failure is audited and commits."""
    code = _code(code)
    throttled = False
    for device in _candidate_devices(user, code):
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            throttled = True
            continue
        if device.verify_token(code):
            return CodeCheck(device=device)
    audit_record(actor=user, action=AuditAction.MFA_FAILED, detail={"channel": channel, "throttled": throttled})
    return CodeCheck(throttled=throttled)


@transaction.atomic
def mfa_remove(*, user, code: str) -> CodeCheck:
    """Remove the user's authenticator and backup codes; a current code proves it is them."""
    check = mfa_check(user=user, code=code, channel="web")
    if not check.ok:
        # No exception: the failure's audit row commits; the view shows the message.
        return check
    removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    audit_record(actor=user, action=AuditAction.MFA_RESET, detail={"devices": removed})
    return check


# --- Password ----------------------------------------------------------------------------------

@transaction.atomic
def password_change(*, user, new_password: str, keep_session_id=None) -> dict:
    """Set a new password (validated by the form against AUTH_PASSWORD_VALIDATORS); every
    other session of the user ends and every API token is revoked (SP 800-63B §5.1.1.2, §7.1)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    sessions = UserSession.objects.filter(user=user)
    if keep_session_id:
        sessions = sessions.exclude(pk=keep_session_id)
    ended = sessions.delete()[0]
    revoked = AuthToken.objects.filter(user=user).delete()[0]
    audit_record(actor=user, action=AuditAction.PASSWORD_CHANGE,
                 detail={"sessions_ended": ended, "tokens_revoked": revoked})
    return {"sessions_ended": ended, "tokens_revoked": revoked}


# --- API tokens --------------------------------------------------------------------------------

def token_ttl() -> dt.timedelta:
    return dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS)


@transaction.atomic
def token_create(*, user, channel: str) -> tuple[AuthToken, str]:
    """A new API token; only its hash is stored, so the returned text is shown once."""
    instance, token = AuthToken.objects.create(user=user, expiry=token_ttl())
    audit_record(actor=user, action=AuditAction.TOKEN_CREATE,
                 detail={"channel": channel, "token": instance.digest[:12]})
    return instance, token


@transaction.atomic
def token_revoke(*, user, token: AuthToken, channel: str) -> None:
    audit_record(actor=user, action=AuditAction.TOKEN_REVOKE, detail={"channel": channel,
                                                                      "token": token.digest[:12]})
    token.delete()
