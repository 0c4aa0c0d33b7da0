"""What notices, reminders and escalations say: a case reference and a link, never personal data.

Messages are stored as a key and parameters (ids, codes, times) and rendered in
the recipient's language when delivered or shown.
"""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

NOTICE_RECEIVED = "notice_received"
DEADLINE_REMINDER = "deadline_reminder"
DEADLINE_BREACHED = "deadline_breached"
MEETING_SCHEDULED = "meeting_scheduled"
# Issue #9: a case was given to the recipient in one of their agencies (params: the agency's code).
CASE_ASSIGNED = "case_assigned"
# Issue #10 (KZ §19.6): the daily summary to the ombudsman offices; no case (params: the summary's id).
DAILY_SUMMARY = "daily_summary"


def case_link(case) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("cases:detail", args=[case.pk])


def language_for(user) -> str:
    membership = user.memberships.select_related("agency__jurisdiction").first()
    return membership.agency.jurisdiction.language if membership else settings.LANGUAGE_CODE


def _local(iso: str, case) -> str:
    moment = case.jurisdiction.local(dt.datetime.fromisoformat(iso))
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT")


def headline(message) -> str:
    from notifications.models import DeadlineRule

    if message.subject_key == DAILY_SUMMARY:
        from oversight.summary import summary_headline

        return summary_headline(message)
    case, params = message.case, message.params
    if message.subject_key == NOTICE_RECEIVED:
        return _("Case %(reference)s: notice %(number)s received") % {
            "reference": case.reference, "number": params.get("number", "")}
    if message.subject_key == MEETING_SCHEDULED:
        return _("Case %(reference)s is on the agenda of the commission meeting on %(starts)s") % {
            "reference": case.reference, "starts": _local(params["starts_at"], case)}
    if message.subject_key == CASE_ASSIGNED:
        from agencies.models import Agency

        agency = Agency.objects.filter(code=params.get("agency")).first()
        return _("Case %(reference)s was assigned to you in %(agency)s") % {
            "reference": case.reference, "agency": agency.name if agency else params.get("agency", "")}
    rule = DeadlineRule.objects.filter(code=params.get("rule")).first()
    values = {"reference": case.reference, "rule": rule.name if rule else params.get("rule", ""),
              "due": _local(params["due_at"], case) if params.get("due_at") else ""}
    if message.subject_key == DEADLINE_REMINDER:
        return _("Case %(reference)s: %(rule)s is due by %(due)s") % values
    return _("Case %(reference)s: %(rule)s was due by %(due)s and is overdue") % values


def render(message) -> tuple[str, str]:
    """Subject and body of an e-mail: the headline and a link to the case, nothing else."""
    if message.subject_key == DAILY_SUMMARY:
        from oversight.summary import summary_render

        return summary_render(message)
    subject = headline(message)
    body = "\n\n".join([
        subject,
        _("Open the case in the system to see the details: %(link)s") % {"link": case_link(message.case)},
        _("This message carries no personal data by design. Do not forward case details by e-mail or messengers."),
    ])
    return subject, body
