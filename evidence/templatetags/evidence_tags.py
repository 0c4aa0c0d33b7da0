"""{% case_documents case %} on the case page (documents, evidence and takedown requests). The case came through ``case_get_for_user``."""

from django import template

register = template.Library()


@register.inclusion_tag("evidence/_case_documents.html", takes_context=True)
def case_documents(context, case):
    return {"case": case, "request": context["request"]}
