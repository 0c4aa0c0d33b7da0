"""Abuse control of the public pages without tracking anyone (issue #11).

Counters live in the cache for an hour, keyed by the school or by the follow-up code's
keyed hash: never by an IP address, a user agent or a cookie. A counter over its limit
refuses; nothing about who sent the request is kept.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

WINDOW_SECONDS = 3600


def _key(kind: str, subject: str) -> str:
    return f"tipline:{kind}:{subject}:{timezone.now():%Y%m%d%H}"


def count(kind: str, subject: str) -> int:
    return cache.get(_key(kind, subject), 0)


def hit(kind: str, subject: str) -> int:
    key = _key(kind, subject)
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def over(kind: str, subject: str, setting: str) -> bool:
    return count(kind, subject) >= getattr(settings, setting)


# (kind, setting) pairs
SCHOOL_REPORTS = ("school-reports", "TIPLINE_REPORTS_PER_SCHOOL_PER_HOUR")
SCHOOL_FAILURES = ("school-failures", "TIPLINE_FAILED_FOLLOW_UPS_PER_SCHOOL_PER_HOUR")
CODE_FAILURES = ("code-failures", "TIPLINE_FAILED_FOLLOW_UPS_PER_CODE_PER_HOUR")
CODE_MESSAGES = ("code-messages", "TIPLINE_MESSAGES_PER_CODE_PER_HOUR")
