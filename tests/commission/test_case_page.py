"""The case page shows what the commission did with the case, to readers of the case only, and
its timeline tells the case's story: notices, clocks, the meeting and the decision."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from commission import services

pytestmark = pytest.mark.django_db

QUORUM = ["ua-head", "ua-coordinator", "ua-secretary", "ua-psychologist", "ua-social-pedagogue", "ua-teacher"]
MEASURE = "Щотижнева бесіда психолога з 6-А"


@pytest.fixture
def decided(persona, school, file_case):
    """A case of UA school 1 decided at a meeting: bullying confirmed, one monitoring measure."""
    case = file_case(persona("ua-coordinator"), "ua-school-1")
    secretary = persona("ua-secretary")
    meeting = services.meeting_schedule(user=secretary, school=school("ua-school-1"), place="Кабінет 12",
                                        starts_at=timezone.now() + dt.timedelta(minutes=10), cases=[case],
                                        short_notice_reason="Термінове засідання")
    services.meeting_send_notice(user=secretary, meeting=meeting)
    for name in QUORUM:
        services.attendance_mark(user=secretary, meeting=meeting, member=persona(name), present=True)
    meeting = services.meeting_open(user=secretary, meeting=meeting)
    question = meeting.agenda.get().questions.get()
    for name in QUORUM:
        services.vote_cast(user=persona(name), question=question, choice="for")
    services.question_close(user=secretary, question=question)
    services.decision_record(user=secretary, agenda_item=meeting.agenda.get(),
                             texts={name: "Текст" for name in services.DECISION_TEXT_FIELDS},
                             monitoring=[{"description": MEASURE, "owner": persona("ua-psychologist"),
                                          "due_date": timezone.localdate() + dt.timedelta(days=30)}])
    return case, meeting


def page(client, persona, username, case):
    client.force_login(persona(username))
    return client.get(reverse("cases:detail", args=[case.pk]))


def test_the_case_page_shows_the_decision_the_meeting_and_the_measures(client, persona, decided):
    from agencies.models import Agency
    from cases.services import case_share_with_agency

    case, meeting = decided
    # The police read the shared case, facts only: the decision, no room, the measure's wording hidden.
    case_share_with_agency(case=case, agency=Agency.objects.get(code="ua-police"), by=persona("ua-head"))
    html = page(client, persona, "ua-police", case).content.decode()
    assert 'id="commission"' in html and "the bullying is confirmed" in html
    assert reverse("commission:meeting", args=[meeting.pk]) not in html
    assert persona("ua-psychologist").get_full_name() in html
    # A member of the commission with the identity permission sees the measure itself.
    # A member of the commission also gets the room and the minutes.
    html = page(client, persona, "ua-secretary", case).content.decode()
    assert MEASURE in html
    assert reverse("commission:meeting", args=[meeting.pk]) in html
    assert reverse("commission:minutes", args=[meeting.pk]) in html


def test_the_commission_section_is_for_readers_of_the_case_only(client, persona, decided):
    case, _meeting = decided
    assert page(client, persona, "ua-coordinator-2", case).status_code == 404
    from commission.selectors import case_commission_for_user
    assert case_commission_for_user(persona("ua-coordinator-2"), case) == []
    assert case_commission_for_user(persona("kz-head"), case) == []


def test_the_timeline_tells_notices_clocks_the_meeting_and_the_decision(client, persona, decided):
    case, _meeting = decided
    html = page(client, persona, "ua-coordinator", case).content.decode()
    timeline = html[html.index('class="timeline"'):]
    for label in ("Put on a commission meeting", "Deadline met: Convene the bullying commission",
                  "Commission meeting held", "Commission decision recorded: bullying confirmed"):
        assert label in timeline, label
    assert "Case created" in timeline
    assert "ua.commission_meeting" not in timeline  # a clock by its name, not its code
