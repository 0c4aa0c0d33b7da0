"""Who sees which dashboard (issue #10, SPEC O1, O2; KZ §3, §19.6, §31).

A dashboard shows the figures of one *scope*: a country, a region or one
organisation. What a user may see follows from their memberships:

* a member of a national office — the child-rights ombudsman, the child-rights
  committee, the education ministry (KZ), the education ombudsman (UA) — sees their
  country, and may pick any region of it;
* a member of a regional office — the regional ombudsman, the local executive
  (akimat, KZ §3: the deputy akim answers for coordination and monitoring), the
  education authority, the local self-government (UA) — sees their agency's region;
* the head of any agency, a school included, sees their own organisation (KZ §33).

Anybody else has no dashboard: every dashboard route answers 404, like for a page
that does not exist. ``scope_get_for_user`` is the one access helper every
dashboard view and API view goes through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from agencies.models import Agency, AgencyKind as K, Jurisdiction, Region, StaffRole
from agencies.selectors import memberships_of
from oversight.models import ScopeType

NATIONAL_KINDS = frozenset({K.NATIONAL_OMBUDSMAN, K.CHILD_RIGHTS_COMMITTEE, K.EDUCATION_MINISTRY,
                            K.EDUCATION_OMBUDSMAN})
REGIONAL_KINDS = frozenset({K.REGIONAL_OMBUDSMAN, K.LOCAL_EXECUTIVE, K.EDUCATION_AUTHORITY,
                            K.LOCAL_SELF_GOVERNMENT})


@dataclass(frozen=True)
class Scope:
    """One country, region or organisation whose figures a dashboard shows."""

    type: str  # a ScopeType value
    id: int
    name: str = field(compare=False)
    jurisdiction: Jurisdiction = field(compare=False, repr=False)

    @property
    def token(self) -> str:
        """The scope as the ``scope`` query parameter writes it, e.g. ``region:12``."""
        return f"{self.type}:{self.id}"

    @property
    def is_country(self) -> bool:
        return self.type == ScopeType.COUNTRY

    @property
    def is_region(self) -> bool:
        return self.type == ScopeType.REGION

    @property
    def is_agency(self) -> bool:
        return self.type == ScopeType.AGENCY

    @property
    def type_label(self) -> str:
        return ScopeType(self.type).label


def _country(jurisdiction: Jurisdiction) -> Scope:
    return Scope(ScopeType.COUNTRY, jurisdiction.pk, jurisdiction.name, jurisdiction)


def _region(region: Region) -> Scope:
    return Scope(ScopeType.REGION, region.pk, region.name, region.jurisdiction)


def _agency(agency: Agency) -> Scope:
    return Scope(ScopeType.AGENCY, agency.pk, agency.name, agency.jurisdiction)


def scopes_for_user(user) -> list[Scope]:
    """The user's own dashboards: countries first, then regions, then organisations (no duplicates)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_dashboard_scopes", None)  # asked by the page and by the nav link alike
    if cached is not None:
        return list(cached)
    countries, regions, agencies = {}, {}, {}
    for membership in memberships_of(user):
        agency = membership.agency
        if agency.kind in NATIONAL_KINDS:
            countries[agency.jurisdiction_id] = _country(agency.jurisdiction)
        if agency.kind in REGIONAL_KINDS and agency.region_id:
            regions[agency.region_id] = _region(agency.region)
        if membership.role == StaffRole.HEAD:
            agencies[agency.pk] = _agency(agency)
    scopes = list(countries.values()) + list(regions.values()) + list(agencies.values())
    user._dashboard_scopes = tuple(scopes)
    return scopes


def user_sees_dashboards(user) -> bool:
    return bool(scopes_for_user(user))


def _parse(token: str) -> tuple[str, int]:
    kind, _sep, number = (token or "").partition(":")
    if kind not in ScopeType.values or not number.isdigit() or len(number) > 18:
        raise Http404
    return kind, int(number)


def scope_get_for_user(user, token: str | None = None) -> Scope:
    """The scope ``token`` (``country:1``, ``region:12``, ``agency:7``) if the user may see it, else 404.

    No token: the user's first own scope. A user with no dashboard gets 404 either way.
    """
    own = scopes_for_user(user)
    if not own:
        raise Http404
    if not token:
        return own[0]
    kind, pk = _parse(token)
    for scope in own:
        if scope.type == kind and scope.id == pk:
            return scope
    if kind == ScopeType.REGION:
        # A national office may look at any region of its country.
        countries = {s.id for s in own if s.is_country}
        region = Region.objects.select_related("jurisdiction").filter(pk=pk, jurisdiction_id__in=countries).first()
        if region is not None:
            return _region(region)
    raise Http404


def regions_of(scope: Scope) -> list[Scope]:
    """The regions a national office may pick (its country's), else none."""
    if not scope.is_country:
        return []
    return [_region(r) for r in Region.objects.filter(jurisdiction_id=scope.id).select_related("jurisdiction")]


def scope_choices_for_user(user, current: Scope) -> list[Scope]:
    """What the scope picker offers: the user's own scopes and, for a national office, its regions."""
    own = scopes_for_user(user)
    choices = list(own)
    for scope in own:
        for region in regions_of(scope):
            if region not in choices:
                choices.append(region)
    if current not in choices:
        choices.append(current)
    return choices
