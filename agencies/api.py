"""REST API for agencies (DRF, thin). Agencies are not personal data: any signed-in user may list them."""

from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination

from agencies.models import Agency, AgencyKind
from agencies.selectors import agency_list


class AgencySerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(AgencyKind.choices)
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    region = serializers.CharField(source="region.name", allow_null=True)
    district = serializers.CharField(source="district.name", allow_null=True)

    class Meta:
        model = Agency
        fields = ["id", "code", "name", "kind", "jurisdiction", "region", "district"]


class AgencyPagination(CursorPagination):
    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class AgencyListApi(generics.ListAPIView):
    serializer_class = AgencySerializer
    pagination_class = AgencyPagination

    def get_queryset(self):
        return agency_list()
