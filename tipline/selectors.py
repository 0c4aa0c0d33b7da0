"""Reads of pupils' reports. Every staff read goes through ``tip_get_for_user`` (404 for outsiders)."""

from django.http import Http404

from tipline import permissions
from tipline.models import SchoolLink, Tip, TipAlert, TipFile, TipStatus


def tip_queue(user, *, status: str = ""):
    """The user's schools' reports: urgent first, then what waits for an answer, newest activity first."""
    tips = Tip.objects.filter(school__in=permissions.triage_schools(user)).select_related("school")
    if status in TipStatus.values:
        tips = tips.filter(status=status)
    return tips


def tip_get_for_user(user, tip_id) -> Tip:
    tip = Tip.objects.select_related("school__jurisdiction", "case").filter(pk=tip_id).first()
    if tip is None or not permissions.can_read(user, tip.school):
        raise Http404
    return tip


def tip_file_get(tip: Tip, file_id) -> TipFile:
    found = TipFile.objects.filter(tip=tip, pk=file_id).first()
    if found is None:
        raise Http404
    return found


def tip_thread(tip: Tip):
    return tip.messages.select_related("by").prefetch_related("files")


def school_for_token(token: str):
    """The school of a public link, or 404 (a wrong or old token says nothing more)."""
    link = SchoolLink.objects.select_related("school__jurisdiction").filter(token=token).first()
    if link is None:
        raise Http404
    return link.school


def unread_alerts(user):
    return TipAlert.objects.filter(recipient=user, channel="in_app", read_at__isnull=True)
