"""``{% if user|sees_directory %}``: whether to link the help directory (staff of some agency)."""

from django import template

from directory.permissions import reader_jurisdictions

register = template.Library()


@register.filter
def sees_directory(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    # One EXISTS per request, however many times a page asks.
    if not hasattr(user, "_sees_directory"):
        user._sees_directory = reader_jurisdictions(user).exists()
    return user._sees_directory
