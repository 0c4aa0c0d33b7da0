"""The bell's unread count on every page: one COUNT by recipient, only when a page shows it."""

from django.utils.functional import SimpleLazyObject

from notifications import selectors


def notification_bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: selectors.unread_count(user))}
