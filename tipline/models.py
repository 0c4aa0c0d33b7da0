"""Anonymous reports from pupils and parents (SPEC R8; KZ §10; issue #11).

A school's public page takes a report with no account. The reporter keeps a
follow-up code (only its keyed hash is stored, for lookup) and a passphrase (only
its password hash): with both they read the school's replies and write back.
Every free-text field and message is encrypted at rest; no IP address, user agent
or other trace of the reporter is stored anywhere.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.models import Case
from cases.vocabulary import Place
from privacy.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField


class SchoolLink(models.Model):
    """The school's unguessable public address: a random token, never its id, code or name."""

    school = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="tip_link")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    def __str__(self):
        return f"link of {self.school.code}"


class TipStatus(models.TextChoices):
    NEW = "new", _("New")
    ANSWERED = "answered", _("Answered")
    CONVERTED = "converted", _("Turned into a case")
    CLOSED = "closed", _("Closed")


# Queue order: what still waits for the school first.
STATUS_ORDER = {TipStatus.NEW: 0, TipStatus.ANSWERED: 1, TipStatus.CONVERTED: 2, TipStatus.CLOSED: 3}
OPEN_STATUSES = (TipStatus.NEW, TipStatus.ANSWERED)


class Tip(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="tips")
    # A number in the school's queue, for talking about it ("report 12"); not in the follow-up code.
    number = models.PositiveIntegerField()
    received_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=TipStatus.choices, default=TipStatus.NEW)
    status_rank = models.PositiveSmallIntegerField(default=0)
    is_urgent = models.BooleanField(default=False)
    # HMAC (blind-index key) of the follow-up code: a lookup, not the code.
    code_index = models.CharField(max_length=64, unique=True)
    passphrase_hash = models.CharField(max_length=256)
    language = models.CharField(max_length=8, blank=True)
    what = EncryptedTextField()
    place = models.CharField(max_length=32, choices=Place.choices, blank=True)
    happened_on = EncryptedDateField(null=True, blank=True)
    who = EncryptedTextField(blank=True)
    feeling = EncryptedTextField(blank=True)
    reporter_name = EncryptedCharField(blank=True)
    reporter_contact = EncryptedCharField(blank=True)
    close_reason = EncryptedTextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    case = models.OneToOneField(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="tip")
    converted_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField()

    class Meta:
        ordering = ["-is_urgent", "status_rank", "-last_activity_at"]
        constraints = [models.UniqueConstraint(fields=["school", "number"], name="tip_number_per_school")]
        indexes = [models.Index(fields=["school", "-is_urgent", "status_rank", "-last_activity_at"],
                                name="tip_queue_idx")]

    def __str__(self):
        return f"report {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Author(models.TextChoices):
    REPORTER = "reporter", _("The reporter")
    SCHOOL = "school", _("The school")


class TipMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=16, choices=Author.choices)
    # Staff who replied; never the reporter (they have no account).
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")
    body = EncryptedTextField(blank=True)
    at = models.DateTimeField()
    is_urgent = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]


class TipFile(models.Model):
    """A screenshot or file sent with the report, cleaned and sealed by evidence.storage."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="files")
    message = models.ForeignKey(TipMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    number = models.PositiveIntegerField()
    storage_key = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    metadata_stripped = models.BooleanField(default=False)
    at = models.DateTimeField()
    # Set when the report became a case: the file's copy among the case's documents.
    document = models.ForeignKey("evidence.Document", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["tip", "number"], name="tip_file_number")]


class AlertChannel(models.TextChoices):
    IN_APP = "in_app", _("In the system")
    EMAIL = "email", _("E-mail")


class TipAlert(models.Model):
    """'An urgent report was received' for one person on one channel: a link, no text from the report.

    The notifications outbox needs a case (its messages name one); an anonymous report is
    not a case yet, so its alerts keep the outbox's shape here: written in the report's
    transaction, delivered once by a task that carries no data (``tipline.tasks``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="alerts")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16, choices=AlertChannel.choices)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="tip_alert_pending")]
