"""Password rules after NIST SP 800-63B §5.1.1.2: long enough, not too long to be refused, not
on a list of common or breached passwords, not the login or the name, not one character
repeated; and no composition rules (no "one digit, one capital")."""

import functools
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

EXTRA_LIST = Path(__file__).with_name("common_passwords_extra.txt")


class MaximumLengthValidator:
    """Long pass-phrases are welcome (§5.1.1.2: at least 64 characters); the cap only bounds hashing."""

    def __init__(self, max_length=128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext("This password is too long: use at most %(max)d character.",
                         "This password is too long: use at most %(max)d characters.", self.max_length)
                % {"max": self.max_length}, code="password_too_long")

    def get_help_text(self):
        return ngettext("At most %(max)d character; a long phrase is fine.",
                        "At most %(max)d characters; a long phrase is fine.", self.max_length) % {"max": self.max_length}


@functools.cache
def _extra_words() -> frozenset[str]:
    lines = EXTRA_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


class LocalBlocklistValidator:
    """Passwords common here (the service's own name, local keyboard words) on top of Django's
    list of 20,000 breached ones; one or two characters repeated; the login inside the password."""

    def validate(self, password, user=None):
        lowered = password.lower()
        if lowered in _extra_words() or any(word in lowered for word in ("childsafe", "password", "parol")):
            raise ValidationError(_("This password is too common."), code="password_too_common")
        if len(set(lowered)) <= 2:
            raise ValidationError(_("This password repeats the same characters: use a phrase."),
                                  code="password_repetitive")
        username = (user.get_username() if user is not None else "").lower()
        if len(username) >= 4 and username in lowered:
            raise ValidationError(_("The password must not contain your login."), code="password_contains_login")

    def get_help_text(self):
        return _("Not a common password, and not your login or name.")
