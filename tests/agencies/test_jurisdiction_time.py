"""A jurisdiction reads UTC moments on its own wall clock (SPEC §1)."""

import datetime as dt

from agencies.models import Jurisdiction

UTC = dt.timezone.utc


def kyiv():
    return Jurisdiction(code="UA", name="Україна", time_zone="Europe/Kyiv", holiday_country="UA", language="uk")


def almaty():
    return Jurisdiction(code="KZ", name="Қазақстан", time_zone="Asia/Almaty", holiday_country="KZ", language="kk")


def test_kyiv_is_two_hours_ahead_in_winter_and_three_after_the_spring_change():
    ua = kyiv()
    # Summer time starts on 29 March 2026 at 01:00 UTC (03:00 local).
    before = ua.local(dt.datetime(2026, 3, 29, 0, 30, tzinfo=UTC))
    after = ua.local(dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC))
    assert (before.hour, before.minute) == (2, 30)
    assert (after.hour, after.minute) == (4, 30)


def test_kyiv_late_evening_in_utc_is_already_the_next_day_locally():
    ua = kyiv()
    assert ua.local_date(dt.datetime(2026, 10, 24, 21, 30, tzinfo=UTC)) == dt.date(2026, 10, 25)
    assert ua.local_date(dt.datetime(2026, 12, 24, 21, 30, tzinfo=UTC)) == dt.date(2026, 12, 24)


def test_kazakhstan_is_utc_plus_five_all_year():
    kz = almaty()
    for month in (1, 7):
        local = kz.local(dt.datetime(2026, month, 15, 12, 0, tzinfo=UTC))
        assert local.utcoffset() == dt.timedelta(hours=5)
        assert local.hour == 17


def test_new_year_comes_earlier_in_almaty_than_in_kyiv():
    moment = dt.datetime(2026, 12, 31, 20, 0, tzinfo=UTC)  # 01:00 in Almaty, 22:00 in Kyiv
    assert almaty().local_year(moment) == 2027
    assert kyiv().local_year(moment) == 2026
    assert almaty().local_date(moment) == dt.date(2027, 1, 1)


def test_local_midnight_is_the_utc_moment_the_local_day_begins():
    assert almaty().at(dt.date(2027, 1, 1)) == dt.datetime(2026, 12, 31, 19, 0, tzinfo=UTC)
    assert kyiv().at(dt.date(2026, 7, 1), dt.time(9)) == dt.datetime(2026, 7, 1, 6, 0, tzinfo=UTC)


def test_the_zone_follows_the_time_zone_field():
    assert str(kyiv().zone) == "Europe/Kyiv"
