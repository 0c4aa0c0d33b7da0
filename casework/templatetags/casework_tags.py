"""{% case_actions case %} on the case page (the agencies' actions, placement and the child's first account). The case came through ``case_get_for_user``."""

from django import template

from casework import action_selectors as selectors
from casework import registry
from casework.action_forms import KindChoiceForm, party_label

register = template.Library()


def _summary(action, labels_of) -> list[tuple[str, str]]:
    """The action's plain fields as (label, value) pairs, in the registry's order."""
    spec = registry.REGISTRY[action.kind]
    rows = []
    for field in spec.fields:
        if field.type in registry.FREE_TEXT_TYPES or field.name not in action.data:
            continue
        value = action.data[field.name]
        choices = {str(c): label for c, label in field.choices}
        if field.type == registry.BOOL:
            shown = "✓" if value else "—"
        elif field.type == registry.CHOICE:
            shown = choices.get(str(value), value)
        elif field.type == registry.CHOICES:
            shown = ", ".join(str(choices.get(v, v)) for v in value)
        else:
            shown = labels_of.get((field.type, str(value)), value)
        rows.append((field.label, shown))
    return rows


def _texts(action) -> list[tuple[str, str]]:
    texts = action.texts
    return [(f.label, texts[f.name]) for f in registry.REGISTRY[action.kind].fields if texts.get(f.name)]


@register.inclusion_tag("casework/_case_actions.html", takes_context=True)
def case_actions(context, case):
    request = context["request"]
    user = request.user
    with_identity = context.get("with_identity", False)
    try:
        agency_filter = int(request.GET.get("actions_agency") or 0)
    except ValueError:
        agency_filter = 0
    actions = list(selectors.case_actions(case, agency_id=agency_filter or None))
    parties = list(selectors.child_parties(case))
    labels_of = {("party", str(p.pk)): party_label(p, with_identity=with_identity) for p in parties}
    org_ids = {a.data["organisation"] for a in actions if a.data.get("organisation")}
    if org_ids:
        from directory.models import HelpOrganisation

        labels_of.update({("organisation", str(pk)): name for pk, name in
                          HelpOrganisation.objects.filter(pk__in=org_ids).values_list("pk", "name")})
    own = {a.pk for a in selectors.holding_agencies(user, case)}
    rows = [{"action": a, "summary": _summary(a, labels_of), "texts": _texts(a) if with_identity else [],
             "source": registry.REGISTRY[a.kind].source, "editable": a.agency_id in own} for a in actions]
    kinds = selectors.recordable_kinds(user, case)
    accounts = {a.party_id: a for a in selectors.first_accounts(case)}
    account_rows = [{"party": p, "label": party_label(p, with_identity=with_identity), "account": accounts.get(p.pk)}
                    for p in parties]
    return {
        "case": case, "request": request, "rows": rows, "with_identity": with_identity,
        "agencies": selectors.case_action_agencies(case), "agency_filter": agency_filter,
        "chooser": KindChoiceForm(kinds=list(kinds)) if kinds else None,
        "account_rows": account_rows,
        "may_record_account": selectors.may_record_first_account(user, case),
    }
