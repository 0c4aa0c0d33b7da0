"""The dashboards' figures come from the summary tables, suppressed (issue #10, SPEC O2, D4).

These tests write ``Tally`` rows directly — what the aggregator would have written — and
read them back through the selectors, so each figure can be checked by hand.
"""

import datetime as dt

import pytest
from django.utils import translation

from agencies.models import Agency, Jurisdiction
from oversight import metrics as M
from oversight.models import ScopeType, Tally
from oversight.scopes import scope_get_for_user
from oversight.selectors import (bucket_label, dashboard_figures, histogram_quantile, period_months,
                                 period_parse, period_preset, this_month)

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def put(scope, month, metric, key, n):
    Tally.objects.create(scope_type=scope.type, scope_id=scope.id, month=month, metric=metric, key=key, n=n)


@pytest.fixture
def kz(demo, persona):
    return scope_get_for_user(persona("kz-ombudsman"))


def cells(table):
    return {row.key: [getattr(c, "display", c) for c in row.cells] for row in table.rows}


def test_counts_add_up_over_the_months_of_the_period_only(kz):
    put(kz, JAN, M.CHANNEL, "self_report", 4)
    put(kz, FEB, M.CHANNEL, "self_report", 5)
    put(kz, FEB, M.CHANNEL, "parent_report", 20)
    put(kz, MAR, M.CHANNEL, "parent_report", 100)  # outside the period
    dash = dashboard_figures(kz, period_months(JAN, FEB))
    table = dash.tables["channels"]
    assert cells(table) == {"self_report": ["9"], "parent_report": ["20"]}
    assert table.totals.cells[0].value == 29
    assert dash.cards[0].figure.value == 29  # cases received: the channels' total


def test_a_single_case_cell_is_hidden_and_so_is_its_complement(kz):
    put(kz, JAN, M.CHANNEL, "self_report", 1)
    put(kz, JAN, M.CHANNEL, "parent_report", 6)
    put(kz, JAN, M.CHANNEL, "staff_report", 30)
    table = dashboard_figures(kz, period_months(JAN, JAN)).tables["channels"]
    assert cells(table) == {"self_report": ["<5"], "parent_report": ["•"], "staff_report": ["30"]}
    assert table.totals.cells[0].display == "37"


def test_kinds_show_no_total_because_a_case_may_have_several(kz):
    put(kz, JAN, M.KIND, "bullying", 12)
    put(kz, JAN, M.KIND, "violence", 2)
    table = dashboard_figures(kz, period_months(JAN, JAN)).tables["kinds"]
    assert table.totals is None
    assert cells(table) == {"bullying": ["12"], "violence": ["<5"]}


def test_compliance_per_rule_names_the_rule_in_the_users_language_with_its_citation(kz):
    for state, n in (("met", 30), ("met_late", 6), ("breached", 4), ("pending", 10)):
        put(kz, FEB, M.CLOCK, f"kz.police_notice|{state}", n)
    with translation.override("en"):
        table = dashboard_figures(kz, period_months(JAN, MAR)).tables["compliance_rule"]
    row = table.rows[0]
    assert row.label == "Notify the police and the 111 contact centre"
    assert row.note == "KZ §18.2, §26.1"
    # met, met late, breached, pending, waived, total, on-time rate; the 4 is small, so the
    # smallest other figure of its row (6) is hidden; the column totals show them again only
    # in a column with two hidden figures.
    assert [getattr(c, "display") for c in row.cells][:5] == ["30", "•", "<5", "10", "0"]
    assert row.cells[6].suppressed  # the rate would give the hidden counts away
    assert table.totals.cells[5].display == "50"


def test_on_time_rate_when_nothing_is_hidden(kz):
    put(kz, FEB, M.CLOCK, "kz.police_notice|met", 30)
    put(kz, FEB, M.CLOCK, "kz.police_notice|met_late", 10)
    row = dashboard_figures(kz, period_months(FEB, FEB)).tables["compliance_rule"].rows[0]
    assert row.cells[6].display == "75%"


def test_compliance_by_region_links_each_region_for_a_national_office(kz):
    region = Agency.objects.get(code="kz-bkou").region
    put(kz, JAN, M.CLOCK_REGION, f"{region.pk}|met", 8)
    put(kz, JAN, M.CLOCK_REGION, f"{region.pk}|breached", 9)
    table = dashboard_figures(kz, period_months(JAN, JAN)).tables["compliance_region"]
    assert table.rows[0].label == region.name and table.rows[0].link == f"region:{region.pk}"
    assert table.rows[0].cells[5].display == "17"


def test_time_to_meet_reads_median_and_p90_off_the_histogram(kz):
    for bucket, n in (("60", 5), ("120", 3), ("1440", 2)):
        put(kz, JAN, M.CLOCK_TIME, f"kz.police_notice|{bucket}", n)
    with translation.override("en"):
        row = dashboard_figures(kz, period_months(JAN, JAN)).tables["time_to_meet"].rows[0]
    assert [getattr(c, "display", c) for c in row.cells] == ["10", "≤ 1 h", "≤ 24 h"]


def test_time_to_meet_of_few_clocks_is_hidden(kz):
    put(kz, JAN, M.CLOCK_TIME, "kz.police_notice|60", 2)
    row = dashboard_figures(kz, period_months(JAN, JAN)).tables["time_to_meet"].rows[0]
    assert [getattr(c, "display", c) for c in row.cells] == ["<5", "—", "—"]


def test_histogram_quantiles():
    assert histogram_quantile({}, 0.5) is None
    assert histogram_quantile({"15": 1, "inf": 1}, 0.5) == "15"
    assert histogram_quantile({"15": 1, "inf": 9}, 0.9) == "inf"
    with translation.override("en"):
        assert bucket_label("120") == "≤ 2 h" and bucket_label("4320") == "≤ 3 d"
        assert bucket_label("inf") == "> 30 d"


def test_trend_has_a_row_per_month_of_the_period(kz):
    put(kz, FEB, M.CASES, "", 40)
    put(kz, FEB, M.CLOCK, "kz.police_notice|breached", 7)
    trend = dashboard_figures(kz, period_months(JAN, MAR)).tables["trend"]
    assert [row.key for row in trend.rows] == ["2026-01", "2026-02", "2026-03"]
    assert cells(trend)["2026-02"] == ["40", "0", "0", "7"]


def test_a_total_hidden_by_the_compliance_table_is_not_shown_by_the_trend(kz):
    """The waived total (3) is hidden, so the met-late total is hidden beside it (complementary);
    the trend must not print that total again, or the waived one follows from the grand total."""
    put(kz, JAN, M.CLOCK, "kz.police_notice|met", 40)
    put(kz, JAN, M.CLOCK, "kz.police_notice|met_late", 6)
    put(kz, FEB, M.CLOCK, "kz.police_notice|met_late", 6)
    put(kz, JAN, M.CLOCK, "kz.police_notice|breached", 20)
    put(kz, JAN, M.CLOCK, "kz.police_notice|waived", 3)
    tables = dashboard_figures(kz, period_months(JAN, MAR)).tables
    rule_totals = [cell.display for cell in tables["compliance_rule"].totals.cells]
    assert rule_totals[:5] == ["40", "•", "20", "0", "<5"]
    assert tables["trend"].totals is None
    assert "12" not in [cell.display for row in tables["trend"].rows for cell in row.cells]


def test_other_scopes_figures_are_not_counted(kz):
    put(kz, JAN, M.CHANNEL, "self_report", 9)
    Tally.objects.create(scope_type=ScopeType.COUNTRY, scope_id=Jurisdiction.objects.get(code="UA").pk,
                         month=JAN, metric=M.CHANNEL, key="self_report", n=50)
    assert cells(dashboard_figures(kz, period_months(JAN, JAN)).tables["channels"]) == {"self_report": ["9"]}


def test_the_page_reads_the_tally_in_a_few_queries(kz, django_assert_max_num_queries):
    put(kz, JAN, M.CLOCK, "kz.police_notice|met", 9)
    with django_assert_max_num_queries(4):  # the sums, the trend, the rules, the regions
        dashboard_figures(kz, period_months(JAN, MAR))


def test_period_presets_and_errors(kz):
    kzj = kz.jurisdiction
    now = this_month(kzj)
    assert period_preset("this_month", jurisdiction=kzj).months == [now]
    assert len(period_preset("last_12_months", jurisdiction=kzj).months) == 12
    assert len(period_preset("last_3_months", jurisdiction=kzj).months) == 3
    assert period_preset("this_year", jurisdiction=kzj).start == now.replace(month=1)
    period, errors = period_parse({"start": "2026-01", "end": "2026-03"}, jurisdiction=kzj)
    assert period.months == [JAN, FEB, MAR] and not errors
    assert period_parse({"start": "2026-13", "end": "2026-03"}, jurisdiction=kzj)[1].keys() == {"start"}
    assert period_parse({"start": "2026-03", "end": "2026-01"}, jurisdiction=kzj)[1].keys() == {"end"}
    assert period_parse({"start": "2026-03"}, jurisdiction=kzj)[1].keys() == {"end"}
    assert period_parse({"preset": "forever"}, jurisdiction=kzj)[1].keys() == {"preset"}
    assert period_parse({"start": "2001-01", "end": "2026-01"}, jurisdiction=kzj)[1].keys() == {"end"}
