"""`load_demo --cases N`: a synthetic year of cases for the dashboards (issue #10 item 7).

The volume is filed and worked through the services at the times things happened, so the
clocks, grants and summary tables are the real ones: every clock state, closed cases with their
outcomes, UA commission decisions, KZ placement decisions, victims of every age band and both
sexes, every kind, over the past twelve months, in every region of both countries.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from agencies.models import Region
from casework.models import Action, ActionKind
from cases.models import Case, CaseAccess
from commission.models import Decision
from notifications.models import Deadline
from oversight import metrics as M
from oversight.models import ScopeType, Tally, TallyDirty

pytestmark = pytest.mark.django_db

N = 80


@pytest.fixture
def year(demo):
    out = io.StringIO()
    call_command("load_demo", "--no-cases", "--cases", str(N), stdout=out)
    return out.getvalue()


def test_a_year_of_cases_in_every_state_for_both_countries(year):
    assert f"Synthetic year: {N} cases filed" in year and "(0 refused)" in year
    cases = Case.objects.all()
    assert cases.count() == N
    now = timezone.now()
    received = sorted(cases.values_list("received_at", flat=True))
    assert now - received[0] > dt.timedelta(days=240) and now - received[-1] < dt.timedelta(days=30)
    assert set(cases.values_list("jurisdiction__code", flat=True)) == {"KZ", "UA"}
    regions = set(cases.values_list("school__region", flat=True))
    assert regions == set(Region.objects.values_list("pk", flat=True)), "every region has cases"
    assert {k for kinds in cases.values_list("kinds", flat=True) for k in kinds} == \
        {"violence", "bullying", "cyberbullying", "domestic_violence"}
    assert len(set(cases.values_list("channel", flat=True))) >= 6
    assert set(Deadline.objects.values_list("state", flat=True)) == \
        {"pending", "met", "met_late", "breached", "waived"}
    closed = cases.filter(status="closed")
    assert closed.exists() and cases.filter(status="open").exists()
    assert len(set(closed.values_list("outcome", flat=True))) >= 3
    assert set(Decision.objects.values_list("bullying_confirmed", flat=True)) == {True, False}
    assert Action.objects.filter(kind=ActionKind.PLACEMENT_DECISION, case__jurisdiction__code="KZ").exists()
    # The agencies told hold the cases, as a notice through the service would leave them.
    assert CaseAccess.objects.filter(group__agency__kind="police").count() >= N // 2


def test_the_dashboards_figures_are_up_to_date_after_the_load(year):
    assert not TallyDirty.objects.exists()
    countries = Tally.objects.filter(scope_type=ScopeType.COUNTRY)
    assert countries.filter(metric=M.CASES).aggregate(n=Sum("n"))["n"] == N
    bands = set(countries.filter(metric=M.VICTIM_AGE).values_list("key", flat=True))
    assert {"7-10", "11-14", "15-17"} <= bands
    assert {"female", "male"} <= set(countries.filter(metric=M.VICTIM_SEX).values_list("key", flat=True))
    assert countries.filter(metric=M.COMMISSION).exists() and countries.filter(metric=M.PLACEMENT).exists()
    states = {key.split("|")[1] for key in countries.filter(metric=M.CLOCK).values_list("key", flat=True)}
    assert states == {"pending", "met", "met_late", "breached", "waived"}


def test_a_second_run_adds_nothing(year):
    before = Case.objects.count()
    out = io.StringIO()
    call_command("load_demo", "--no-cases", "--cases", str(N), stdout=out)
    assert "none added" in out.getvalue()
    assert Case.objects.count() == before
