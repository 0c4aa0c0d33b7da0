"""Keyset cursors (cases.keyset): a cursor brings the reader back to where the page ended, and
anything else starts the list from the top — never an error page, never a skipped row."""

import base64
import datetime as dt
import uuid

import pytest

from agencies.models import Agency
from cases import keyset
from notifications import selectors
from notifications.services.notices import notice_send

MOMENT = dt.datetime(2026, 3, 29, 0, 30, 15, 123456, tzinfo=dt.timezone.utc)


def forge(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def test_a_cursor_round_trips_an_integer_id():
    assert keyset.cursor_decode(keyset.cursor_encode(MOMENT, 42)) == (MOMENT, 42)


def test_a_cursor_round_trips_a_uuid_and_a_local_zone():
    pk = uuid.uuid4()
    kyiv = MOMENT.astimezone(dt.timezone(dt.timedelta(hours=2)))
    moment, last_id = keyset.cursor_decode(keyset.cursor_encode(kyiv, pk), uuid.UUID)
    assert (moment, last_id) == (MOMENT, pk)


def test_a_cursor_is_safe_in_a_url():
    cursor = keyset.cursor_encode(MOMENT, uuid.uuid4())
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")


@pytest.mark.parametrize("cursor", [
    None, "", "garbage", "%%%", forge("not a cursor"), forge("2026-03-29T00:30:00+00:00"),
    forge("2026-03-29T00:30:00|42"),              # no zone: which day would it be?
    forge("2026-03-29T00:30:00+00:00|forty-two"),
    forge("yesterday|42"), "\u0436\u0443\u043a",
])
def test_a_forged_cursor_means_the_top_of_the_list(cursor):
    assert keyset.cursor_decode(cursor) is None


def test_a_cursor_of_one_list_is_not_read_as_another_lists():
    uuid_cursor = keyset.cursor_encode(MOMENT, uuid.uuid4())
    assert keyset.cursor_decode(uuid_cursor, int) is None
    assert keyset.cursor_decode(keyset.cursor_encode(MOMENT, 42), uuid.UUID) is None


def test_the_inbox_starts_from_the_top_for_a_forged_cursor(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    guardianship = Agency.objects.get(code="kz-guardianship")
    sent = [notice_send(user=persona("kz-head"), case=case, channel="phone", to_agency=guardianship,
                        sent_at=case.received_at + dt.timedelta(minutes=i)) for i in range(3)]
    qs = selectors.inbox_for_user(persona("kz-guardianship"))
    top, _ = selectors.inbox_page(qs, cursor=None, size=2)
    assert [n.pk for n in top] == [sent[2].pk, sent[1].pk]
    for forged in ("garbage", forge("2000-01-01T00:00:00|999999999"), forge(f"{MOMENT.isoformat()}|x")):
        rows, _ = selectors.inbox_page(qs, cursor=forged, size=2)
        assert [n.pk for n in rows] == [n.pk for n in top]
