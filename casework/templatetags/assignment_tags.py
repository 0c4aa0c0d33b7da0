"""{% case_assignment case %} on the case page (who in each agency holds the case). The case came through ``case_get_for_user``."""

from django import template

register = template.Library()


@register.inclusion_tag("casework/_case_assignment.html", takes_context=True)
def case_assignment(context, case):
    return {"case": case, "request": context["request"]}
