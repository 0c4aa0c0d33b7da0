"""Model fields whose values are encrypted at rest (see privacy.crypto).

The column holds the sealed text; the attribute holds the plaintext. Values
read from the database stay sealed until first accessed, and are opened with
the row's id bound in, so the model must have its primary key before saving
(the models that use these fields have UUID keys set on creation).

A value that cannot be opened reads as ``None`` with ``is_unavailable`` true,
logs an alert (without the value), and is written back unchanged on save: it
is never overwritten by accident.
"""

import datetime
import logging

from django.db import models

from privacy import crypto

log = logging.getLogger(__name__)


class Sealed(str):
    """A value as stored: not yet opened."""


class _Unavailable(Sealed):
    """A stored value that could not be opened; kept as is."""


def associated_data(instance, field) -> str:
    return f"{instance._meta.label_lower}.{field.attname}.{instance.pk}"


class _EncryptedAttribute:
    def __init__(self, field):
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname)
        if isinstance(value, _Unavailable):
            return None
        if not isinstance(value, Sealed) or value == "":
            return str(value) if isinstance(value, Sealed) else value
        try:
            plain = self.field.from_plaintext(
                crypto.open_sealed(value, associated_data(instance, self.field))
            )
        except crypto.DecryptionError as exc:
            log.error(
                "Cannot decrypt %s for %s row %s: %s",
                self.field.attname, instance._meta.label, instance.pk, exc,
            )
            instance.__dict__[self.field.attname] = _Unavailable(value)
            return None
        instance.__dict__[self.field.attname] = plain
        return plain

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedMixin:
    """Stores text sealed with AES-256-GCM; subclasses convert other types to text."""

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        setattr(cls, self.attname, _EncryptedAttribute(self))

    def get_internal_type(self):
        return "TextField"

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def from_db_value(self, value, expression, connection):
        return None if value is None else Sealed(value)

    def to_plaintext(self, value) -> str:
        return str(value)

    def from_plaintext(self, text: str):
        return text

    def pre_save(self, instance, add):
        value = instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            return value  # unchanged since read (or unavailable): keep the stored bytes
        if value == "" and self.blank:
            return ""
        return crypto.seal(self.to_plaintext(value), associated_data(instance, self))

    def get_prep_value(self, value):
        return value

    def is_unavailable(self, instance) -> bool:
        getattr(instance, self.attname)
        return isinstance(instance.__dict__.get(self.attname), _Unavailable)


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedCharField(EncryptedMixin, models.TextField):
    """Short text (names, numbers); length is validated by forms, not the column."""


class EncryptedDateField(EncryptedMixin, models.TextField):
    def to_plaintext(self, value) -> str:
        return value.isoformat()

    def from_plaintext(self, text: str):
        return datetime.date.fromisoformat(text)

    def formfield(self, **kwargs):
        from django import forms

        return forms.DateField(required=not self.blank, label=self.verbose_name, **kwargs)


def sealed_key_id(instance, field_name: str) -> str | None:
    """The key id of a field's stored value, or None if it is not sealed (yet)."""
    value = instance.__dict__.get(field_name)
    return crypto.key_id_of(value) if isinstance(value, Sealed) and value else None


def encrypted_field_names(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
