"""Serializer fields read as strictly as the OpenAPI schema describes them."""

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """Text, and only text: DRF's ``CharField`` also takes a number (``0`` becomes ``"0"``),
    which the schema (``type: string``) does not allow."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
