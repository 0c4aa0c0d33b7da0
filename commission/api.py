"""REST API for the commission (DRF, thin): commissions, meetings, attendance, votes, minutes.

Each view fetches the meeting through ``selectors.meeting_get_for_user``: a user who is not in
its composition, not the school head and not invited to it gets a 404 for its id, exactly like
for a meeting that does not exist. The rules live in ``commission.services``; their errors come
back as 400 with messages per field, and nothing is changed.
"""

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency, AgencyKind
from cases.models import Case
from commission import permissions, selectors, services
from commission.minutes import minutes_download
from config import limits
from config.pagination import BAD_QUERY, StrictCursorPagination
from commission.models import (
    Commission, Composition, Decision, Meeting, MeetingStatus, Position, Question, Speciality, Vote, VoteChoice,
)

BAD_INPUT = OpenApiResponse(description=(
    "Messages per field, in the request's language: `{field: [message]}`; `non_field_errors` for the "
    "request as a whole. Nothing is changed."
))
NOT_FOUND = OpenApiResponse(description=(
    "No such meeting, or not one you may see: only its composition's members, the school head and "
    "the people invited to it (until it closes) see a meeting."
))


# --- Output -----------------------------------------------------------------------------------

class PersonSerializer(serializers.Serializer):
    """A person by id and full name; never by login (a login is half a credential)."""

    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return selectors.person_name(user)


class CompositionMemberSerializer(serializers.Serializer):
    user = PersonSerializer()
    position = serializers.ChoiceField(Position.choices)
    speciality = serializers.ChoiceField(Speciality.choices)


class CompositionSerializer(serializers.ModelSerializer):
    members = CompositionMemberSerializer(many=True)
    size = serializers.IntegerField()

    class Meta:
        model = Composition
        fields = ["id", "order_number", "order_date", "in_force_from", "size", "members"]


class SchoolSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    jurisdiction = serializers.CharField(source="jurisdiction.code")


class CommissionSerializer(serializers.ModelSerializer):
    school = SchoolSerializer()
    composition_in_force = serializers.SerializerMethodField()

    class Meta:
        model = Commission
        fields = ["id", "school", "composition_in_force"]

    @extend_schema_field(CompositionSerializer(allow_null=True))
    def get_composition_in_force(self, commission):
        composition = selectors.composition_today(commission.school)
        return CompositionSerializer(composition).data if composition else None


@extend_schema_field({"type": "string", "enum": MeetingStatus.values}, component_name="MeetingStatusEnum")
class MeetingStatusField(serializers.ChoiceField):
    """Its own schema component: a case's ``status`` is another set of choices."""

    def __init__(self, **kwargs):
        super().__init__(MeetingStatus.choices, **kwargs)


class AgendaItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    case = serializers.UUIDField(source="case_id")
    reference = serializers.CharField(source="case.reference")


class MeetingSerializer(serializers.ModelSerializer):
    """A meeting; ``agenda`` lists only the items whose case the reader may see."""

    school = serializers.IntegerField(source="commission.school_id")
    composition = serializers.IntegerField(source="composition_id")
    status = MeetingStatusField()
    agenda = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "school", "composition", "starts_at", "place", "status", "late_reason", "notice_sent_at",
                  "opened_at", "closed_at", "minutes_order_number", "minutes_order_date",
                  "decision_communicated_at", "agenda"]

    @extend_schema_field(AgendaItemSerializer(many=True))
    def get_agenda(self, meeting):
        items = getattr(meeting, "visible_agenda", None)
        if items is None:
            items = selectors.agenda_for_user(self.context["request"].user, meeting)
        return AgendaItemSerializer(items, many=True).data


class QuorumSerializer(serializers.Serializer):
    approved = serializers.IntegerField()
    present = serializers.IntegerField()
    needed = serializers.IntegerField()
    has_quorum = serializers.BooleanField()


class AttendanceRowSerializer(serializers.Serializer):
    user = PersonSerializer()
    position = serializers.ChoiceField(Position.choices, source="member.position")
    speciality = serializers.ChoiceField(Speciality.choices, source="member.speciality")
    present = serializers.BooleanField()


class AttendanceSerializer(serializers.Serializer):
    quorum = QuorumSerializer()
    members = AttendanceRowSerializer(many=True)


def attendance_data(meeting):
    return AttendanceSerializer({"quorum": selectors.quorum_state(meeting),
                                 "members": selectors.attendance_rows(meeting)}).data


class VoteSerializer(serializers.ModelSerializer):
    user = PersonSerializer()
    choice = serializers.ChoiceField(VoteChoice.choices)
    dissent = serializers.CharField(allow_null=True, help_text="A dissenting opinion (UA III.5); null if unreadable.")

    class Meta:
        model = Vote
        fields = ["id", "question", "user", "choice", "dissent", "cast_at"]


class TallySerializer(serializers.Serializer):
    votes_for = serializers.IntegerField(source="for")
    votes_against = serializers.IntegerField(source="against")
    abstentions = serializers.IntegerField(source="abstain")
    needed = serializers.IntegerField(help_text="Votes for needed: a majority of the approved composition.")
    closed = serializers.BooleanField()
    passed = serializers.BooleanField(allow_null=True, help_text=(
        "The outcome once the vote is closed: true adopted, false rejected by a majority against; null "
        "while open, or when closed with no decision reached (UA IV.7)."))
    decided_by_chair = serializers.BooleanField()


class QuestionSerializer(serializers.ModelSerializer):
    agenda_item = serializers.IntegerField(source="agenda_item_id")
    case = serializers.UUIDField(source="agenda_item.case_id")
    text = serializers.SerializerMethodField()
    tally = serializers.SerializerMethodField()
    votes = VoteSerializer(many=True)

    class Meta:
        model = Question
        fields = ["id", "agenda_item", "case", "text", "is_bullying_confirmation", "closed_at", "passed", "tally",
                  "votes"]

    def get_text(self, question) -> str:
        return selectors.question_text(question)

    @extend_schema_field(TallySerializer)
    def get_tally(self, question):
        return TallySerializer(selectors.tally(question)).data


class MonitoringItemSerializer(serializers.Serializer):
    description = serializers.CharField()
    owner = PersonSerializer()
    due_date = serializers.DateField()
    done_at = serializers.DateTimeField(allow_null=True)


class DecisionSerializer(serializers.ModelSerializer):
    agenda_item = serializers.IntegerField(source="agenda_item_id")
    monitoring = MonitoringItemSerializer(many=True)

    class Meta:
        model = Decision
        fields = ["id", "agenda_item", "bullying_confirmed", *services.DECISION_TEXT_FIELDS, "recorded_at",
                  "monitoring"]


class MeetingDetailSerializer(MeetingSerializer):
    composition = CompositionSerializer()
    quorum = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "quorum", "questions", "decisions"]

    @extend_schema_field(QuorumSerializer)
    def get_quorum(self, meeting):
        return selectors.quorum_state(meeting)

    def _items(self, meeting):
        return list(selectors.agenda_for_user(self.context["request"].user, meeting))

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, meeting):
        return QuestionSerializer(selectors.questions_for(self._items(meeting)), many=True).data

    @extend_schema_field(DecisionSerializer(many=True))
    def get_decisions(self, meeting):
        return DecisionSerializer(selectors.decision_items(self._items(meeting)).values(), many=True).data


def meeting_detail_data(request, meeting):
    return MeetingDetailSerializer(meeting, context={"request": request}).data


# --- Input ------------------------------------------------------------------------------------

class _SchedulableCaseField(serializers.PrimaryKeyRelatedField):
    """A case of a school the user schedules meetings for. Any other id is "does not exist", so
    the answer does not tell whether a case of another school exists. Needs the request."""

    def get_queryset(self):
        user = self.context["request"].user
        schools = [s.pk for s in selectors.commission_schools_for_user(user) if permissions.can_schedule(user, s)]
        return Case.objects.filter(school_id__in=schools).select_related("school")


class MeetingScheduleSerializer(serializers.Serializer):
    """Needs the request in the context."""

    school = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.filter(kind=AgencyKind.SCHOOL),
                                                help_text="The school's agency id.")
    starts_at = serializers.DateTimeField()
    place = serializers.CharField(allow_blank=True, max_length=Meeting._meta.get_field("place").max_length)
    cases = _SchedulableCaseField(queryset=Case.objects.none(), many=True, pk_field=serializers.UUIDField(),
                                  help_text="Ids of open cases of the school to put on the agenda, in order.")
    late_reason = serializers.CharField(allow_blank=True, default="", max_length=limits.FREE_TEXT_MAX_LENGTH,
                                        help_text="Required when the meeting is later than a case's "
                                                  "3-working-day deadline (UA II.2).")
    short_notice_reason = serializers.CharField(
        allow_blank=True, default="", max_length=limits.FREE_TEXT_MAX_LENGTH,
        help_text="Required when the notice can no longer be given by 18:00 of the day before the meeting "
                  "(UA IV.6).")


class _MemberField(serializers.PrimaryKeyRelatedField):
    """A user id of the meeting's approved composition (any other id is invalid)."""

    def get_queryset(self):
        members = self.context["meeting"].composition.members.values("user_id")
        return get_user_model().objects.filter(pk__in=members)


class AttendanceMarkSerializer(serializers.Serializer):
    """Needs the meeting in the context."""

    user = _MemberField(queryset=get_user_model().objects.none(), help_text="A member of the approved composition.")
    present = serializers.BooleanField()


class _QuestionField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        items = selectors.agenda_for_user(self.context["request"].user, self.context["meeting"])
        return Question.objects.filter(agenda_item__in=items).select_related("agenda_item__meeting")


class VoteCastSerializer(serializers.Serializer):
    """Needs the meeting and the request in the context. You vote as yourself."""

    question = _QuestionField(queryset=Question.objects.none(), help_text="A question of this meeting.")
    choice = serializers.ChoiceField(VoteChoice.choices)
    dissent = serializers.CharField(allow_blank=True, default="", max_length=limits.FREE_TEXT_MAX_LENGTH,
                                    help_text="An optional dissenting opinion.")


# --- Views ------------------------------------------------------------------------------------

class CommissionListApi(APIView):
    @extend_schema(responses={200: CommissionSerializer(many=True)},
                   description="Commissions the user sits on (in any composition) or whose school they head, "
                               "with the composition in force today.")
    def get(self, request):
        commissions = selectors.commission_list_for_user(request.user)
        return Response(CommissionSerializer(commissions, many=True).data)


class MeetingPagination(StrictCursorPagination):
    ordering = ("-starts_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class MeetingListApi(generics.ListAPIView):
    """Meetings the user may see, newest first (its composition's members, the head, the invited)."""

    serializer_class = MeetingSerializer
    pagination_class = MeetingPagination

    def get_queryset(self):
        return selectors.meeting_list_visible_to(self.request.user)

    @extend_schema(responses={200: MeetingSerializer(many=True), 400: BAD_QUERY})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        selectors.meetings_with_visible_agenda(request.user, page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=MeetingScheduleSerializer, responses={201: MeetingDetailSerializer, 400: BAD_INPUT},
                   description="Schedule a meeting (the secretary or the head): the members are granted the "
                               "agenda's cases and the notice clock (18:00 the day before) starts.")
    def post(self, request):
        serializer = MeetingScheduleSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_schedule(user=request.user, **serializer.validated_data)
        return Response(meeting_detail_data(request, meeting), status=status.HTTP_201_CREATED)


class MeetingDetailApi(APIView):
    @extend_schema(responses={200: MeetingDetailSerializer, 404: NOT_FOUND},
                   description="The meeting with its composition, quorum, questions, votes and decisions "
                               "(an invited person sees only the case they were invited for).")
    def get(self, request, meeting_id):
        meeting = selectors.meeting_get_for_user(request.user, meeting_id)
        return Response(meeting_detail_data(request, meeting))


class MeetingAttendanceApi(APIView):
    @extend_schema(responses={200: AttendanceSerializer, 404: NOT_FOUND},
                   description="The approved composition with who is present, and the quorum (UA IV.5).")
    def get(self, request, meeting_id):
        meeting = selectors.meeting_get_for_user(request.user, meeting_id)
        return Response(attendance_data(meeting))

    @extend_schema(request=AttendanceMarkSerializer, responses={200: AttendanceSerializer, 400: BAD_INPUT,
                                                                404: NOT_FOUND},
                   description="Mark a member present or absent (the secretary, the chair or the head).")
    def post(self, request, meeting_id):
        meeting = selectors.meeting_get_for_user(request.user, meeting_id)
        serializer = AttendanceMarkSerializer(data=request.data, context={"meeting": meeting})
        serializer.is_valid(raise_exception=True)
        services.attendance_mark(user=request.user, meeting=meeting, member=serializer.validated_data["user"],
                                 present=serializer.validated_data["present"])
        return Response(attendance_data(meeting))


class MeetingVotesApi(APIView):
    @extend_schema(responses={200: QuestionSerializer(many=True), 404: NOT_FOUND},
                   description="The questions put to the vote, each with the members' open votes and the tally.")
    def get(self, request, meeting_id):
        meeting = selectors.meeting_get_for_user(request.user, meeting_id)
        items = selectors.agenda_for_user(request.user, meeting)
        return Response(QuestionSerializer(selectors.questions_for(items), many=True).data)

    @extend_schema(request=VoteCastSerializer, responses={201: VoteSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description="Vote as yourself, a member present, while the vote is open (UA IV.7); voting "
                               "again changes your vote.")
    def post(self, request, meeting_id):
        meeting = selectors.meeting_get_for_user(request.user, meeting_id)
        serializer = VoteCastSerializer(data=request.data, context={"meeting": meeting, "request": request})
        serializer.is_valid(raise_exception=True)
        vote = services.vote_cast(user=request.user, **serializer.validated_data)
        return Response(VoteSerializer(vote).data, status=status.HTTP_201_CREATED)


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Errors (a 404) are rendered as JSON even when the client asked for a PDF.
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)


class MeetingMinutesApi(APIView):
    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, (404, "application/json"): NOT_FOUND},
                   description="The minutes as PDF (UA IV.8), in the school's language: a draft until the meeting "
                               "closes. Only the composition's members and the head; the download is audited.")
    def get(self, request, meeting_id):
        meeting = selectors.meeting_get_for_user(request.user, meeting_id, internal=True)
        pdf, filename = minutes_download(user=request.user, meeting=meeting, channel="api")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
