"""A meeting's time is told in its school's zone, whoever asks and from wherever: an API
call authenticated by token is served in UTC, yet the secretary in Kyiv reads Kyiv time."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import formats, timezone

from commission import services
from config.errors import InputError

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
QUORUM = ["ua-head", "ua-coordinator", "ua-secretary", "ua-psychologist", "ua-social-pedagogue", "ua-teacher"]


@pytest.mark.django_db
def test_too_early_to_open_names_the_meeting_time_in_kyiv_time(persona, school, file_case, settings):
    settings.COMMISSION_OPEN_GRACE_MINUTES = 15
    secretary = persona("ua-secretary")
    starts_at = dt.datetime(2026, 7, 1, 12, 30, tzinfo=KYIV)   # 09:30 UTC, summer time
    with time_machine.travel(dt.datetime(2026, 7, 1, 8, 0, tzinfo=KYIV), tick=False):
        case = file_case(persona("ua-coordinator"), "ua-school-1",
                         received_at=timezone.now() - dt.timedelta(minutes=5))
        meeting = services.meeting_schedule(user=secretary, school=school("ua-school-1"), starts_at=starts_at,
                                            place="Кабінет 12", cases=[case],
                                            short_notice_reason="Термінове засідання.")
        for name in QUORUM:
            services.attendance_mark(user=secretary, meeting=meeting, member=persona(name), present=True)
        timezone.deactivate()   # as an API request authenticated by token is served
        with pytest.raises(InputError) as info:
            services.meeting_open(user=secretary, meeting=meeting)
    message = info.value.errors["starts_at"][0]
    assert formats.date_format(starts_at, "DATETIME_FORMAT") in message
    assert formats.date_format(starts_at.astimezone(dt.timezone.utc), "DATETIME_FORMAT") not in message
