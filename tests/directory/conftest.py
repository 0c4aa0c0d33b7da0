"""Fixtures of the help directory tests: the demo countries' regions and an entry factory."""

import pytest

from agencies.models import District, Jurisdiction, Region
from directory.models import HelpOrganisation


@pytest.fixture
def country(demo):
    """country("KZ") -> (jurisdiction, its demo region, its demo district)."""

    def _country(code):
        jurisdiction = Jurisdiction.objects.get(code=code)
        region = Region.objects.filter(jurisdiction=jurisdiction).order_by("pk").first()
        return jurisdiction, region, District.objects.filter(region=region).order_by("pk").first()

    return _country


@pytest.fixture
def entry(demo):
    """entry(jurisdiction, name, **fields) -> a saved entry (set up directly, not what is under test)."""

    def _entry(jurisdiction, name, **fields):
        fields.setdefault("services", ["psychological"])
        fields.setdefault("phone", "+7 700 000 00 00")
        return HelpOrganisation.objects.create(jurisdiction=jurisdiction, name=name, **fields)

    return _entry
