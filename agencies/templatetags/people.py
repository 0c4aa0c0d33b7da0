"""``{{ user|person }}``: a staff member's full name (agencies.people.display_name)."""

from django import template

from agencies.people import display_name

register = template.Library()


@register.filter
def person(user) -> str:
    return display_name(user)
