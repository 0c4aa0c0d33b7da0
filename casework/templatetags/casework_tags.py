"""{% case_actions case %} on the case page (the agencies' actions, placement and the child's first account). The case came through ``case_get_for_user``."""

from django import template

register = template.Library()


@register.inclusion_tag("casework/_case_actions.html", takes_context=True)
def case_actions(context, case):
    return {"case": case, "request": context["request"]}
