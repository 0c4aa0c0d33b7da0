"""REST API for the agencies' actions on a case and the child's first account (DRF, thin).

A case is fetched through ``case_get_for_user``: a case the user may not see is a 404, like
one that does not exist. Correcting an action of another agency is a 403 for a reader of the
case. An action's free text (``details``) and the child's words are returned only to users
with the identity permission; the words only from the account's own endpoint, every read
audited.

An action's input is flat: ``kind``, ``occurred_at`` (optional; now when left out) and the
kind's own fields by name (see ``casework.registry``); a field the kind does not have is
refused. Errors come back per field: ``{field: [message]}``.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import permissions
from cases.api import BAD_INPUT, NOT_FOUND
from cases.selectors import case_get_for_user, case_read
from casework import action_selectors as selectors
from casework import registry
from casework.models import ActionKind
from casework.services.actions import action_record, action_update
from casework.services.first_account import first_account_addendum_add, first_account_read, first_account_record
from config import limits
from config.errors import InputError
from notifications.api import AgencyKindField

FORBIDDEN = OpenApiResponse(description="You may read this case, but this action is another agency's.")


class ActionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    case = serializers.UUIDField(source="case_id")
    agency = serializers.CharField(source="agency.code", help_text="The code of the agency that recorded it.")
    agency_kind = AgencyKindField(source="agency.kind")
    kind = serializers.ChoiceField(ActionKind.choices)
    source = serializers.SerializerMethodField(help_text="The paragraph of the source the action comes from.")
    occurred_at = serializers.DateTimeField()
    data = serializers.JSONField(help_text="Codes, numbers, dates, ticks and ids, by field name.")
    details = serializers.SerializerMethodField(
        help_text="The free-text fields by name; null unless you may see identities.")
    recorded_by = serializers.IntegerField(source="recorded_by_id")
    recorded_at = serializers.DateTimeField()
    revision = serializers.IntegerField(help_text="1 for an action never corrected.")
    corrected_at = serializers.DateTimeField(allow_null=True)

    def get_source(self, action) -> str:
        return registry.REGISTRY[action.kind].source

    def get_details(self, action) -> dict | None:
        return action.texts if self.context.get("with_identity") else None


class ActionInputSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=limits.CODE_MAX_LENGTH,
                                 help_text="An action kind your agency may record (see the registry).")
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)


class ActionPatchSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    reason = serializers.CharField(help_text="Why the action is corrected.", allow_blank=True, required=False,
                                   max_length=limits.FREE_TEXT_MAX_LENGTH)


def _fields_of(data, skip) -> dict:
    if not hasattr(data, "items"):
        raise InputError({"__all__": [_("Send a JSON object.")]})
    return {k: v for k, v in data.items() if k not in skip}


class CaseActionsApi(APIView):
    @extend_schema(responses={200: ActionSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, case_id):
        case = case_get_for_user(request.user, case_id)
        with_identity = case_read(request.user, case, channel="api")
        actions = selectors.case_actions(case)
        return Response(ActionSerializer(actions, many=True, context={"with_identity": with_identity}).data)

    @extend_schema(request=ActionInputSerializer, responses={201: ActionSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
    def post(self, request, case_id):
        case = case_get_for_user(request.user, case_id)
        with timezone.override(case.jurisdiction.zone):
            head = ActionInputSerializer(data=request.data)
            head.is_valid(raise_exception=True)
            action = action_record(
                user=request.user, case=case, kind=head.validated_data["kind"],
                occurred_at=head.validated_data.get("occurred_at"),
                values=_fields_of(request.data, {"kind", "occurred_at"}), strict_keys=True)
        with_identity = permissions.has_case_perm(request.user, permissions.VIEW_IDENTITY, case)
        return Response(ActionSerializer(action, context={"with_identity": with_identity}).data,
                        status=status.HTTP_201_CREATED)


class ActionDetailApi(APIView):
    @extend_schema(responses={200: ActionSerializer, 404: NOT_FOUND})
    def get(self, request, pk):
        action = selectors.action_get_for_user(request.user, pk)
        with_identity = case_read(request.user, action.case, channel="api")
        return Response(ActionSerializer(action, context={"with_identity": with_identity}).data)

    @extend_schema(request=ActionPatchSerializer,
                   responses={200: ActionSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND})
    def patch(self, request, pk):
        action = selectors.action_get_for_user(request.user, pk, for_edit=True)
        case = action.case
        with timezone.override(case.jurisdiction.zone):
            head = ActionPatchSerializer(data=request.data)
            head.is_valid(raise_exception=True)
            values = _fields_of(request.data, {"occurred_at", "reason", "kind"})
            if not permissions.has_case_perm(request.user, permissions.VIEW_IDENTITY, case):
                raise PermissionDenied  # correcting free text one cannot read
            action = action_update(user=request.user, action=action, values=values,
                                   reason=head.validated_data.get("reason", ""),
                                   occurred_at=head.validated_data.get("occurred_at"), partial=True,
                                   strict_keys=True)
        return Response(ActionSerializer(action, context={"with_identity": True}).data)


class FirstAccountSummarySerializer(serializers.Serializer):
    """That an account exists: never its words."""

    party = serializers.UUIDField(source="party_id")
    agency = serializers.CharField(source="agency.code", allow_null=True, default=None)
    recorded_by = serializers.IntegerField(source="recorded_by_id")
    recorded_at = serializers.DateTimeField()


class AddendumSerializer(serializers.Serializer):
    text = serializers.CharField()
    recorded_by = serializers.IntegerField(source="recorded_by_id")
    recorded_at = serializers.DateTimeField()


class FirstAccountSerializer(FirstAccountSummarySerializer):
    spoken_at = serializers.DateTimeField()
    place = serializers.CharField()
    present = serializers.CharField()
    words = serializers.CharField(help_text="The child's words, verbatim (KZ §35.9).")
    addenda = AddendumSerializer(many=True, help_text="What was added later; the account never changes.")


class AddendumInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, required=False, default="",
                                 max_length=limits.FIRST_ACCOUNT_MAX_LENGTH)


class FirstAccountInputSerializer(serializers.Serializer):
    party = serializers.CharField(max_length=limits.CODE_MAX_LENGTH, help_text="The id of a child party of the case.")
    spoken_at = serializers.DateTimeField(required=False, allow_null=True)
    place = serializers.CharField(allow_blank=True, required=False, default="",
                                  max_length=limits.FIRST_ACCOUNT_MAX_LENGTH)
    present = serializers.CharField(allow_blank=True, required=False, default="",
                                    max_length=limits.FIRST_ACCOUNT_MAX_LENGTH)
    words = serializers.CharField(allow_blank=True, required=False, default="", trim_whitespace=False,
                                  max_length=limits.FIRST_ACCOUNT_MAX_LENGTH)


class CaseFirstAccountsApi(APIView):
    @extend_schema(responses={200: FirstAccountSummarySerializer(many=True), 404: NOT_FOUND})
    def get(self, request, case_id):
        case = case_get_for_user(request.user, case_id)
        return Response(FirstAccountSummarySerializer(selectors.first_accounts(case), many=True).data)

    @extend_schema(request=FirstAccountInputSerializer,
                   responses={201: FirstAccountSummarySerializer, 400: BAD_INPUT, 404: NOT_FOUND})
    def post(self, request, case_id):
        case = case_get_for_user(request.user, case_id, perm=permissions.VIEW_IDENTITY)
        with timezone.override(case.jurisdiction.zone):
            data = FirstAccountInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            account = first_account_record(user=request.user, case=case, party_id=data.validated_data["party"],
                                           spoken_at=data.validated_data.get("spoken_at"),
                                           place=data.validated_data["place"],
                                           present=data.validated_data["present"],
                                           words=data.validated_data["words"])
        return Response(FirstAccountSummarySerializer(account).data, status=status.HTTP_201_CREATED)


class FirstAccountApi(APIView):
    @extend_schema(responses={200: FirstAccountSerializer, 404: NOT_FOUND})
    def get(self, request, case_id, party_id):
        case = case_get_for_user(request.user, case_id, perm=permissions.VIEW_IDENTITY)
        account = selectors.first_account_get(case, party_id)
        first_account_read(user=request.user, account=account, channel="api")
        return Response(FirstAccountSerializer(account).data)

    @extend_schema(request=AddendumInputSerializer,
                   responses={201: AddendumSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   operation_id="cases_first_accounts_addendum_create", description="Append an addendum to the account (it is never edited).")
    def post(self, request, case_id, party_id):
        case = case_get_for_user(request.user, case_id, perm=permissions.VIEW_IDENTITY)
        account = selectors.first_account_get(case, party_id)
        data = AddendumInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        addendum = first_account_addendum_add(user=request.user, account=account, text=data.validated_data["text"])
        return Response(AddendumSerializer(addendum).data, status=status.HTTP_201_CREATED)
