"""{% case_support case %} on the case page (support plans). The case came through ``case_get_for_user``."""

from django import template

register = template.Library()


@register.inclusion_tag("support/_case_support.html", takes_context=True)
def case_support(context, case):
    return {"case": case, "request": context["request"]}
