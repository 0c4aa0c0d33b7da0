"""REST API of the help directory (DRF, thin). Directory entries are data about
organisations, not people: any staff member reads those of the jurisdictions they work
in (another jurisdiction's entry is a 404); the directory's keepers add and correct them
(anyone else: 403). The rules are in ``directory.services``.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import District, Region
from config import limits
from config.pagination import StrictPageNumberPagination, StrictQueryMixin
from directory import permissions, selectors, services
from directory.models import HelpOrganisation, HelpService

BAD_INPUT = OpenApiResponse(description="Messages per field, in the request's language: `{field: [message]}`. "
                                        "Nothing is saved.")
NOT_FOUND = OpenApiResponse(description="No such organisation, or one of a country you do not work in.")
FORBIDDEN = OpenApiResponse(description="You may read the directory but not change it.")


def _forbidden():
    return PermissionDenied(_("Only heads, school psychologists and social pedagogues keep the help directory."))


class HelpOrganisationSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    region = serializers.IntegerField(source="region_id", allow_null=True,
                                      help_text="Empty: the organisation serves the whole country.")
    region_name = serializers.CharField(source="region.name", allow_null=True)
    district = serializers.IntegerField(source="district_id", allow_null=True)
    district_name = serializers.CharField(source="district.name", allow_null=True)
    services = serializers.ListField(child=serializers.ChoiceField(HelpService.choices))
    updated_at = serializers.DateTimeField(help_text="When the entry was last changed or checked.")

    class Meta:
        model = HelpOrganisation
        fields = ["id", "jurisdiction", "region", "region_name", "district", "district_name", "name", "services",
                  "address", "phone", "email", "website", "hours", "notes", "is_active", "updated_at"]


class HelpOrganisationFilterSerializer(StrictQueryMixin, serializers.Serializer):
    jurisdiction = serializers.CharField(required=False, help_text="A country code you work in (default: yours).")
    region = serializers.IntegerField(required=False, help_text="That region's own entries, then the national ones.")
    service = serializers.ChoiceField(HelpService.choices, required=False)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100,
                              help_text="Words in the name, address, place or notes.")


def _column_limit(name: str) -> int:
    return HelpOrganisation._meta.get_field(name).max_length


class HelpOrganisationInputSerializer(serializers.Serializer):
    """Shape only; the service checks the rules (required name, known services, a way to reach them)."""

    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), allow_null=True, required=False)
    district = serializers.PrimaryKeyRelatedField(queryset=District.objects.all(), allow_null=True,
                                                  required=False)
    name = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                 max_length=_column_limit("name"))
    services = serializers.ListField(child=serializers.CharField(max_length=limits.CODE_MAX_LENGTH), required=False)
    address = serializers.CharField(required=False, allow_blank=True, max_length=_column_limit("address"))
    phone = serializers.CharField(required=False, allow_blank=True, max_length=_column_limit("phone"))
    email = serializers.CharField(required=False, allow_blank=True, max_length=_column_limit("email"))
    website = serializers.CharField(required=False, allow_blank=True, max_length=_column_limit("website"))
    hours = serializers.CharField(required=False, allow_blank=True, max_length=_column_limit("hours"))
    notes = serializers.CharField(required=False, allow_blank=True, max_length=limits.FREE_TEXT_MAX_LENGTH)


class HelpOrganisationCreateSerializer(HelpOrganisationInputSerializer):
    jurisdiction = serializers.CharField(required=False, max_length=limits.CODE_MAX_LENGTH, help_text=(
        "The country code; needed only if you keep the directory of more than one country."))


class HelpOrganisationUpdateSerializer(HelpOrganisationInputSerializer):
    is_active = serializers.BooleanField(required=False, help_text="false takes it off the referral lists.")


class HelpOrganisationPagination(StrictPageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class HelpOrganisationListApi(APIView):
    pagination_class = HelpOrganisationPagination

    @extend_schema(parameters=[HelpOrganisationFilterSerializer],
                   responses={200: HelpOrganisationSerializer(many=True), 400: BAD_INPUT},
                   description="Active organisations of your country, the region's own first, then the national ones.")
    def get(self, request):
        filters = HelpOrganisationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        readable = list(permissions.reader_jurisdictions(request.user))
        jurisdiction = next((j for j in readable if j.code == data.get("jurisdiction")), None)
        if data.get("jurisdiction") and jurisdiction is None:
            raise serializers.ValidationError({"jurisdiction": [_("Choose a country you work in.")]})
        jurisdiction = jurisdiction or (readable[0] if readable else None)
        paginator = self.pagination_class()
        if jurisdiction is None:
            paginator.paginate_queryset(HelpOrganisation.objects.none(), request, view=self)
            return paginator.get_paginated_response([])
        region = None
        if "region" in data:
            region = Region.objects.filter(pk=data["region"], jurisdiction=jurisdiction).first()
            if region is None:
                raise serializers.ValidationError({"region": [_("Choose a region of this country.")]})
        organisations = selectors.help_organisations(jurisdiction=jurisdiction, region=region,
                                                     service=data.get("service"), query=data.get("q", ""))
        page = paginator.paginate_queryset(organisations, request, view=self)
        return paginator.get_paginated_response(HelpOrganisationSerializer(page, many=True).data)

    @extend_schema(request=HelpOrganisationCreateSerializer,
                   responses={201: HelpOrganisationSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
                   description="Add an organisation to the directory (heads, school psychologists, social pedagogues).")
    def post(self, request):
        editable = list(permissions.editor_jurisdictions(request.user))
        if not editable:
            raise _forbidden()
        serializer = HelpOrganisationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        code = values.pop("jurisdiction", None)
        if code:
            jurisdiction = next((j for j in editable if j.code == code), None)
            if jurisdiction is None:
                raise serializers.ValidationError({"jurisdiction": [_("You do not keep this country's directory.")]})
        elif len(editable) == 1:
            jurisdiction = editable[0]
        else:
            raise serializers.ValidationError({"jurisdiction": [_("Name the country of the organisation.")]})
        values.setdefault("name", "")
        values.setdefault("services", [])
        organisation = services.help_organisation_create(user=request.user, jurisdiction=jurisdiction, **values)
        return Response(HelpOrganisationSerializer(organisation).data, status=status.HTTP_201_CREATED)


class HelpOrganisationDetailApi(APIView):
    @extend_schema(responses={200: HelpOrganisationSerializer, 404: NOT_FOUND})
    def get(self, request, pk):
        organisation = selectors.help_organisation_get(pk, user=request.user)
        return Response(HelpOrganisationSerializer(organisation).data)

    @extend_schema(request=HelpOrganisationUpdateSerializer,
                   responses={200: HelpOrganisationSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
                   description="Correct the given fields; the entry is checked whole. An empty body records that "
                               "the entry was checked and is still right.")
    def patch(self, request, pk):
        organisation = selectors.help_organisation_get(pk, user=request.user)
        if not permissions.may_edit_directory(request.user, organisation.jurisdiction):
            raise _forbidden()
        serializer = HelpOrganisationUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = services.help_organisation_update(user=request.user, organisation=organisation,
                                                         **serializer.validated_data)
        return Response(HelpOrganisationSerializer(organisation).data)
