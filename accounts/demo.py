"""The demo personas' second factor: a TOTP secret derived from a fixed, public seed, so that
anyone trying the demo can log in as a head or an officer (issue #11 §2).

Only the users of ``agencies.demo.USERS`` whose role must use a second factor get one, and only
from ``manage.py load_demo``. A device counts as a demo device only while its secret is still
the derived one; with ``DEMO_HINTS`` on, the verification page shows its current code, and
``manage.py demo_totp <username>`` prints it. Never turn DEMO_HINTS on in production: the seed
is in this file.
"""

import hashlib
import hmac

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.permissions import mfa_required
from agencies.demo import USERS
from privacy.audit import audit_record
from privacy.models import AuditAction

DEMO_TOTP_SEED = b"childsafe demo second factor 2026"
DEMO_DEVICE_NAME = "Demo authenticator"


def demo_key(username: str) -> str:
    """The demo device's secret (40 hex digits, 160 bits) for a demo username."""
    return hmac.new(DEMO_TOTP_SEED, username.encode(), hashlib.sha256).hexdigest()[:40]


def is_demo_device(device) -> bool:
    username = device.user.get_username()
    return (isinstance(device, TOTPDevice) and username in USERS
            and hmac.compare_digest(device.key, demo_key(username)))


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


@transaction.atomic
def demo_devices_enrol() -> list[str]:
    """Give every demo persona who must use a second factor, and has none, the demo device
    (idempotent). Returns the usernames enrolled now."""
    enrolled = []
    for user in get_user_model().objects.filter(username__in=USERS).order_by("username"):
        if not mfa_required(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            continue
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=demo_key(user.username), confirmed=True)
        audit_record(actor=user, action=AuditAction.MFA_ENROL, detail={"demo": True})
        enrolled.append(user.username)
    return enrolled
