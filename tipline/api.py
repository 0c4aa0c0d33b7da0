"""REST API of the school's triage of pupils' reports (DRF, thin).

Staff only: the public side is the browser pages. A report of a school the user does not
triage is a 404, like one that does not exist; every read of one is audited (TIP_VIEW).
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.pagination import StrictQueryMixin
from cases.api import BAD_INPUT
from cases.vocabulary import Place
from notifications.api import _choice_field
from tipline import selectors, services
from tipline.models import Author, TipStatus

NOT_FOUND = OpenApiResponse(description="No such report, or not one of a school whose reports you read.")
TipStatusField = _choice_field(TipStatus, "TipStatusEnum")
TipAuthorField = _choice_field(Author, "TipAuthorEnum")


class TipSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    school = serializers.IntegerField(source="school_id")
    number = serializers.IntegerField()
    status = TipStatusField()
    is_urgent = serializers.BooleanField()
    received_at = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField()
    case = serializers.UUIDField(source="case_id", allow_null=True)


class TipFileSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class TipMessageSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    author = TipAuthorField()
    by = serializers.IntegerField(source="by_id", allow_null=True)
    body = serializers.CharField(allow_blank=True, allow_null=True)
    at = serializers.DateTimeField()
    is_urgent = serializers.BooleanField()
    files = TipFileSerializer(many=True, read_only=True)


class TipDetailSerializer(TipSummarySerializer):
    what = serializers.CharField(allow_null=True)
    place = serializers.CharField(allow_blank=True, help_text=f"One of: {', '.join(Place.values)}; or empty.")
    happened_on = serializers.DateField(allow_null=True)
    who = serializers.CharField(allow_blank=True, allow_null=True)
    feeling = serializers.CharField(allow_blank=True, allow_null=True)
    reporter_name = serializers.CharField(allow_blank=True, allow_null=True)
    reporter_contact = serializers.CharField(allow_blank=True, allow_null=True)
    close_reason = serializers.CharField(allow_blank=True, allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    files = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()

    @extend_schema_field(TipFileSerializer(many=True))
    def get_files(self, tip) -> list[dict]:
        return TipFileSerializer(tip.files.filter(message__isnull=True), many=True).data

    @extend_schema_field(TipMessageSerializer(many=True))
    def get_messages(self, tip) -> list[dict]:
        return TipMessageSerializer(selectors.tip_thread(tip), many=True).data


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=services.MESSAGE_MAX_LENGTH)


class CloseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.REASON_MAX_LENGTH)


def _parsed(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class TipListQuerySerializer(StrictQueryMixin, serializers.Serializer):
    status = serializers.ChoiceField(TipStatus.choices, required=False)


class TipListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=TipStatus.values, required=False)],
        responses={200: TipSummarySerializer(many=True), 400: BAD_INPUT},
        description="The pupils' reports of the schools whose reports you read: urgent first, then waiting ones.")
    def get(self, request):
        query = TipListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        tips = selectors.tip_queue(request.user, status=query.validated_data.get("status", ""))[:200]
        return Response(TipSummarySerializer(tips, many=True).data)


class TipDetailApi(APIView):
    @extend_schema(responses={200: TipDetailSerializer, 404: NOT_FOUND},
                   description="One report with its messages; the read is audited.")
    def get(self, request, tip_id):
        tip = selectors.tip_get_for_user(request.user, tip_id)
        services.tip_read(user=request.user, tip=tip, channel="api")
        return Response(TipDetailSerializer(tip).data)


class TipReplyApi(APIView):
    @extend_schema(request=ReplySerializer, responses={201: TipMessageSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description="Answer the reporter; they read it with their code and passphrase.")
    def post(self, request, tip_id):
        tip = selectors.tip_get_for_user(request.user, tip_id)
        data = _parsed(ReplySerializer, request)
        message = services.tip_reply(user=request.user, tip=tip, body=data["body"])
        return Response(TipMessageSerializer(message).data, status=status.HTTP_201_CREATED)


class TipCloseApi(APIView):
    @extend_schema(request=CloseSerializer, responses={200: TipDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description="Close the report with a reason the reporter reads (head or coordinator).")
    def post(self, request, tip_id):
        tip = selectors.tip_get_for_user(request.user, tip_id)
        data = _parsed(CloseSerializer, request)
        services.tip_close(user=request.user, tip=tip, reason=data["reason"])
        return Response(TipDetailSerializer(selectors.tip_get_for_user(request.user, tip_id)).data)
