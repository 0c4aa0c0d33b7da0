"""What a person's authenticator app would show, computed from the secret like the app does."""

import re
import time
from base64 import b32decode

from django_otp.oath import TOTP

DEFAULT_ROLES = ["head", "agency_staff", "commission_secretary", "ombudsman"]


def code_for(device, *, steps_ahead: int = 0) -> str:
    """The device's code now (or ``steps_ahead`` 30-second steps later: a code is accepted once,
    so a second log-in within the same step uses the next one, which the tolerance allows)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return str(totp.token()).zfill(device.digits)


def code_from_secret(secret_text: str, *, steps_ahead: int = 0) -> str:
    """The code for the key shown as text on the set-up page (base32, in groups of four)."""
    key = b32decode(re.sub(r"\s", "", secret_text))
    totp = TOTP(key, 30, 0, 6, 0)
    totp.time = time.time() + steps_ahead * 30
    return str(totp.token()).zfill(6)


def secret_on(page_html: str) -> str:
    return re.search(r"data-secret>([A-Z2-7 ]+)<", page_html).group(1)
