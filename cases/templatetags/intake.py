"""``{% if user|can_file_reports %}``: whether to offer "New report" (a school the user files for,
or an agency that opens cases itself: the 111 centre, the police, health and social services)."""

from django import template

from agencies.selectors import schools_for_intake
from cases.intake import agencies_for_intake

register = template.Library()


@register.filter
def can_file_reports(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    # One EXISTS per request, however many times a page asks.
    if not hasattr(user, "_can_file_reports"):
        user._can_file_reports = schools_for_intake(user).exists() or agencies_for_intake(user).exists()
    return user._can_file_reports
