"""Model fields whose values are encrypted at rest (see privacy.crypto).

The column holds the sealed text; the attribute holds the plaintext. Values
read from the database stay sealed until first accessed, and are opened with
the model, field and row id bound in, so the model must have its primary key
before saving (the models that use these fields have UUID keys set on
creation; a system check enforces it).

A value that cannot be opened reads as ``None`` with ``is_unavailable`` true,
logs an alert (without the value), and is written back unchanged on save: it
is never overwritten by accident — not by a save, nor by assigning back the
``None`` or ``""`` it reads as.

Values reach the database only through ``save()``/``create()``/
``bulk_create()``, which seal them with the row's id. ``QuerySet.update()``
and ``bulk_update()`` with a plain value are refused (they would store it
unencrypted), and so are lookups on a plain value (use a blind index).
"""

import datetime
import logging

from django.core import checks
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from privacy import crypto

log = logging.getLogger(__name__)


class Sealed(str):
    """A value as stored: not yet opened."""


class _Unavailable(Sealed):
    """A stored value that could not be opened; kept as is."""


def associated_data(instance, field) -> str:
    # The model that declares the field (not a proxy or a subclass of it), so
    # every way of loading a row binds the same text.
    return f"{field.model._meta.concrete_model._meta.label_lower}.{field.attname}.{instance.pk}"


class _EncryptedAttribute(DeferredAttribute):
    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        data = instance.__dict__
        name = self.field.attname
        if name not in data:
            data[name] = self._load_sealed(instance)
        value = data[name]
        if isinstance(value, _Unavailable):
            return None
        if not isinstance(value, Sealed):
            return value  # plaintext set in this process, or None
        if value == "":
            return ""
        try:
            plain = self.field.from_plaintext(
                crypto.open_sealed(value, associated_data(instance, self.field))
            )
        except (crypto.DecryptionError, ValueError) as exc:
            # The reason, never the value (a ValueError from parsing would quote it).
            reason = exc if isinstance(exc, crypto.DecryptionError) else "not a valid value of this field"
            log.error(
                "Cannot decrypt %s for %s row %s: %s",
                name, instance._meta.label, instance.pk, reason,
            )
            data[name] = _Unavailable(value)
            return None
        data[name] = plain
        return plain

    def _load_sealed(self, instance):
        """A deferred field (``.only()``/``.defer()``): fetch the stored text, still sealed.

        Not ``refresh_from_db`` as Django's deferred attribute does: that copies
        the opened value, and an unreadable one would come back as None.
        """
        if instance.pk is None:
            return None
        manager = type(instance)._base_manager.db_manager(instance._state.db, hints={"instance": instance})
        return manager.filter(pk=instance.pk).values_list(self.field.attname, flat=True).get()

    def __set__(self, instance, value):
        data = instance.__dict__
        name = self.field.attname
        current = data.get(name)
        if isinstance(current, _Unavailable):
            if value is None or value == "":
                # A form or refresh echoing back what it read: keep the stored value.
                return
            if value != current:
                log.warning(
                    "Replacing the unreadable %s of %s row %s with a new value",
                    name, instance._meta.label, instance.pk,
                )
        data[name] = value


class EncryptedMixin:
    """Stores text sealed with AES-256-GCM; subclasses convert other types to text."""

    descriptor_class = _EncryptedAttribute

    def get_internal_type(self):
        return "TextField"

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def check(self, **kwargs):
        return [*super().check(**kwargs), *self._check_primary_key_preset()]

    def _check_primary_key_preset(self):
        # The row id is bound into the ciphertext before the first INSERT, so it
        # must be known before saving: an auto-increment id is not.
        pk = self.model._meta.pk
        while pk is not None and pk.remote_field is not None and pk.remote_field.parent_link:
            pk = pk.remote_field.model._meta.pk
        if pk is None or pk.has_default():
            return []
        return [checks.Error(
            "An encrypted field needs a primary key that is set when the object is created.",
            hint="Use e.g. id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False).",
            obj=self, id="privacy.E001",
        )]

    def from_db_value(self, value, expression, connection):
        return None if value is None else Sealed(value)

    def to_plaintext(self, value) -> str:
        return str(value)

    def from_plaintext(self, text: str):
        return text

    def pre_save(self, instance, add):
        value = instance.__dict__.get(self.attname)
        if value is None or isinstance(value, _Unavailable):
            return value  # unavailable: keep the stored bytes
        if isinstance(value, Sealed):
            if value == "" or crypto.key_id_of(value) == crypto.keyring().newest_id:
                return value  # unchanged since read
            # Sealed with an older key: write it with the newest, so a process that
            # loaded the row before a key rotation does not put the old key back.
            value = getattr(instance, self.attname)
            if value is None:
                return instance.__dict__[self.attname]
        if instance.pk is None:
            raise ValueError(
                f"{instance._meta.label}.{self.attname} is encrypted with the row id bound in: "
                "set the primary key before saving."
            )
        if value == "" and self.blank:
            return Sealed("")
        return Sealed(crypto.seal(self.to_plaintext(value), associated_data(instance, self)))

    def get_prep_value(self, value):
        if value is None or value == "" or isinstance(value, Sealed) or hasattr(value, "resolve_expression"):
            return value
        # Never the value in the message: it is personal data.
        raise ValueError(
            f"{self.model._meta.label}.{self.name} is encrypted: write it with save() "
            "(not update() or bulk_update()), and look it up through a blind index."
        )

    def is_unavailable(self, instance) -> bool:
        getattr(instance, self.attname)
        return isinstance(instance.__dict__.get(self.attname), _Unavailable)


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedCharField(EncryptedMixin, models.TextField):
    """Short text (names, numbers); length is validated by forms, not the column."""

    def formfield(self, **kwargs):
        from django import forms

        return super().formfield(**{"widget": forms.TextInput, **kwargs})


class EncryptedDateField(EncryptedMixin, models.TextField):
    def to_python(self, value):
        # Model.full_clean() stores what this returns: keep it a date.
        if value is None or value == "" or isinstance(value, Sealed):
            return value
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            from django.core.exceptions import ValidationError

            raise ValidationError("Enter a valid date.", code="invalid") from None

    def to_plaintext(self, value) -> str:
        return self.to_python(value).isoformat()

    def from_plaintext(self, text: str):
        return datetime.date.fromisoformat(text)

    def formfield(self, **kwargs):
        from django import forms

        # Field's own defaults (required, label, help text), not TextField's textarea.
        return models.Field.formfield(self, **{"form_class": forms.DateField, **kwargs})


def sealed_key_id(instance, field_name: str) -> str | None:
    """The key id of a field's stored value, or None if it is not sealed (yet)."""
    value = instance.__dict__.get(field_name)
    return crypto.key_id_of(value) if isinstance(value, Sealed) and value else None


def encrypted_field_names(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
