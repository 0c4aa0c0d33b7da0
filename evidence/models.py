"""Documents and evidence attached to a case, and takedown requests for online content
(issue #9 item 7; SPEC D1, D2).

A document's bytes live in a storage (``evidence.storage``), encrypted with the
row id bound in; the row keeps what custody needs: two SHA-256 digests (of the
file as received, and of the file as stored after its metadata was stripped),
the size, the type sniffed from the bytes, who uploaded it for which agency and
when, and a soft removal that keeps all of it. Who downloaded it when is in the
audit trail (DOCUMENT_DOWNLOAD with the document's id and digest).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.models import Case
from privacy.fields import EncryptedCharField, EncryptedTextField


class AttachedTo(models.TextChoices):
    CASE = "case", _("The case")
    NOTICE = "notice", _("A notice")
    ACTION = "action", _("An agency action")
    MEETING = "meeting", _("A commission meeting")


class DocumentSource(models.TextChoices):
    STAFF = "staff", _("Uploaded by staff")
    # Issue #11: a pupil's anonymous report with its screenshots (no uploading user).
    ANONYMOUS_REPORT = "anonymous_report", _("Sent with an anonymous report")


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    # Numbered per case (1, 2, …): the neutral name of the downloaded file.
    number = models.PositiveIntegerField(_("number"))
    # What the document belongs to within the case. Not a foreign key: actions are the casework
    # app's, and notices and meetings are checked to belong to the case when it is attached.
    attached_to = models.CharField(_("attached to"), max_length=16, choices=AttachedTo.choices,
                                   default=AttachedTo.CASE)
    attached_id = models.CharField(max_length=64, blank=True)
    # What the people on the case call it; may name a child, so sealed like the file.
    title = EncryptedCharField(_("title"), blank=True)
    description = EncryptedTextField(_("description"), blank=True)
    original_name = EncryptedCharField(_("original file name"), blank=True)
    content_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    received_size = models.PositiveIntegerField()
    received_sha256 = models.CharField(max_length=64)
    metadata_stripped = models.BooleanField(default=False)
    # Random, names nothing: the storage never learns the file's name or the case.
    storage_key = models.CharField(max_length=200, unique=True, editable=False)
    source = models.CharField(max_length=20, choices=DocumentSource.choices, default=DocumentSource.STAFF)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    removal_reason = EncryptedTextField(_("reason for removal"), blank=True)

    class Meta:
        ordering = ["case", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="document_number_unique")]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return f"{self.case_id} #{self.number}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Platform(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    VK = "vk", "VK"
    TELEGRAM = "telegram", "Telegram"
    YOUTUBE = "youtube", "YouTube"
    FACEBOOK = "facebook", "Facebook"
    OTHER = "other", _("Other")


class TakedownStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the platform")
    REMOVED = "removed", _("Removed")
    REFUSED = "refused", _("Refused")


# Where a request may go next; removed and refused are final (a refusal appealed is a new request).
TAKEDOWN_TRANSITIONS = {
    TakedownStatus.REQUESTED: {TakedownStatus.ACKNOWLEDGED, TakedownStatus.REMOVED, TakedownStatus.REFUSED},
    TakedownStatus.ACKNOWLEDGED: {TakedownStatus.REMOVED, TakedownStatus.REFUSED},
    TakedownStatus.REMOVED: set(),
    TakedownStatus.REFUSED: set(),
}


class TakedownRequest(models.Model):
    """A request to a platform to take down content about a child (cyberbullying)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="takedown_requests")
    number = models.PositiveIntegerField(_("number"))
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    # The address may carry the child's name or account: sealed.
    content_url = EncryptedCharField(_("content address"))
    platform_reference = models.CharField(_("reference at the platform"), max_length=100, blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=TakedownStatus.choices,
                              default=TakedownStatus.REQUESTED)
    status_at = models.DateTimeField(_("status since"))

    class Meta:
        ordering = ["case", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="takedown_number_unique")]
        verbose_name = _("takedown request")
        verbose_name_plural = _("takedown requests")

    def __str__(self):
        return f"{self.case_id} takedown #{self.number}"


class TakedownStatusChange(models.Model):
    """One step of a takedown request's history (the first is the request itself)."""

    request = models.ForeignKey(TakedownRequest, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=16, choices=TakedownStatus.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["request", "at", "pk"]
