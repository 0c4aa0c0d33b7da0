"""REST API for deadlines, notices, case events, waivers and the agency inbox (DRF, thin).

Each view parses input with a serializer, calls one service or selector and
serializes the result; the rules live in ``notifications.services``. A case is
fetched through ``case_get_for_user`` (view_case to read, change_case to write),
so a case the user may not see is a 404, exactly like one that does not exist.
Nothing here carries personal data: parties appear by id only.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency, AgencyKind, StaffRole
from cases import permissions
from cases.api import BAD_INPUT, NOT_FOUND
from cases.models import Party
from cases.selectors import case_get_for_user
from cases.services import PartyInput
from cases.vocabulary import PartyRole
from config import limits
from config.pagination import BAD_QUERY, StrictCursorPagination
from notifications import selectors
from notifications.services import clocks, notices
from notifications.models import RECORDABLE_EVENTS, DeadlineState, LegalTerm, Notice, NoticeChannel

# --- Choice fields named in the schema ------------------------------------------
# "channel" and "role" also appear in the cases and agencies APIs with other choice sets;
# each gets its own named component so the schema stays unambiguous.


def _choice_field(choices_class, component_name: str):
    @extend_schema_field({"type": "string", "enum": list(choices_class.values)}, component_name=component_name)
    class _Field(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices_class.choices, **kwargs)

    _Field.__name__ = f"{choices_class.__name__}Field"
    return _Field


NoticeChannelField = _choice_field(NoticeChannel, "NoticeChannelEnum")
StaffRoleField = _choice_field(StaffRole, "StaffRoleEnum")


class AgencyKindField(serializers.ChoiceField):
    """An agency kind: the same AgencyKindEnum component as an agency's own ``kind`` (agencies.api),
    named by ENUM_NAME_OVERRIDES in settings; a second component of that name would collide."""

    def __init__(self, **kwargs):
        super().__init__(AgencyKind.choices, **kwargs)


# --- Output -----------------------------------------------------------------


class ResponsibleSerializer(serializers.Serializer):
    agency_kind = AgencyKindField(source="responsible_agency_kind")
    role = StaffRoleField(source="rule.responsible_role")


class DeadlineSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Use it to waive the deadline.")
    rule = serializers.CharField(source="rule.code", help_text="The rule's stable code, e.g. `kz.guardianship_notice`.")
    name = serializers.CharField(source="rule.name", help_text="The rule's name in the request's language.")
    party = serializers.UUIDField(source="party_id", allow_null=True,
                                  help_text="For a clock that runs per minor party: that party's id.")
    due_at = serializers.DateTimeField()
    state = serializers.ChoiceField(DeadlineState.choices)
    met_at = serializers.DateTimeField(allow_null=True)
    source = serializers.CharField(source="rule.source", help_text="The legal source of the clock.")
    legal_term = serializers.ChoiceField(
        LegalTerm.choices, source="rule.legal_term",
        help_text=("What the law says about the term: `stated` (the clock is the law's), `immediately` "
                   "(the law says immediately without a number; the clock is the protocol's setting) or "
                   "`unspecified` (the law sets no term; the clock is the protocol's setting)."))
    term = serializers.CharField(source="rule.term", help_text=(
        'The term in words, in the request\'s language, e.g. "immediately (protocol: within 1 hour)".'))
    allowed_channels = serializers.ListField(
        child=NoticeChannelField(), source="rule.allowed_channels",
        help_text="For a notice clock: the channels a notice must go by to count (empty: any).")
    responsible = ResponsibleSerializer(source="*")


class NoticeSerializer(serializers.ModelSerializer):
    """A notice: the recipient by id (an agency or a legal representative), never by name."""

    case = serializers.UUIDField(source="case_id")
    to_agency = serializers.IntegerField(source="to_agency_id", allow_null=True)
    to_party = serializers.UUIDField(source="to_party_id", allow_null=True)
    channel = NoticeChannelField()

    class Meta:
        model = Notice
        fields = ["id", "case", "outgoing_number", "to_agency", "to_party", "channel", "sent_at",
                  "acknowledged_at"]


class NoticeCreatedSerializer(NoticeSerializer):
    """The recorded notice, and what it did not meet."""

    from_agency = serializers.IntegerField(source="from_agency_id", help_text="The sending agency.")
    warnings = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), read_only=True,
        help_text=("Per field, why the notice does not count for a clock it would otherwise meet, e.g. "
                   "`channel`: a paper letter is no KZ §25 rapid notice. The notice is recorded all the same."),
    )

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "from_agency", "warnings"]


class InboxNoticeSerializer(NoticeSerializer):
    """A notice to the reader's agency, with the case reference and the sending school."""

    case_reference = serializers.CharField(source="case.reference")
    school = serializers.IntegerField(source="case.school_id")
    school_name = serializers.CharField(source="case.school.name")
    case_visible = serializers.BooleanField(help_text="Whether the reader may open the case.")

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "case_reference", "school", "school_name", "case_visible"]


# --- Input ------------------------------------------------------------------
# These parse types and ids; the services check the rules.


class _CaseRepresentativeField(serializers.PrimaryKeyRelatedField):
    """A legal representative of the case in the context (any other id is invalid)."""

    def get_queryset(self):
        return Party.objects.filter(case=self.context["case"], role=PartyRole.LEGAL_REPRESENTATIVE)


class _CaseMinorField(serializers.PrimaryKeyRelatedField):
    """A party of the case in the context (the service checks it is a minor party)."""

    def get_queryset(self):
        return Party.objects.filter(case=self.context["case"])


class NewRepresentativeSerializer(serializers.Serializer):
    """A parent not yet in the case: added as the legal representative of ``represents``."""

    represents = _CaseMinorField(queryset=Party.objects.none(), pk_field=serializers.UUIDField(),
                                 allow_null=True, default=None,
                                 help_text="The minor party of this case whom this person represents.")
    # Blank passes here so that the service reports it with its message.
    family_name = serializers.CharField(allow_blank=True, default="", max_length=200)
    given_name = serializers.CharField(allow_blank=True, default="", max_length=200)
    patronymic = serializers.CharField(allow_blank=True, default="", max_length=200)
    phone = serializers.CharField(allow_blank=True, default="", max_length=64)


class NoticeCreateSerializer(serializers.Serializer):
    to_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), allow_null=True, default=None,
        help_text=("The agency notified: one the protocol's notice matrix allows your agency to notify "
                   "(never a school). Give this, `to_party` or `new_representative`."),
    )
    to_party = _CaseRepresentativeField(
        queryset=Party.objects.none(), pk_field=serializers.UUIDField(), allow_null=True, default=None,
        help_text="The legal representative notified (a party of this case). Give this or `to_agency`.",
    )
    new_representative = NewRepresentativeSerializer(
        allow_null=True, default=None,
        help_text=("A parent not yet in the case, notified and added as the legal representative of the "
                   "chosen minor, in the same transaction. Only the case's school notifies parents."),
    )
    channel = NoticeChannelField()
    sent_at = serializers.DateTimeField(allow_null=True, default=None, help_text="Defaults to now.")


class EventSerializer(serializers.Serializer):
    event = serializers.ChoiceField([(e.value, e.label) for e in RECORDABLE_EVENTS])
    at = serializers.DateTimeField(allow_null=True, default=None, help_text="Defaults to now.")


class WaiveSerializer(serializers.Serializer):
    # Blank passes here so that the service reports it with its message.
    reason = serializers.CharField(allow_blank=True, max_length=limits.FREE_TEXT_MAX_LENGTH)


# --- Views --------------------------------------------------------------------


class CaseDeadlinesApi(APIView):
    @extend_schema(
        responses={200: DeadlineSerializer(many=True), 404: NOT_FOUND},
        description="The case's clocks, soonest first, with the rule, its legal source and who answers for it.",
    )
    def get(self, request, case_id):
        case = case_get_for_user(request.user, case_id)
        return Response(DeadlineSerializer(selectors.case_deadlines(case), many=True).data)


class CaseNoticesApi(APIView):
    @extend_schema(
        responses={200: NoticeSerializer(many=True), 404: NOT_FOUND},
        description="The case's notices, newest first.",
    )
    def get(self, request, case_id):
        case = case_get_for_user(request.user, case_id)
        return Response(NoticeSerializer(selectors.case_notices(case), many=True).data)

    @extend_schema(
        request=NoticeCreateSerializer,
        responses={201: NoticeCreatedSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
        description=(
            "Record a notice: numbered in the sending agency's outgoing register, shared with the "
            "receiving agency, meets the clocks it satisfies. The recipient must be one the protocol's "
            "notice matrix allows the sender's agency (else 400 on `to_agency`). A legal representative "
            "who is the alleged perpetrator is refused. The case's team sends for the school; staff of "
            "an agency the case was notified to send for their agency; anyone else gets 404."
        ),
    )
    def post(self, request, case_id):
        case, _options = selectors.case_get_for_notice(request.user, case_id)
        serializer = NoticeCreateSerializer(data=request.data, context={"case": case})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        new_representative = data.pop("new_representative", None)
        if new_representative is not None:
            data["represents"] = new_representative.pop("represents")
            data["new_representative"] = PartyInput(role=PartyRole.LEGAL_REPRESENTATIVE, is_minor=False,
                                                    **new_representative)
        notice = notices.notice_send(user=request.user, case=case, **data)
        notice.warnings = selectors.notice_channel_warnings(notice)
        return Response(NoticeCreatedSerializer(notice).data, status=status.HTTP_201_CREATED)


class CaseEventsApi(APIView):
    @extend_schema(
        request=EventSerializer,
        responses={200: DeadlineSerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND},
        description=(
            "Record a fact that starts or satisfies clocks (needs placement, high-profile, forensic "
            "examination, placement decided, media statement, forensic result). Returns the case's "
            "deadlines afterwards. Needs `change_case`."
        ),
    )
    def post(self, request, case_id):
        case = case_get_for_user(request.user, case_id, perm=permissions.CHANGE)
        serializer = EventSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        clocks.case_event_record(user=request.user, case=case, **serializer.validated_data)
        return Response(DeadlineSerializer(selectors.case_deadlines(case), many=True).data)


class DeadlineWaiveApi(APIView):
    @extend_schema(
        request=WaiveSerializer,
        responses={200: DeadlineSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
        description=(
            "Waive an open deadline, with a reason. Only the school head or the head of the "
            "responsible agency may: anyone else who can see the case gets 400 with a message; "
            "someone who cannot see it gets 404."
        ),
    )
    def post(self, request, pk):
        deadline = selectors.deadline_get(pk)
        case_get_for_user(request.user, deadline.case_id)
        serializer = WaiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deadline = clocks.deadline_waive(user=request.user, deadline=deadline, **serializer.validated_data)
        return Response(DeadlineSerializer(deadline).data)


class InboxPagination(StrictCursorPagination):
    ordering = ("-sent_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class InboxApi(generics.ListAPIView):
    """Notices to the reader's agencies, newest first (cursor pagination, no counts)."""

    serializer_class = InboxNoticeSerializer
    pagination_class = InboxPagination

    def get_queryset(self):
        return selectors.inbox_for_user(self.request.user)

    @extend_schema(responses={200: InboxNoticeSerializer(many=True), 400: BAD_QUERY})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class InboxAcknowledgeApi(APIView):
    @extend_schema(
        request=None,
        responses={200: InboxNoticeSerializer, 404: OpenApiResponse(
            description="No such notice, or not one addressed to your agency.")},
        description="Acknowledge receipt of a notice to your agency; the first acknowledgement's time is kept.",
    )
    def post(self, request, pk):
        notice = selectors.inbox_notice_get(request.user, pk)
        notices.notice_acknowledge(user=request.user, notice=notice)
        return Response(InboxNoticeSerializer(selectors.inbox_notice_get(request.user, pk)).data)
