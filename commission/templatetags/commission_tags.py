"""``{% case_commission case %}``: the commission's part of a case page (UA IV.3, IV.8).

The case page's view belongs to the cases app, which sits below the commission in the house
and never imports it; this tag lets its template show the meetings, decisions and measures of
the case (like ``{% case_clocks case %}`` does for notifications). The case came through
``case_get_for_user``; the selector checks the reader's case permission again.
"""

from django import template

from commission.selectors import case_commission_for_user

register = template.Library()


@register.inclusion_tag("commission/_case_commission.html", takes_context=True)
def case_commission(context, case):
    with_identity = context.get("with_identity", False)
    return {"entries": case_commission_for_user(context["request"].user, case, with_identity=with_identity),
            "case": case, "with_identity": with_identity}
