"""The canary (issue #10; SPEC D4, KZ §27): a child with an unmistakable name, birth date and
identity number is reported; the summary tables are brought up to date the way the beat task
does it; then every dashboard page, API answer and export any office or head can fetch is read
whole. None of them may hold the name, the birth date or the identity number, and the one
case's cells must read as suppressed, never as "1".
"""

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from cases.services import PartyInput
from notifications.models import Deadline, DeadlineState
from oversight.selectors import TABLE_SLUGS

pytestmark = pytest.mark.django_db

CANARY = dict(family_name="Канарейкина", given_name="Жаннаайдана", patronymic="Свиристелевна",
              birth_date=dt.date(2012, 11, 29), identity_number="121129650410")
FORBIDDEN = ["Канарейкина", "Жаннаайдана", "Свиристелевна", "121129650410",
             "2012-11-29", "29.11.2012", "11/29/2012", "29 November 2012", "Nov. 29, 2012"]
VIEWERS = ["kz-ombudsman", "kz-regional-ombudsman", "kz-head"]


def _text_of(response) -> str:
    content = response.content
    if content[:2] == b"PK":  # an XLSX: every cell of every sheet, and the raw XML beside
        book = load_workbook(io.BytesIO(content))
        cells = [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            xml = " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
        return " ".join(cells) + " " + xml
    return content.decode("utf-8-sig") + " " + response.get("Content-Disposition", "")


@pytest.fixture
def canary_case(file_case, persona, drain_tallies):
    parties = [PartyInput(role="victim", sex="female", class_name="5Б", phone="+77019998877", **CANARY)]
    case = file_case(persona("kz-coordinator"), "kz-school-1", parties=parties, kinds=["violence"],
                     forms=["physical"], places=["gym"], channel="self_report")
    # One of its clocks is overdue now, so the overdue list shows the case too.
    Deadline.objects.filter(case=case, rule__code="kz.police_notice").update(
        state=DeadlineState.BREACHED, due_at=timezone.now() - dt.timedelta(hours=2))
    drain_tallies()
    return case


def _every_response(client):
    yield "home", client.get(reverse("oversight:home"))
    yield "home this month", client.get(reverse("oversight:home"), {"preset": "this_month"})
    yield "overdue", client.get(reverse("oversight:overdue"))
    yield "api", client.get(reverse("api-dashboard"), {"preset": "this_month"})
    yield "api scopes", client.get(reverse("api-dashboard-scopes"))
    yield "api overdue", client.get(reverse("api-dashboard-overdue"))
    for slug in TABLE_SLUGS:
        response = client.get(reverse("oversight:export"), {"preset": "this_month", "table": slug, "format": "csv"})
        if response.status_code != 400:  # a table the scope does not have (by region, for an organisation)
            yield f"csv {slug}", response
    yield "xlsx", client.get(reverse("oversight:export"), {"preset": "this_month", "table": "all", "format": "xlsx"})
    for fmt in ("csv", "xlsx"):
        yield f"overdue {fmt}", client.get(reverse("oversight:export"), {"table": "overdue", "format": fmt})


@pytest.mark.parametrize("username", VIEWERS)
def test_no_dashboard_page_api_or_export_holds_the_childs_identity(canary_case, persona, username):
    client = APIClient()
    client.force_login(persona(username))
    seen = 0
    for what, response in _every_response(client):
        assert response.status_code == 200, what
        text = _text_of(response)
        for secret in FORBIDDEN:
            assert secret not in text, f"{username}: {what} holds {secret!r}"
        seen += 1
    assert seen >= 15
    # The overdue list does show the case: by its reference only.
    assert canary_case.reference in client.get(reverse("oversight:overdue")).content.decode()


@pytest.mark.parametrize("username", VIEWERS)
def test_the_single_case_cells_are_suppressed_everywhere(canary_case, persona, username):
    client = APIClient()
    client.force_login(persona(username))
    data = client.get(reverse("api-dashboard"), {"preset": "this_month"}).json()
    tables = {t["slug"]: t for t in data["tables"]}
    # The canary is this month's only violence case, its only gym and physical-form case.
    for slug, key in (("kinds", "violence"), ("forms", "physical"), ("places", "gym")):
        cell = next(row["cells"][0] for row in tables[slug]["rows"] if row["key"] == key)
        assert cell == {"value": None, "text": "<5", "suppressed": True}, (slug, cell)
    victims = tables["victim_sex"]
    assert all(row["cells"][0]["suppressed"] for row in victims["rows"] if row["key"] == "female")
    assert victims["totals"]["cells"][0]["value"] is None  # fewer than 5 victims in all
    # No figure of 1 to 4 anywhere in the answer.
    for table in data["tables"]:
        for row in table["rows"] + ([table["totals"]] if table["totals"] else []):
            for cell in row["cells"]:
                assert cell["value"] is None or not 1 <= cell["value"] < 5 or isinstance(cell["value"], float) \
                    and cell["text"].endswith("%"), (table["slug"], row["key"], cell)
    # The page and the export say "<5" where the one case is.
    page = client.get(reverse("oversight:home"), {"preset": "this_month"}).content.decode()
    assert "&lt;5" in page
    csv_text = client.get(reverse("oversight:export"),
                          {"preset": "this_month", "table": "kinds", "format": "csv"}).content.decode("utf-8-sig")
    assert "Violence,<5" in csv_text
