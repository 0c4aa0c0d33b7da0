"""{% case_support case %} on the case page (support plans). The case came through ``case_get_for_user``
(and the case page already recorded the read)."""

from django import template
from django.utils import timezone

from cases import permissions
from support.views import support_context

register = template.Library()


@register.inclusion_tag("support/_case_support.html", takes_context=True)
def case_support(context, case):
    request = context["request"]
    with_identity = permissions.has_case_perm(request.user, permissions.VIEW_IDENTITY, case)
    with timezone.override(case.jurisdiction.zone):
        data = support_context(request.user, case, with_identity=with_identity)
    return {**data, "request": request, "csrf_token": context.get("csrf_token")}
