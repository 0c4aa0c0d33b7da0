"""``{% if user|sees_triage %}``: whether to link the school's queue of pupils' reports."""

from django import template

register = template.Library()


@register.filter
def sees_triage(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from tipline.permissions import triage_schools

    return triage_schools(user).exists()
