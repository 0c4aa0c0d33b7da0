"""{% case_assignment case %} on the case page (who in each agency holds the case). The case came through ``case_get_for_user``.

``{% page_holders cases as held %}`` and ``{{ held|held_by:case }}`` on the case list: who holds
each case of the page in the reader's own agencies (one query for the page).
"""

from django import template

from casework import assignment_selectors
from casework.views.assignment import case_assignment_context

register = template.Library()


@register.inclusion_tag("casework/_case_assignment.html", takes_context=True)
def case_assignment(context, case):
    return case_assignment_context(context["request"].user, case)


@register.simple_tag(takes_context=True)
def page_holders(context, cases) -> dict:
    # The page's cases came from cases.selectors.case_page: the reader may see each of them.
    return assignment_selectors.page_holders(context["request"].user, cases)


@register.filter
def held_by(held: dict, case) -> str:
    return ", ".join(held.get(case.pk, []))
