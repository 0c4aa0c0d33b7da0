"""``{{ user|urgent_tip_alerts }}``: the badge on the link to the queue of pupils' reports (the link
itself: ``config.nav``)."""

from django import template

register = template.Library()


@register.filter
def urgent_tip_alerts(user) -> int:
    """How many urgent reports the user was alerted to and has not opened yet (the in-app alert)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    from tipline.selectors import unread_alerts

    return unread_alerts(user).values("tip_id").distinct().count()
