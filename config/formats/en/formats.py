"""The month by name and a 24-hour clock: 1 Dec 2026, 11:30 (see config/formats).

Django's US default (12/01/2026 11:30 a.m.) reads as 12 January to everyone in KZ and UA.
"""

DATE_FORMAT = SHORT_DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "j M Y, H:i"
