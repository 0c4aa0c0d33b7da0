"""``{% if user|sees_triage %}``: whether to link the school's queue of pupils' reports."""

from django import template

register = template.Library()


@register.filter
def sees_triage(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from tipline.permissions import triage_schools

    return triage_schools(user).exists()


@register.filter
def urgent_tip_alerts(user) -> int:
    """How many urgent reports the user was alerted to and has not opened yet (the in-app alert)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    from tipline.selectors import unread_alerts

    return unread_alerts(user).values("tip_id").distinct().count()
