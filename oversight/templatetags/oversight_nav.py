"""``{% if user|sees_dashboards %}``: whether to link the oversight dashboards."""

from django import template

from oversight.scopes import user_sees_dashboards

register = template.Library()


@register.filter
def sees_dashboards(user) -> bool:
    """A national or regional office's member, or the head of an agency or school (oversight.scopes)."""
    return user_sees_dashboards(user)
