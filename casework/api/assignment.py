"""API: who in each agency holds a case; assign, reassign, take or hand it back (issue #9). Thin.

The case comes through ``case_get_for_user`` first: 404 for anyone who may not read it, GET or
POST. The service decides who may assign and answers refused input per field (400).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from casework import assignment_selectors as selectors
from casework.services.assignment import case_assign_by_ref
from cases.selectors import case_get_for_user


class HoldingSerializer(serializers.Serializer):
    """One agency holding the case, and who works it there (staff, never a party)."""

    agency = serializers.CharField(source="agency.code", help_text="The agency's code.")
    agency_id = serializers.IntegerField(source="agency.pk")
    agency_name = serializers.CharField(source="agency.name")
    assignee = serializers.IntegerField(source="assignee.pk", allow_null=True, default=None,
                                        help_text="The user id of the officer who holds the case; null: unassigned.")
    assignee_name = serializers.CharField(allow_null=True)
    assigned_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, holding):
        data = super().to_representation(holding)
        if holding.assignee is None:
            data.update(assignee=None, assignee_name=None, assigned_at=None)
        return data


class AssignmentInputSerializer(serializers.Serializer):
    agency = serializers.CharField(max_length=32, help_text="The agency's code or id; it must hold the case.")
    assignee = serializers.IntegerField(allow_null=True, min_value=1,
                                        help_text="The user id of one of the agency's officers; null: nobody.")


NOT_FOUND = OpenApiResponse(description="No such case, or not one you may see.")
BAD_INPUT = OpenApiResponse(description="Messages per field: `{field: [message]}`. Nothing is changed.")


class CaseAssignmentApi(APIView):
    @extend_schema(responses={200: HoldingSerializer(many=True), 404: NOT_FOUND},
                   description="Every agency holding the case, with the officer who holds it there.")
    def get(self, request, case_id):
        case = case_get_for_user(request.user, case_id)
        return Response(HoldingSerializer(selectors.case_holdings(case), many=True).data)

    @extend_schema(
        request=AssignmentInputSerializer,
        responses={200: HoldingSerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND},
        description="Give the case to an officer of an agency holding it (the agency's head or duty officer; "
                    "a school's head or coordinator), or to nobody. An officer may take an unassigned case "
                    "(assignee: their own id) and hand back the one they hold (assignee: null). Giving it to "
                    "whoever holds it already changes nothing. Answers the holdings after the change.",
    )
    def post(self, request, case_id):
        case = case_get_for_user(request.user, case_id)
        serializer = AssignmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case_assign_by_ref(user=request.user, case=case, agency_ref=serializer.validated_data["agency"],
                           assignee_id=serializer.validated_data["assignee"])
        return Response(HoldingSerializer(selectors.case_holdings(case), many=True).data)
