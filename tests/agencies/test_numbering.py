"""An agency numbers its register and its outgoing notices per year, each counter on its own."""

from agencies.models import Agency
from agencies.numbering import next_number
from cases.models import RegisterCounter
from notifications.models import OutgoingCounter


def test_each_counter_counts_per_agency_and_year_from_one(demo):
    school, other = Agency.objects.get(code="kz-school-1"), Agency.objects.get(code="ua-school-1")
    RegisterCounter.objects.filter(school__in=[school, other]).delete()
    OutgoingCounter.objects.filter(agency__in=[school, other]).delete()
    assert [next_number(RegisterCounter, school=school, year=2031) for _ in range(3)] == [1, 2, 3]
    assert next_number(RegisterCounter, school=school, year=2032) == 1
    assert next_number(RegisterCounter, school=other, year=2031) == 1
    assert next_number(OutgoingCounter, agency=school, year=2031) == 1
    assert RegisterCounter.objects.get(school=school, year=2031).last_number == 3
