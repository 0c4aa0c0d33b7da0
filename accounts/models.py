"""A signed-in browser session of a user, so that the user can see and end it (issue #11 §2).

Django keeps the session itself; this row is what the account page lists. The session
carries this row's id (``SESSION_MARKER``); a session whose row is gone has been signed out
from elsewhere and is ended at its next request. No address and no full user agent are kept:
a coarse device kind is enough to tell one's phone from one's computer.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SESSION_MARKER = "account_session_id"


class DeviceKind(models.TextChoices):
    PHONE = "phone", _("Phone or tablet")
    COMPUTER = "computer", _("Computer")
    OTHER = "other", _("Other")


class UserSession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_sessions")
    created_at = models.DateTimeField(_("signed in at"))
    last_seen_at = models.DateTimeField(_("last active at"))
    device = models.CharField(_("device"), max_length=16, choices=DeviceKind.choices, default=DeviceKind.OTHER)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
