"""{% case_assignment case %} on the case page (who in each agency holds the case). The case came through ``case_get_for_user``."""

from django import template

from casework.views.assignment import case_assignment_context

register = template.Library()


@register.inclusion_tag("casework/_case_assignment.html", takes_context=True)
def case_assignment(context, case):
    return case_assignment_context(context["request"].user, case)
