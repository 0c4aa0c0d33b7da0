"""Reading the help directory (SPEC H5, KZ §38).

Directory entries are data about organisations, not people, so reading them needs no
case: the views scope them to the reader's jurisdictions (``directory.permissions``),
and the casework referral form scopes them to the case's jurisdiction.
"""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from directory import permissions
from directory.models import HelpOrganisation


def help_organisations(*, jurisdiction, region=None, service: str | None = None, query: str = "",
                       active_only: bool = True) -> QuerySet[HelpOrganisation]:
    """The organisations of a jurisdiction, the most useful first.

    With a region: that region's own organisations first, then the national ones (no
    region: a helpline serves everyone); other regions' are left out, since they cannot
    take the child in. Without one: regional entries by region, then the national ones.
    ``service`` is a ``HelpService`` code; ``query`` searches name, address, place and notes.
    """
    qs = HelpOrganisation.objects.filter(jurisdiction=jurisdiction).select_related("region", "district")
    if active_only:
        qs = qs.filter(is_active=True)
    if region is not None:
        qs = qs.filter(Q(region=region) | Q(region__isnull=True))
    if service:
        qs = qs.filter(services__contains=[service])
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(address__icontains=query) | Q(notes__icontains=query)
                       | Q(district__name__icontains=query) | Q(region__name__icontains=query)
                       | Q(phone__icontains=query))
    if region is not None:
        rank = Case(When(region=region, then=Value(0)), default=Value(1), output_field=IntegerField())
    else:
        rank = Case(When(region__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField())
    return qs.annotate(rank=rank).order_by("rank", "region__name", "name", "pk")


def help_organisation_get(pk, *, user=None, jurisdiction=None, active_only: bool = False) -> HelpOrganisation:
    """One entry, or a 404: when it does not exist, when ``user`` does not work in its
    jurisdiction, when it is not of ``jurisdiction`` (a case's), or when ``active_only``
    and it was deactivated. A referral passes the case's jurisdiction and ``active_only``."""
    qs = HelpOrganisation.objects.select_related("jurisdiction", "region", "district")
    if user is not None:
        qs = qs.filter(jurisdiction__in=permissions.reader_jurisdictions(user))
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction=jurisdiction)
    if active_only:
        qs = qs.filter(is_active=True)
    try:
        return qs.get(pk=pk)
    except (HelpOrganisation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such organisation.") from None
