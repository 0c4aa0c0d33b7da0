"""The quarterly briefing pack (KZ §31; issue #10 item 6): the quarter's dashboard figures of a
region or country as a PDF and an XLSX, small counts suppressed, nothing personal, each download
audited, and an outsider gets 404.
"""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from agencies.models import Agency, Jurisdiction
from cases.services import PartyInput
from oversight.pack import Quarter, quarter_parse, quarterly_pack
from oversight.scopes import scope_get_for_user
from oversight.selectors import TABLE_SLUGS
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

CANARY_FAMILY, CANARY_GIVEN, CANARY_IIN = "Зкканарейкин", "Канарейка", "130502500127"
CANARY_TEXT = "Канарейка сыныптасының ұялы телефонын алды"
CANARIES = (CANARY_FAMILY, CANARY_GIVEN, CANARY_IIN, CANARY_TEXT, "2013-05-02", "02.05.2013", "+77010000002")


def this_quarter() -> Quarter:
    today = Jurisdiction.objects.get(code="KZ").local_date(timezone.now())
    return Quarter(today.year, (today.month - 1) // 3 + 1)


def canary_parties():
    return [PartyInput(role="victim", family_name=CANARY_FAMILY, given_name=CANARY_GIVEN, sex="female",
                       birth_date=dt.date(2013, 5, 2), identity_number=CANARY_IIN, class_name="7Б"),
            PartyInput(role="legal_representative", family_name=CANARY_FAMILY, given_name="Сауле",
                       is_minor=False, represents_index=0, phone="+77010000002")]


@pytest.fixture
def quarter_of_cases(file_case, persona, drain_tallies):
    """Seven bullying reports at KZ school 1 this quarter, two of them also violence."""
    coordinator = persona("kz-coordinator")
    for i in range(7):
        file_case(coordinator, "kz-school-1", kinds=["bullying", "violence"] if i < 2 else ["bullying"],
                  description=CANARY_TEXT, parties=canary_parties(),
                  received_at=timezone.now() - dt.timedelta(minutes=30 + i))
    drain_tallies()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def download(client, **query):
    return client.get(reverse("oversight:pack"), query)


def test_the_pdf_holds_the_quarter_figures_suppressed_and_nothing_personal(client, persona, quarter_of_cases):
    client.force_login(persona("kz-ombudsman"))
    quarter = this_quarter()
    response = download(client, year=quarter.year, quarter=quarter.number, format="pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == \
        f'attachment; filename="quarterly-pack-country-{Jurisdiction.objects.get(code="KZ").pk}-{quarter.token}.pdf"'
    text = pdf_text(response.content)
    assert "Қазақстан Республикасы" in text and "KZ §31" in text and quarter.period.label in text
    assert "<5" in text  # two cases of violence
    assert "7" in text
    for canary in CANARIES:
        assert canary not in text


def test_the_xlsx_has_a_sheet_per_table_with_suppressed_cells_as_suppressed(client, persona, quarter_of_cases):
    client.force_login(persona("kz-regional-ombudsman"))
    quarter = this_quarter()
    response = download(client, year=quarter.year, quarter=quarter.number, format="xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames and set(workbook.sheetnames) <= {slug[:31] for slug in TABLE_SLUGS}
    assert {"kinds", "compliance_rule", "victim_age", "trend"} <= set(workbook.sheetnames)
    kinds = {row[0]: row[1:] for row in workbook["kinds"].iter_rows(values_only=True) if row and row[0]}
    values = [v for row in kinds.values() for v in row if v is not None]
    assert 7 in values and "<5" in values and 2 not in values
    every = " ".join(str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert "Алматы облысы" in every
    for canary in CANARIES:
        assert canary not in every


def test_each_download_is_audited_with_scope_quarter_and_format(client, persona, quarter_of_cases):
    client.force_login(persona("kz-ombudsman"))
    quarter = this_quarter()
    region = Agency.objects.get(code="kz-bkou").region
    for fmt in ("pdf", "xlsx"):
        assert download(client, scope=f"region:{region.pk}", year=quarter.year, quarter=quarter.number,
                        format=fmt).status_code == 200
    events = AuditEvent.objects.filter(action=AuditAction.QUARTERLY_PACK).order_by("pk")
    assert [(e.actor.username, e.detail) for e in events] == [
        ("kz-ombudsman", {"scope": f"region:{region.pk}", "quarter": quarter.token, "format": fmt})
        for fmt in ("pdf", "xlsx")]


def test_the_service_writes_its_audit_entry_in_the_same_transaction(persona, quarter_of_cases):
    from django.db import transaction

    user = persona("kz-ombudsman")
    scope = scope_get_for_user(user)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            quarterly_pack(user=user, scope=scope, quarter=this_quarter(), fmt="pdf")
            raise RuntimeError("the caller's transaction fails")
    assert not AuditEvent.objects.filter(action=AuditAction.QUARTERLY_PACK).exists()


def test_an_outsider_and_a_foreign_scope_get_404_and_nothing_is_audited(client, persona, quarter_of_cases):
    quarter = this_quarter()
    client.force_login(persona("kz-coordinator"))  # a school's coordinator has no dashboard
    assert download(client, year=quarter.year, quarter=quarter.number, format="pdf").status_code == 404
    client.force_login(persona("ua-ombudsman"))  # another country
    kz = Jurisdiction.objects.get(code="KZ")
    assert download(client, scope=f"country:{kz.pk}", year=quarter.year, quarter=quarter.number,
                    format="pdf").status_code == 404
    client.force_login(persona("kz-regional-ombudsman-2"))  # another region of the same country
    region = Agency.objects.get(code="kz-bkou").region
    assert download(client, scope=f"region:{region.pk}", year=quarter.year, quarter=quarter.number,
                    format="xlsx").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.QUARTERLY_PACK).exists()


def test_bad_input_shows_the_page_again_with_messages_and_makes_nothing(client, persona):
    client.force_login(persona("kz-ombudsman"))
    next_year = this_quarter().year + 1
    response = download(client, year="20x6", quarter="5", format="doc")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_year_error"' in page and 'id="id_quarter_error"' in page and 'id="id_format_error"' in page
    response = download(client, year=str(next_year), quarter="1", format="pdf")
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditAction.QUARTERLY_PACK).exists()


def test_the_page_lists_the_recent_quarters_and_the_dashboard_links_to_it(client, persona):
    client.force_login(persona("kz-regional-ombudsman"))
    page = client.get(reverse("oversight:pack")).content.decode()
    assert this_quarter().label in page and "format=pdf" in page and "format=xlsx" in page
    dashboard = client.get(reverse("oversight:home")).content.decode()
    assert reverse("oversight:pack") in dashboard


def test_the_api_sends_the_file_or_messages_per_field(persona):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(persona("ua-regional"))
    quarter = this_quarter()
    response = api.get(reverse("api-dashboard-pack"), {"year": quarter.year, "quarter": quarter.number,
                                                       "file": "xlsx"})
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames
    response = api.get(reverse("api-dashboard-pack"), {"year": "x", "quarter": "0", "file": "doc"})
    assert response.status_code == 400
    assert set(response.json()) == {"year", "quarter", "file"}


def test_quarter_parse():
    from oversight.scopes import Scope

    kz = Jurisdiction.objects.get(code="KZ")
    scope = Scope("country", kz.pk, kz.name, kz)
    assert quarter_parse("2025", "3", scope=scope) == (Quarter(2025, 3), {})
    assert quarter_parse("2025", "3", scope=scope)[0].period.label == "2025-07 – 2025-09"
    assert set(quarter_parse("1999", "", scope=scope)[1]) == {"year", "quarter"}
