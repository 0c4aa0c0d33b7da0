"""Issue #10 in a real browser: the national ombudsman of Kazakhstan, the regional ombudsman,
the Ukrainian education ombudsman and a school head each open their dashboard from the nav
link, read its figures and charts, and download a table; the national office drills down to
its region and opens the overdue list; the regional dashboard on a 390 px phone.

The summary tables are filled the way the aggregator fills them (a year of figures per scope),
so that the pages have something to show; one real case has a clock overdue now.
Screenshots go to /tmp/ovd/.
"""

import csv
import datetime as dt
import io
import os
import random

import pytest
from django.utils import timezone

from agencies.models import Agency, Jurisdiction
from cases.services import PartyInput
from conftest import DEMO_PASSWORD
from notifications.models import Deadline, DeadlineState
from oversight import metrics as M
from oversight.models import ScopeType, Tally
from oversight.selectors import this_month
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/ovd"
CANARY_NAME = "Браузерова"
RULES = {"KZ": ["kz.police_notice", "kz.guardianship_notice", "kz.ombudsman_notice", "kz.placement_decision"],
         "UA": ["ua.police_notice", "ua.children_service_notice", "ua.commission_meeting", "ua.case_decision"]}


@pytest.fixture(autouse=True)
def _shipped_data(transactional_db, demo):
    """The demo fixture puts back what an earlier transactional test flushed (protocols included)."""


def _add_months(month, n):
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def _year_of_figures(scope_type, scope_id, country, scale, *, region_ids=(), agency_ids=()):
    """A year of Tally rows for one scope, as the aggregator would have written them."""
    rng = random.Random(f"{scope_type}{scope_id}")
    rows = []
    current = this_month(Jurisdiction.objects.get(code=country))
    for back in range(12):
        month = _add_months(current, -back)

        def add(metric, key, n):
            if n > 0:
                rows.append(Tally(scope_type=scope_type, scope_id=scope_id, month=month, metric=metric, key=key, n=n))

        cases = rng.randint(6, 12) * scale
        add(M.CASES, "", cases)
        add(M.CHANNEL, "self_report", cases // 2)
        add(M.CHANNEL, "parent_report", cases // 3)
        add(M.CHANNEL, "staff_report", cases - cases // 2 - cases // 3)
        add(M.KIND, "bullying", cases * 2 // 3)
        add(M.KIND, "violence", cases // 3 + 1)
        add(M.FORM, "psychological", cases // 2)
        add(M.FORM, "physical", cases // 3)
        add(M.PLACE, "classroom", cases // 2)
        add(M.PLACE, "gym", rng.randint(0, 2))
        add(M.STATUS, "open", cases // 4)
        add(M.STATUS, "closed", cases - cases // 4)
        add(M.OUTCOME, "handled", (cases - cases // 4) * 2 // 3)
        add(M.OUTCOME, "not_confirmed", (cases - cases // 4) - (cases - cases // 4) * 2 // 3)
        for band, share in (("7-10", 3), ("11-14", 4), ("15-17", 2)):
            add(M.VICTIM_AGE, band, cases * share // 9)
        add(M.VICTIM_SEX, "female", cases // 2)
        add(M.VICTIM_SEX, "male", cases - cases // 2)
        for rule in RULES[country]:
            met, late, breached = cases - 2, rng.randint(1, 3) * scale, rng.randint(0, 2)
            for state, n in (("met", met), ("met_late", late), ("breached", breached)):
                add(M.CLOCK, f"{rule}|{state}", n)
                add(M.CLOCK_AGENCY_KIND, f"{rule}|school|{state}", n)
            for bucket, n in (("60", met // 2), ("120", met // 3), ("1440", met - met // 2 - met // 3), ("2880", late)):
                add(M.CLOCK_TIME, f"{rule}|{bucket}", n)
        for region_id in region_ids:
            add(M.CASE_REGION, str(region_id), cases)
            add(M.CLOCK_REGION, f"{region_id}|met", (cases - 2) * 4)
            add(M.CLOCK_REGION, f"{region_id}|breached", rng.randint(1, 6))
        for agency_id in agency_ids:
            add(M.CLOCK_AGENCY, f"{agency_id}|met", cases)
            add(M.CLOCK_AGENCY, f"{agency_id}|met_late", rng.randint(0, 6))
        if country == "KZ":
            add(M.PLACEMENT, "crisis_centre", rng.randint(0, 3))
            add(M.PLACEMENT, "family", rng.randint(3, 8))
        else:
            add(M.COMMISSION, "confirmed", cases // 3)
            add(M.COMMISSION, "not_confirmed", rng.randint(0, 4))
    Tally.objects.bulk_create(rows)


@pytest.fixture
def figures(file_case, persona):
    kz, ua = Jurisdiction.objects.get(code="KZ"), Jurisdiction.objects.get(code="UA")
    kz_region = Agency.objects.get(code="kz-bkou").region
    ua_region = Agency.objects.get(code="ua-school-1").region
    region_agencies = [a.pk for a in Agency.objects.filter(code__in=["kz-school-1", "kz-school-2", "kz-police"])]
    _year_of_figures(ScopeType.COUNTRY, kz.pk, "KZ", 3, region_ids=[kz_region.pk])
    _year_of_figures(ScopeType.REGION, kz_region.pk, "KZ", 2, agency_ids=region_agencies)
    _year_of_figures(ScopeType.AGENCY, Agency.objects.get(code="kz-school-1").pk, "KZ", 1)
    _year_of_figures(ScopeType.COUNTRY, ua.pk, "UA", 2, region_ids=[ua_region.pk])
    # One real case with a clock overdue now, its child named: the name must show nowhere.
    parties = [PartyInput(role="victim", family_name=CANARY_NAME, given_name="Айым", sex="female",
                          birth_date=dt.date(2013, 5, 6))]
    case = file_case(persona("kz-coordinator"), "kz-school-1", parties=parties)
    Deadline.objects.filter(case=case, rule__code="kz.police_notice").update(
        state=DeadlineState.BREACHED, due_at=timezone.now() - dt.timedelta(hours=27))
    return {"case": case, "kz_region": kz_region}


def _shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _open_dashboard(page, base, username):
    page.set_default_timeout(15_000)
    log_in(page, base, username, DEMO_PASSWORD)
    page.wait_for_url(f"{base}/cases/")
    page.click("nav >> text=Dashboards")
    page.wait_for_selector("h1:has-text('Dashboard')")


def _download_csv(page, table_slug) -> list[list[str]]:
    with page.expect_download() as info:
        page.click(f"#table-{table_slug} .dash-export >> text=CSV")
    download = info.value
    assert download.suggested_filename.startswith("dashboard-") and download.suggested_filename.endswith(
        f"-{table_slug}.csv")
    path = os.path.join(SHOTS, download.suggested_filename)
    download.save_as(path)
    with open(path, encoding="utf-8-sig") as f:
        text = f.read()
    assert CANARY_NAME not in text
    return list(csv.reader(io.StringIO(text)))


def test_each_office_and_a_head_open_their_dashboard_and_export_it(live_server, new_page, figures):
    base = live_server.url
    case, kz_region = figures["case"], figures["kz_region"]

    # The national ombudsman of Kazakhstan: the country, its region, the overdue list.
    page = new_page()
    _open_dashboard(page, base, "kz-ombudsman")
    body = page.content()
    assert "Қазақстан Республикасы" in body and CANARY_NAME not in body
    assert page.locator("svg.chart").count() >= 5
    assert page.locator("#table-compliance_rule td.citation", has_text="KZ §21").count() == 1
    _shot(page, "1-kz-ombudsman-country")
    rows = _download_csv(page, "compliance_rule")
    assert rows[0][:3] == ["Row", "Legal source", "Met on time"]
    assert any(row and row[1] == "KZ §18.2, §26.1" for row in rows)
    page.click(f"#table-regions a:has-text('{kz_region.name}')")
    page.wait_for_selector(f"h1:has-text('{kz_region.name}')")
    assert page.locator("#table-compliance_agency").count() == 1
    _shot(page, "2-kz-ombudsman-region-drilldown")
    page.click("text=Overdue now")
    page.wait_for_selector("table.overdue")
    assert page.locator("table.overdue td.ref", has_text=case.reference).count() == 1
    assert CANARY_NAME not in page.content()
    _shot(page, "3-kz-ombudsman-overdue")

    # The regional ombudsman: the region, its agencies; the country is not offered.
    page = new_page()
    _open_dashboard(page, base, "kz-regional-ombudsman")
    assert kz_region.name in page.locator("h1").inner_text()
    assert page.locator("#id_scope").count() == 0
    _shot(page, "4-kz-regional-ombudsman")
    rows = _download_csv(page, "compliance_agency")
    assert "№1 жалпы білім беретін мектеп" in {row[0] for row in rows if row}

    # The Ukrainian education ombudsman: the country, commission decisions.
    page = new_page()
    _open_dashboard(page, base, "ua-ombudsman")
    assert "Україна" in page.locator("h1").inner_text()
    assert page.locator("#table-commission").count() == 1 and page.locator("#table-placement").count() == 0
    _shot(page, "5-ua-ombudsman")
    rows = _download_csv(page, "trend")
    assert len([row for row in rows if row and row[0][:2] == "20"]) == 12  # a row per month

    # A school head: the school only, with its own figures; an XLSX of every table.
    page = new_page()
    _open_dashboard(page, base, "kz-head")
    assert "№1 жалпы білім беретін мектеп" in page.locator("h1").inner_text()
    _shot(page, "6-kz-head-school")
    with page.expect_download() as info:
        page.click("text=Download every table (XLSX)")
    assert info.value.suggested_filename.endswith("-all.xlsx")
    info.value.save_as(os.path.join(SHOTS, info.value.suggested_filename))
    _download_csv(page, "channels")


def test_the_regional_dashboard_on_a_phone(live_server, browser, figures):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    try:
        page = context.new_page()
        _open_dashboard(page, live_server.url, "kz-regional-ombudsman")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide"
        _shot(page, "7-phone-regional")
    finally:
        context.close()
    # Printed on A4 (about 800 px wide): no controls, every column of every table on the paper.
    context = browser.new_context(viewport={"width": 800, "height": 1100})
    try:
        page = context.new_page()
        _open_dashboard(page, live_server.url, "kz-regional-ombudsman")
        page.emulate_media(media="print")
        assert not page.locator(".dash-controls").is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        widest = page.evaluate("[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 800)"
                               ".slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40))")
        assert width <= 800, f"the printed page is {width} px wide: {widest}"
        _shot(page, "8-print-regional")
    finally:
        context.close()
