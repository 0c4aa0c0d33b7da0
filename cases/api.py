"""REST API for cases and their parties (DRF, thin).

Each view validates input with a serializer, calls one service or selector and
serializes the result; the rules live in ``cases.services``. A case is always
fetched through ``case_get_for_user``, so a case the user may not see (or, for
writes, may not change) is a 404, exactly like one that does not exist.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from agencies.selectors import agency_list
from cases import permissions
from cases.models import Case, Party, Screening, SubmissionKey
from cases.selectors import CaseListFilters, case_get_for_user, case_page, case_parties, case_read
from cases import services
from cases.services import PartyInput, ScreeningInput, case_register, party_add
from cases.vocabulary import CaseOutcome, CaseStatus, Channel, Form, Kind, PartyRole, Place, Sex
from cases.warning_signs import Checklist, Sign
from config import limits
from config.pagination import BAD_QUERY, StrictQueryMixin, page_size_from

# --- Output -----------------------------------------------------------------


class CaseListItemSerializer(serializers.ModelSerializer):
    """A case in a list: facts only, never personal data (no description, no names)."""

    reference = serializers.CharField()
    school = serializers.IntegerField(source="school_id")
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    channel = serializers.ChoiceField(Channel.choices)
    kinds = serializers.ListField(child=serializers.ChoiceField(Kind.choices))
    forms = serializers.ListField(child=serializers.ChoiceField(Form.choices))
    places = serializers.ListField(child=serializers.ChoiceField(Place.choices))
    status = serializers.ChoiceField(CaseStatus.choices)

    class Meta:
        model = Case
        fields = ["id", "reference", "school", "jurisdiction", "received_at", "incident_at", "channel",
                  "kinds", "forms", "places", "is_urgent", "status"]


class PartyFactsSerializer(serializers.Serializer):
    """What every reader of a case sees of a party."""

    id = serializers.UUIDField()
    role = serializers.ChoiceField(PartyRole.choices)
    is_minor = serializers.BooleanField()


class PartySerializer(PartyFactsSerializer):
    """A party with identity, for readers holding ``view_case_identity``.

    The extra fields are optional in the schema because readers without that
    permission get only the facts. Encrypted values that cannot be opened are null.
    """

    is_alleged_perpetrator = serializers.BooleanField(required=False)
    represents = serializers.UUIDField(source="represents_id", allow_null=True, required=False)
    family_name = serializers.CharField(allow_null=True, required=False)
    given_name = serializers.CharField(allow_null=True, required=False)
    patronymic = serializers.CharField(allow_null=True, required=False)
    birth_date = serializers.DateField(allow_null=True, required=False)
    sex = serializers.ChoiceField(Sex.choices, allow_blank=True, allow_null=True, required=False,
                                  help_text='"" when not stated.')
    identity_number = serializers.CharField(allow_null=True, required=False)
    class_name = serializers.CharField(allow_null=True, required=False)
    phone = serializers.CharField(allow_null=True, required=False)
    address = serializers.CharField(allow_null=True, required=False)


def party_data(parties, *, with_identity: bool, many: bool = False):
    serializer_class = PartySerializer if with_identity else PartyFactsSerializer
    return serializer_class(parties, many=many).data


class CaseDetailSerializer(CaseListItemSerializer):
    """A case with its description and parties; needs ``with_identity`` in the context."""

    description = serializers.CharField(allow_null=True)
    parties = serializers.SerializerMethodField()
    intake_agency = serializers.IntegerField(source="intake_agency_id",
                                             help_text="The agency that received the report and numbered it.")
    school = serializers.IntegerField(source="school_id", allow_null=True,
                                      help_text="The child's school; null while a case an agency opened is not linked.")
    outcome = serializers.ChoiceField(CaseOutcome.choices, allow_blank=True)
    merged_into = serializers.UUIDField(source="merged_into_id", allow_null=True)

    class Meta(CaseListItemSerializer.Meta):
        fields = [*CaseListItemSerializer.Meta.fields, "intake_agency", "school_linked_at", "outcome", "closed_at",
                  "merged_into", "description", "created_at", "updated_at", "parties"]

    @extend_schema_field(PartySerializer(many=True))
    def get_parties(self, case):
        return party_data(case_parties(case), with_identity=self.context["with_identity"], many=True)


def case_detail_data(case, *, with_identity: bool):
    return CaseDetailSerializer(case, context={"with_identity": with_identity}).data


# --- Input ------------------------------------------------------------------
# These parse types, choices and dates; the services check the rules. Their
# validated_data is the service's own input (PartyInput, ScreeningInput).


class _PartyInputFields(serializers.Serializer):
    role = serializers.ChoiceField(PartyRole.choices)
    # Blank names pass here so that the service reports them with its other errors.
    # The browser form's limits (config.limits): the API accepts no more than the form.
    family_name = serializers.CharField(allow_blank=True, max_length=limits.NAME_MAX_LENGTH)
    given_name = serializers.CharField(allow_blank=True, max_length=limits.NAME_MAX_LENGTH)
    patronymic = serializers.CharField(allow_blank=True, default="", max_length=limits.NAME_MAX_LENGTH)
    birth_date = serializers.DateField(allow_null=True, default=None)
    sex = serializers.ChoiceField(Sex.choices, allow_blank=True, default="", help_text='Optional; "" when not stated.')
    identity_number = serializers.CharField(allow_blank=True, default="",
                                            max_length=limits.IDENTITY_NUMBER_MAX_LENGTH)
    class_name = serializers.CharField(allow_blank=True, default="", max_length=limits.CLASS_NAME_MAX_LENGTH)
    phone = serializers.CharField(allow_blank=True, default="", max_length=limits.PHONE_MAX_LENGTH)
    address = serializers.CharField(allow_blank=True, default="", max_length=limits.ADDRESS_MAX_LENGTH)
    is_minor = serializers.BooleanField(default=True)
    is_alleged_perpetrator = serializers.BooleanField(default=False)


class NestedPartyInputSerializer(_PartyInputFields):
    represents_index = serializers.IntegerField(
        min_value=0, allow_null=True, default=None,
        help_text="For a legal representative: the 0-based position, in `parties`, of the minor represented.",
    )

    def validate(self, attrs):
        return PartyInput(**attrs)


class ScreeningInputSerializer(serializers.Serializer):
    checklist = serializers.ChoiceField(Checklist.choices)
    signs = serializers.ListField(child=serializers.ChoiceField(Sign.choices), default=list)

    def validate(self, attrs):
        return ScreeningInput(**attrs)


class CaseCreateSerializer(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(
        queryset=agency_list(), allow_null=True, default=None,
        help_text="The school's agency id: required for a school's report; optional when an agency opens "
                  "the case (`intake_agency`), to link the child's school at once.")
    intake_agency = serializers.PrimaryKeyRelatedField(
        queryset=agency_list(), allow_null=True, default=None,
        help_text="For a case opened outside a school: the id of your agency that received the report "
                  "(111 centre, police, health, social services). The case is numbered in its register.")
    received_at = serializers.DateTimeField()
    incident_at = serializers.DateTimeField(allow_null=True, default=None)
    channel = serializers.ChoiceField(Channel.choices)
    kinds = serializers.ListField(child=serializers.ChoiceField(Kind.choices))
    forms = serializers.ListField(child=serializers.ChoiceField(Form.choices), default=list)
    places = serializers.ListField(child=serializers.ChoiceField(Place.choices), default=list)
    description = serializers.CharField(allow_blank=True, default="", max_length=limits.FREE_TEXT_MAX_LENGTH)
    parties = NestedPartyInputSerializer(many=True)
    screening = ScreeningInputSerializer(allow_null=True, default=None)

    def to_internal_value(self, data):
        # A report names its school or, outside a school, the intake agency: one of them is required.
        errors, value = {}, None
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors = dict(exc.detail)
        if hasattr(data, "get") and not data.get("school") and not data.get("intake_agency"):
            errors.setdefault("school", [_("This field is required.")])
        if errors:
            raise serializers.ValidationError(errors)
        return value


class _CasePartyField(serializers.PrimaryKeyRelatedField):
    """The id of a party of the case in the serializer's context (any other id is invalid)."""

    def get_queryset(self):
        return case_parties(self.context["case"])


class PartyAddSerializer(_PartyInputFields):
    """Needs the case in the context."""

    represents = _CasePartyField(
        queryset=Party.objects.none(), pk_field=serializers.UUIDField(), allow_null=True, default=None,
        help_text="For a legal representative: the id of the minor party of this case represented.",
    )

    def validate(self, attrs):
        represents = attrs.pop("represents")
        return {"data": PartyInput(**attrs), "represents": represents}


class CaseFactsPatchSerializer(serializers.Serializer):
    """The facts to correct (any of them) and the reason, required."""

    incident_at = serializers.DateTimeField(allow_null=True, required=False)
    kinds = serializers.ListField(child=serializers.ChoiceField(Kind.choices), required=False)
    forms = serializers.ListField(child=serializers.ChoiceField(Form.choices), required=False)
    places = serializers.ListField(child=serializers.ChoiceField(Place.choices), required=False)
    description = serializers.CharField(allow_blank=True, required=False, max_length=limits.FREE_TEXT_MAX_LENGTH)
    is_urgent = serializers.BooleanField(required=False)
    reason = serializers.CharField(allow_blank=True, max_length=limits.FREE_TEXT_MAX_LENGTH)

    def validate(self, attrs):
        # Every deadline runs from the receipt time: it is never corrected (UA II.2, KZ §25).
        if "received_at" in self.initial_data:
            raise serializers.ValidationError({"received_at": [
                _("The time the report was received cannot change: every deadline runs from it.")]})
        return attrs


class CaseCloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField([c for c in CaseOutcome.choices if c[0] != CaseOutcome.MERGED])
    reason = serializers.CharField(allow_blank=True, max_length=limits.FREE_TEXT_MAX_LENGTH)


class CaseReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=limits.FREE_TEXT_MAX_LENGTH)


class CaseLinkSchoolSerializer(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(queryset=agency_list(), help_text="The school's agency id.")


class CaseMergeSerializer(serializers.Serializer):
    other = serializers.UUIDField(help_text="The id of the possible duplicate (shown on the case).")


class ScreeningAddSerializer(serializers.Serializer):
    checklist = serializers.ChoiceField(Checklist.choices)
    signs = serializers.ListField(child=serializers.ChoiceField(Sign.choices))


class ScreeningSerializer(serializers.ModelSerializer):
    class Meta:
        model = Screening
        fields = ["id", "checklist", "signs", "recorded_at"]


class CaseStatusSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(CaseStatus.choices)
    outcome = serializers.ChoiceField(CaseOutcome.choices, allow_blank=True)
    school = serializers.IntegerField(source="school_id", allow_null=True)
    merged_into = serializers.UUIDField(source="merged_into_id", allow_null=True)


BAD_INPUT = OpenApiResponse(description=(
    "Messages per field, in the request's language: `{field: [message]}`; `parties` is a list "
    "aligned with the input (an empty object for a valid party); `non_field_errors` for the case "
    "as a whole. Nothing is saved."
))
NOT_FOUND = OpenApiResponse(description="No such case, or not one you may see (or change).")
OTHER_AGENCY = OpenApiResponse(description="You work the case, but only the agency that received the report may.")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description=(
        f"A key you make for this report (a UUID is best; at most {SubmissionKey.KEY_MAX_LENGTH} characters). "
        "A repeat with the same key and the same body answers 201 with the case the first request filed, "
        "even when both arrive at once; the same key with a different body is refused with 400 "
        "(`submission_key`)."
    ),
)


# --- Views --------------------------------------------------------------------


class CaseListFilterSerializer(StrictQueryMixin, serializers.Serializer):
    status = serializers.ChoiceField(CaseStatus.choices, required=False, help_text="Only cases in this status.")
    urgent = serializers.BooleanField(default=False, help_text="Only urgent cases.")
    overdue = serializers.BooleanField(default=False, help_text="Only cases with a breached statutory clock.")
    kind = serializers.ChoiceField(Kind.choices, required=False, help_text="Only cases of this kind.")
    mine = serializers.BooleanField(default=False, help_text="Only the cases you hold for your agency.")
    unassigned = serializers.BooleanField(
        default=False, help_text="Only the cases your agencies hold that nobody in them holds yet.")

    def validate(self, attrs):
        if attrs["mine"] and attrs["unassigned"]:
            raise serializers.ValidationError(
                {"unassigned": [_("Choose either your own cases or the unassigned ones, not both.")]})
        return CaseListFilters(**attrs)


class CasePagination(BasePagination):
    """Keyset pages from ``cases.selectors.case_page``: ``next`` carries the cursor after the
    page's last (received_at, id); no count, no offset, and ``previous`` is always null
    (follow ``next`` from the first page)."""

    page_size = 50
    max_page_size = 200
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def paginate(self, request, fetch) -> list:
        """``fetch(cursor=, size=)`` returns (rows, next cursor or None); returns the rows."""
        self.request = request
        size = page_size_from(request, param=self.page_size_query_param, default=self.page_size,
                              maximum=self.max_page_size)
        rows, self.next_cursor = fetch(cursor=request.query_params.get(self.cursor_query_param), size=size)
        return rows

    def get_next_link(self):
        if self.next_cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.next_cursor)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": None, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri",
                         "example": "http://api.example.org/api/v1/cases/?cursor=cD0yMDI2LTAx"},
                "previous": {"type": "string", "nullable": True, "format": "uri",
                             "description": "Always null: pages are followed forward with `next`."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query",
             "description": "The cursor of the next page, as given in `next`.", "schema": {"type": "string"}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"Cases per page (default {self.page_size}, at most {self.max_page_size}; more is read "
                            f"as {self.max_page_size}).",
             "schema": {"type": "integer", "minimum": 1}},
        ]


class CaseListApi(generics.ListAPIView):
    """Cases the user may see, newest first: facts only, no personal data."""

    serializer_class = CaseListItemSerializer
    pagination_class = CasePagination

    @extend_schema(parameters=[CaseListFilterSerializer],
                   responses={200: CaseListItemSerializer(many=True), 400: BAD_QUERY})
    def get(self, request, *args, **kwargs):
        filters = CaseListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = self.paginator.paginate(request, lambda cursor, size: case_page(
            request.user, filters=filters.validated_data, cursor=cursor, size=size))
        return self.paginator.get_paginated_response(self.get_serializer(rows, many=True).data)

    @extend_schema(
        request=CaseCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: CaseDetailSerializer, 400: BAD_INPUT},
        description="File a report with its parties in one request: all of it is saved, or nothing. "
                    "With an `Idempotency-Key`, sending the same report again (a retry after a timeout) "
                    "answers the case the first request filed instead of filing a second one.",
    )
    def post(self, request):
        serializer = CaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key", "").strip()
        case = case_register(user=request.user, submission_key=key, **serializer.validated_data)
        with_identity = permissions.has_case_perm(request.user, permissions.VIEW_IDENTITY, case)
        return Response(case_detail_data(case, with_identity=with_identity), status=status.HTTP_201_CREATED)


class CaseDetailApi(APIView):
    @extend_schema(
        responses={200: CaseDetailSerializer, 404: NOT_FOUND},
        description="The case; the parties' identity only with `view_case_identity`. Every read is audited.",
    )
    def get(self, request, case_id):
        case = case_get_for_user(request.user, case_id)
        with_identity = case_read(request.user, case, channel="api")
        return Response(case_detail_data(case, with_identity=with_identity))

    @extend_schema(
        request=CaseFactsPatchSerializer,
        responses={200: CaseDetailSerializer, 400: BAD_INPUT, 403: OTHER_AGENCY, 404: NOT_FOUND},
        description="Correct the case's facts, with the reason (kept encrypted; the audit names the changed "
                    "fields only). The receipt time cannot change. Only the agency that received the report.",
    )
    def patch(self, request, case_id):
        case = _intake_case(request, case_id)
        serializer = CaseFactsPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case = services.case_update(user=request.user, case=case, reason=data.pop("reason"), **data)
        with_identity = permissions.has_case_perm(request.user, permissions.VIEW_IDENTITY, case)
        return Response(case_detail_data(case, with_identity=with_identity))


class CasePartiesApi(APIView):
    @extend_schema(
        responses={200: PartySerializer(many=True), 404: NOT_FOUND},
        description="The case's parties; identity fields only with `view_case_identity`. Audited as a read.",
    )
    def get(self, request, case_id):
        case = case_get_for_user(request.user, case_id)
        with_identity = case_read(request.user, case, channel="api")
        return Response(party_data(case_parties(case), with_identity=with_identity, many=True))

    @extend_schema(
        request=PartyAddSerializer,
        responses={201: PartySerializer, 400: BAD_INPUT, 404: NOT_FOUND},
        description="Add a party. Needs `change_case`: a reader who may not change the case gets 404 too.",
    )
    def post(self, request, case_id):
        case = case_get_for_user(request.user, case_id, perm=permissions.CHANGE)
        serializer = PartyAddSerializer(data=request.data, context={"case": case})
        serializer.is_valid(raise_exception=True)
        party = party_add(user=request.user, case=case, **serializer.validated_data)
        with_identity = permissions.has_case_perm(request.user, permissions.VIEW_IDENTITY, case)
        return Response(party_data(party, with_identity=with_identity), status=status.HTTP_201_CREATED)


# --- The case's lifecycle (issue #9 item 10) --------------------------------------------------

def _intake_case(request, case_id) -> Case:
    """A case the user may change (else 404) and whose intake agency they work for (else 403)."""
    case = case_get_for_user(request.user, case_id, perm=permissions.CHANGE)
    if not permissions.is_intake_worker(request.user, case):
        raise PermissionDenied(_("Only the agency that received the report may do this."))
    return case


def _status(case) -> Response:
    return Response(CaseStatusSerializer(case).data)


class CaseCloseApi(APIView):
    @extend_schema(request=CaseCloseSerializer, responses={200: CaseStatusSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description="Close the case with its outcome and the reason (kept encrypted). Refused while a "
                               "statutory deadline is still running (the message lists them); breached ones may "
                               "stay on record. Needs `change_case`.")
    def post(self, request, case_id):
        case = case_get_for_user(request.user, case_id, perm=permissions.CHANGE)
        serializer = CaseCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _status(services.case_close(user=request.user, case=case, **serializer.validated_data))


class CaseReopenApi(APIView):
    @extend_schema(request=CaseReasonSerializer, responses={200: CaseStatusSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description="Reopen a closed case, with the reason. A merged duplicate is not reopened.")
    def post(self, request, case_id):
        case = case_get_for_user(request.user, case_id, perm=permissions.CHANGE)
        serializer = CaseReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _status(services.case_reopen(user=request.user, case=case, **serializer.validated_data))


class CaseLinkSchoolApi(APIView):
    @extend_schema(request=CaseLinkSchoolSerializer,
                   responses={200: CaseStatusSerializer, 400: BAD_INPUT, 403: OTHER_AGENCY, 404: NOT_FOUND},
                   description="Link a case an agency opened to the child's school (of the case's jurisdiction): "
                               "the school's staff work it and its deadlines start now (UA II.2, KZ §25).")
    def post(self, request, case_id):
        case = _intake_case(request, case_id)
        serializer = CaseLinkSchoolSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _status(services.case_link_school(user=request.user, case=case, **serializer.validated_data))


class CaseMergeApi(APIView):
    @extend_schema(request=CaseMergeSerializer, responses={200: CaseStatusSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description="Merge two possible duplicates (one incident reported through two channels): the "
                               "newer is closed as merged into the older, which is answered. Needs `change_case` "
                               "on both.")
    def post(self, request, case_id):
        case = case_get_for_user(request.user, case_id, perm=permissions.CHANGE)
        serializer = CaseMergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        other = Case.objects.filter(pk=serializer.validated_data["other"]).first()
        if other is None:
            raise serializers.ValidationError(
                {"other": [_("These cases are not marked as possible duplicates of each other.")]})
        return _status(services.case_merge(user=request.user, case=case, other=other))


class CaseScreeningsApi(APIView):
    @extend_schema(request=ScreeningAddSerializer, responses={201: ScreeningSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description="Record a warning-sign checklist of the case's jurisdiction (SPEC R6); self-harm or "
                               "suicidal signs mark the case urgent. Needs `change_case`.")
    def post(self, request, case_id):
        case = case_get_for_user(request.user, case_id, perm=permissions.CHANGE)
        serializer = ScreeningAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        screening = services.screening_add(user=request.user, case=case, **serializer.validated_data)
        return Response(ScreeningSerializer(screening).data, status=status.HTTP_201_CREATED)
