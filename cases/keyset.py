"""Keyset paging on (a moment, an id), newest first: no COUNT(*) and no OFFSET (DESIGN §4).

A cursor is the last row's (moment, id) in URL-safe base64. It is a position, not a
credential: the caller's query still decides what the reader may see, so a cursor that is
forged, cut short or from another list only starts the list from the top again.
"""

import base64
import binascii
import datetime as dt
from typing import Callable

from django.db.models import Q


def cursor_encode(moment: dt.datetime, pk) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode()


def cursor_decode(cursor: str | None, id_type: Callable = int) -> tuple[dt.datetime, object] | None:
    """The (aware moment, id) a cursor stands for; None (the top of the list) for anything else.
    ``id_type`` parses the id: ``int`` or ``uuid.UUID``."""
    if not cursor:
        return None
    try:
        stamp, bar, last_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        moment, last_id = dt.datetime.fromisoformat(stamp), id_type(last_id)
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        return None
    if not bar or moment.tzinfo is None:
        return None
    return moment, last_id


def after(position: tuple[dt.datetime, object], *, moment_field: str) -> Q:
    """The rows that come after ``position`` in (moment, id) descending order."""
    moment, last_id = position
    return Q(**{f"{moment_field}__lt": moment}) | Q(**{moment_field: moment, "pk__lt": last_id})


def page(qs, *, cursor: str | None, size: int, moment_field: str, id_type: Callable = int):
    """One page of ``qs`` (ordered by ``-moment_field, -pk``) after ``cursor``;
    returns (rows, next cursor or None)."""
    position = cursor_decode(cursor, id_type)
    if position is not None:
        qs = qs.filter(after(position, moment_field=moment_field))
    rows = list(qs[: size + 1])
    if len(rows) <= size:
        return rows, None
    last = rows[size - 1]
    return rows[:size], cursor_encode(getattr(last, moment_field), last.pk)

