"""Dates read the same way on every page, notice and PDF: one unambiguous form per language.

Django has no Kazakh formats, so kk pages showed 1 December as "12/01/2026 11:30 Т.Ж."
(read as 12 January).
"""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import formats, translation

pytestmark = pytest.mark.django_db

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
# 1 December: the day that the US order turns into 12 January.
RECEIVED = dt.datetime(2025, 12, 1, 11, 30, tzinfo=ALMATY)
EXPECTED = {
    "kk": "01.12.2025 11:30",
    "ru": "01.12.2025 11:30",
    "uk": "01.12.2025 11:30",
    "en": "1 Dec 2025, 11:30",
}


@pytest.fixture
def case(persona, file_case):
    return file_case(persona("kz-coordinator"), "kz-school-1", received_at=RECEIVED,
                     incident_at=RECEIVED - dt.timedelta(days=1))


@pytest.mark.parametrize("language", EXPECTED)
def test_the_case_list_and_page_show_the_received_time_in_one_unambiguous_form(client, persona, case, language):
    client.force_login(persona("kz-coordinator"))
    client.cookies["django_language"] = language
    for url in (reverse("cases:list"), reverse("cases:detail", args=[case.pk])):
        page = client.get(url).content.decode()
        assert EXPECTED[language] in page, url
        assert "12/01/2025" not in page and "Т.Ж." not in page and "p.m." not in page


@pytest.mark.parametrize("language", EXPECTED)
@pytest.mark.parametrize("name", ["DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"])
def test_the_named_formats_give_the_same_result_outside_templates(language, name):
    """What the minutes PDF and the notices use (django.utils.formats.date_format)."""
    with translation.override(language):
        assert formats.date_format(RECEIVED, name) == EXPECTED[language]


@pytest.mark.parametrize("language, expected", [
    ("kk", "02.04.2013"), ("ru", "02.04.2013"), ("uk", "02.04.2013"), ("en", "2 Apr 2013"),
])
@pytest.mark.parametrize("name", ["DATE_FORMAT", "SHORT_DATE_FORMAT"])
def test_dates_without_a_time_are_day_first_too(language, expected, name):
    with translation.override(language):
        assert formats.date_format(dt.date(2013, 4, 2), name) == expected
