"""REST API for agencies (DRF, thin). Agencies are not personal data: any signed-in user may list them."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from agencies.models import Agency, AgencyKind
from agencies.selectors import agency_list
from config.pagination import BAD_QUERY, StrictCursorPagination


class AgencySerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(AgencyKind.choices)
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    region = serializers.CharField(source="region.name", allow_null=True)
    district = serializers.CharField(source="district.name", allow_null=True)

    class Meta:
        model = Agency
        fields = ["id", "code", "name", "kind", "jurisdiction", "region", "district"]


class AgencyPagination(StrictCursorPagination):
    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class AgencyListApi(generics.ListAPIView):
    serializer_class = AgencySerializer
    pagination_class = AgencyPagination

    def get_queryset(self):
        return agency_list()

    @extend_schema(responses={200: AgencySerializer(many=True), 400: BAD_QUERY})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
