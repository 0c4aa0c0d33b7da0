"""``{% if user|sees_triage %}``: whether to link the school's queue of pupils' reports."""

from django import template

register = template.Library()


@register.filter
def sees_triage(user) -> bool:
    return False  # set by the tipline app (issue #11)
