"""``{% if user|sees_dashboards %}``: whether to link the oversight dashboards."""

from django import template

register = template.Library()


@register.filter
def sees_dashboards(user) -> bool:
    return False  # set by the oversight app's scopes (issue #10)
