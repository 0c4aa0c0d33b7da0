from django import template

from commission.selectors import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    """A person's name as the commission shows it: full name if set, else the username."""
    return person_name(user)
