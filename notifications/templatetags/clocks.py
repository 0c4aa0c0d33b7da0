"""``{% case_clocks case %}``: the deadlines, notices and event forms of a case page.

The case page's view belongs to the cases app; this tag lets its template show the
clocks section without that view knowing about notifications. The case must have
come through ``case_get_for_user`` (it did: it is the page's case).
"""

from django import template

from notifications.views import case_clocks_context

register = template.Library()


@register.inclusion_tag("notifications/_case_clocks.html", takes_context=True)
def case_clocks(context, case):
    return case_clocks_context(context["request"].user, case, with_identity=context.get("with_identity", False))
