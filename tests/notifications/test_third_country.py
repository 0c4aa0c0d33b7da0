"""A third country's protocol is data only: a fixture or admin entries, no code (SPEC intro, DESIGN §1).

Country "XX" follows the Polish public calendar in Europe/Warsaw (CEST, UTC+2,
in April 2026). Its protocol has two rules: notify the police within 2 hours,
decide within 5 working days. ``holidays`` gives PL 2026 Easter Sunday 5 April
and Easter Monday 6 April, so from Wednesday 1 April the working days are
Thu 2, Fri 3, Tue 7, Wed 8, Thu 9 April.
"""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from agencies.models import Jurisdiction, Region
from agencies.services import agency_create, membership_add
from cases.services import case_register
from conftest import make_parties
from notifications.models import Deadline, DeadlineRule, DeadlineState, Escalation, OutboxMessage
from notifications.selectors import notice_options
from notifications.services.notices import notice_send
from notifications.services.outbox import outbox_deliver
from notifications.services.sweep import deadlines_sweep

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")
UTC = dt.timezone.utc
FIXTURE = Path(__file__).parent / "fixtures" / "xx_protocol.json"
RECEIVED = dt.datetime(2026, 4, 1, 10, tzinfo=WARSAW)   # Wednesday, 08:00 UTC
POLICE_DUE = dt.datetime(2026, 4, 1, 10, tzinfo=UTC)
DECISION_DUE = dt.datetime(2026, 4, 9, 21, 59, 59, 999999, tzinfo=UTC)   # end of Thursday 9 April, CEST

# DeadlineRule.code is a SlugField: the admin refuses the dot of the shipped codes (kz.police_notice),
# which only fixtures and migrations can use; admin-entered rules use hyphens.
CODES = {"fixture": ("xx.police_notice", "xx.case_decision"),
         "admin": ("xx-police-notice", "xx-case-decision")}


def load_by_fixture(client):
    call_command("loaddata", str(FIXTURE), verbosity=0)


def load_by_admin(client):
    admin = get_user_model().objects.create_superuser("xx-admin", "xx-admin@example.org", "x")
    client.force_login(admin)
    response = client.post(reverse("admin:agencies_jurisdiction_add"), {
        "code": "XX", "name": "Test Republic (Polish calendar)", "time_zone": "Europe/Warsaw",
        "holiday_country": "PL", "language": "en"})
    assert response.status_code == 302, response.content.decode()[:2000]
    xx = Jurisdiction.objects.get(code="XX")
    common = {"jurisdiction": xx.pk, "start_event": "case_received", "anchor": "case_received",
              "responsible_agency_kind": "school", "responsible_role": "head", "is_active": "on",
              "duration_minutes": "", "working_days": "", "cutoff_time": "", "legal_term": "stated"}
    for data in (
        {"code": "xx-police-notice", "names": '{"en": "Notify the police", "pl": "Powiadomić policję"}',
         "source": "XX Art. 1", "satisfy_event": "notice_sent", "target_agency_kinds": '["police"]',
         "clock": "elapsed", "duration_minutes": "120", "reminder_points": "[0.5]",
         "escalation_ladder": '["responsible", "agency_head"]'},
        {"code": "xx-case-decision", "names": '{"en": "Decide on the report", "pl": "Rozstrzygnąć zgłoszenie"}',
         "source": "XX Art. 2", "satisfy_event": "decision_recorded", "target_agency_kinds": "[]",
         "clock": "working_days", "working_days": "5", "reminder_points": "[0.5, 0.9]",
         "escalation_ladder": '["responsible", "agency_head", "local_executive"]'},
    ):
        response = client.post(reverse("admin:notifications_deadlinerule_add"), {**common, **data})
        assert response.status_code == 302, response.content.decode()[:3000]
    # The notice matrix is data too: the school may notify the police.
    response = client.post(reverse("admin:notifications_noticeroute_add"), {
        "jurisdiction": xx.pk, "sender_kind": "school", "recipient_kind": "police", "source": "XX Art. 1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()


LOADERS = {"fixture": load_by_fixture, "admin": load_by_admin}


@pytest.fixture(params=sorted(LOADERS))
def xx(request, demo, client):
    """The XX world: protocol loaded as data, then a region, agencies and staff through the services."""
    LOADERS[request.param](client)
    jurisdiction = Jurisdiction.objects.get(code="XX")
    region = Region.objects.create(jurisdiction=jurisdiction, name="Mazowieckie")
    school = agency_create(jurisdiction=jurisdiction, kind="school", name="Szkoła Podstawowa nr 1",
                           code="xx-school-1", region=region)
    police = agency_create(jurisdiction=jurisdiction, kind="police", name="Komenda Powiatowa Policji",
                           code="xx-police", region=region)
    town_hall = agency_create(jurisdiction=jurisdiction, kind="local_executive", name="Starostwo Powiatowe",
                              code="xx-starostwo", region=region)
    User = get_user_model()
    users = {}
    for username, agency, role in (("xx-head", school, "head"), ("xx-police", police, "officer"),
                                   ("xx-starosta", town_hall, "officer")):
        users[username] = User.objects.create_user(username, f"{username}@example.org", "x")
        membership_add(user=users[username], agency=agency, role=role)
    police_code, decision_code = CODES[request.param]
    return dict(jurisdiction=jurisdiction, school=school, police=police, users=users,
                police_code=police_code, decision_code=decision_code)


def file_xx_case(xx):
    with time_machine.travel(RECEIVED + dt.timedelta(minutes=5), tick=False):
        return case_register(
            user=xx["users"]["xx-head"], school=xx["school"], received_at=RECEIVED,
            incident_at=RECEIVED - dt.timedelta(hours=3), channel="self_report", kinds=["bullying"],
            forms=["psychological"], places=["classroom"], description="Test.", parties=make_parties())


def deadlines(case):
    return {d.rule.code: d for d in Deadline.objects.filter(case=case).select_related("rule")}


def test_the_calendar_this_file_relies_on():
    pl = holidays.country_holidays("PL", years=[2026])
    assert dt.date(2026, 4, 6) in pl and not pl.is_working_day(dt.date(2026, 4, 6))


def test_the_rules_are_stored_as_data(xx):
    rules = {r.code: r for r in DeadlineRule.objects.filter(jurisdiction=xx["jurisdiction"])}
    assert set(rules) == {xx["police_code"], xx["decision_code"]}
    assert rules[xx["police_code"]].name == "Notify the police"


def test_a_case_opens_the_countrys_clocks_at_exact_instants(xx):
    case = file_xx_case(xx)
    found = deadlines(case)
    assert set(found) == {xx["police_code"], xx["decision_code"]}
    assert found[xx["police_code"]].due_at == POLICE_DUE
    assert found[xx["decision_code"]].due_at == DECISION_DUE
    assert all(d.state == DeadlineState.PENDING for d in found.values())


def test_the_notice_matrix_is_the_countrys_data(xx):
    case = file_xx_case(xx)
    with time_machine.travel(RECEIVED + dt.timedelta(hours=1), tick=False):
        options = notice_options(xx["users"]["xx-head"], case)
    # The police, as the matrix says; not the local executive body, which it does not name.
    assert options.sender == xx["school"] and options.agencies == [xx["police"]]


def test_a_notice_meets_the_first_and_the_sweep_breaches_the_second(xx):
    case = file_xx_case(xx)
    with time_machine.travel(RECEIVED + dt.timedelta(hours=1), tick=False):
        notice = notice_send(user=xx["users"]["xx-head"], case=case, channel="email", to_agency=xx["police"])
    assert notice.outgoing_number == "XX-SCHOOL-1/2026/0001"
    assert deadlines(case)[xx["police_code"]].state == DeadlineState.MET
    assert xx["users"]["xx-police"].has_perm("cases.view_case", case)

    # Thursday 9 April, 23:00 local: still within the fifth working day.
    with time_machine.travel(dt.datetime(2026, 4, 9, 23, tzinfo=WARSAW), tick=False):
        deadlines_sweep()
    decision = deadlines(case)[xx["decision_code"]]
    assert decision.state == DeadlineState.PENDING
    assert decision.reminders_sent == 2

    with time_machine.travel(dt.datetime(2026, 4, 10, 0, 0, 1, tzinfo=WARSAW), tick=False):
        deadlines_sweep()
        assert deadlines_sweep() == 0
        breach = Escalation.objects.get(deadline__case=case, kind="breach")
        recipients = {m.recipient.username for m in OutboxMessage.objects.filter(escalation=breach)}
        # responsible (the school head), agency head (the same person), the local executive body
        assert recipients == {"xx-head", "xx-starosta"}
        mail.outbox.clear()
        outbox_deliver()
    assert deadlines(case)[xx["decision_code"]].state == DeadlineState.BREACHED
    subjects = [m.subject for m in mail.outbox if m.to == ["xx-starosta@example.org"]]
    assert len(subjects) == 1
    assert subjects[0].startswith(f"Case {case.reference}: Decide on the report was due by ")
    assert subjects[0].endswith(" and is overdue")
    assert not [m for m in mail.outbox if "Ахметов" in m.subject + m.body]
