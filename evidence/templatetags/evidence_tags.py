"""{% case_documents case %} on the case page (documents, evidence and takedown requests). The case came through ``case_get_for_user``."""

from django import template

from evidence.views import case_documents_context

register = template.Library()


@register.inclusion_tag("evidence/_case_documents.html", takes_context=True)
def case_documents(context, case):
    request = context["request"]
    context_data = case_documents_context(request.user, case, with_identity=context.get("with_identity", False))
    context_data["request"] = request
    return context_data
