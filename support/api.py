"""REST API for support plans (DRF, thin): serializers for shape, services for the rules.

A case is fetched through ``case_get_for_user``: a case the user may not see is a 404 for
every method, like a plan or item id of another case. Free text (an item's detail, notes)
is returned only to readers with ``view_case_identity``; parties appear by id.
"""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency
from cases import permissions as case_permissions
from cases.api import BAD_INPUT, NOT_FOUND
from cases.models import Party
from cases.selectors import case_get_for_user
from config import limits
from config.fields import StrictCharField
from support import selectors, services
from notifications.api import _choice_field
from support.models import Measure, PlanKind, PlanStatus

# Named components: "status" and "kind" have other choice sets elsewhere in the API.
PlanStatusField = _choice_field(PlanStatus, "PlanStatusEnum")
PlanKindField = _choice_field(PlanKind, "PlanKindEnum")
MeasureField = _choice_field(Measure, "PlanMeasureEnum")

# --- Output -----------------------------------------------------------------


class _Private(serializers.CharField):
    """Free text, shown only to readers who may see identities (context["with_identity"])."""

    def to_representation(self, value):
        return str(value) if self.context.get("with_identity") else None


class NoteSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    text = _Private(allow_null=True)
    by = serializers.IntegerField(source="by_id")
    at = serializers.DateTimeField()


class ItemSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    plan = serializers.UUIDField(source="plan_id")
    measure = MeasureField()
    detail = _Private(allow_null=True, help_text="Only for readers who may see identities; else null.")
    owner_agency = serializers.IntegerField(source="owner_agency_id")
    owner = serializers.IntegerField(source="owner_id")
    due_on = serializers.DateField(help_text="Due at the end of this date, in the case's local time.")
    done_at = serializers.DateTimeField(allow_null=True)
    monitoring_item = serializers.IntegerField(source="monitoring_item_id", allow_null=True,
                                               help_text="The commission's monitoring item it carries out.")
    notes = NoteSerializer(many=True, read_only=True)


class PlanSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    party = serializers.UUIDField(source="party_id")
    kind = PlanKindField()
    status = PlanStatusField()
    agreed_with_parents_on = serializers.DateField(source="agreed_with_parents_at", allow_null=True)
    review_interval_months = serializers.IntegerField()
    next_review_on = serializers.DateField(allow_null=True)
    agency = serializers.IntegerField(source="agency_id")
    items = ItemSerializer(many=True, read_only=True)


# --- Input ------------------------------------------------------------------


class PlanCreateSerializer(serializers.Serializer):
    party = serializers.UUIDField()
    kind = serializers.CharField(max_length=limits.CODE_MAX_LENGTH)
    agreed_with_parents_on = serializers.DateField(required=False, allow_null=True)
    review_interval_months = serializers.IntegerField(required=False, allow_null=True)
    next_review_on = serializers.DateField(required=False, allow_null=True)


class ItemCreateSerializer(serializers.Serializer):
    measure = serializers.CharField(max_length=limits.CODE_MAX_LENGTH)
    detail = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.PLAN_NOTE_MAX_LENGTH)
    owner_agency = serializers.IntegerField()
    owner = serializers.IntegerField()
    due_on = serializers.DateField()


class ItemUpdateSerializer(serializers.Serializer):
    owner_agency = serializers.IntegerField()
    owner = serializers.IntegerField()
    due_on = serializers.DateField()


class ProgressSerializer(serializers.Serializer):
    text = StrictCharField(allow_blank=True, max_length=limits.PLAN_NOTE_MAX_LENGTH)


class DoneSerializer(serializers.Serializer):
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=limits.PLAN_NOTE_MAX_LENGTH)


class ReviewSerializer(serializers.Serializer):
    note = StrictCharField(allow_blank=True, max_length=limits.PLAN_NOTE_MAX_LENGTH)
    next_review_on = serializers.DateField(required=False, allow_null=True)


class AgreeSerializer(serializers.Serializer):
    agreed_on = serializers.DateField()


def _ctx(user, case) -> dict:
    return {"with_identity": case_permissions.has_case_perm(user, case_permissions.VIEW_IDENTITY, case)}


def _parsed(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CasePlansApi(APIView):
    @extend_schema(responses={200: PlanSerializer(many=True), 404: NOT_FOUND},
                   description="The case's support plans with their items and progress notes.")
    def get(self, request, case_id):
        case = case_get_for_user(request.user, case_id)
        return Response(PlanSerializer(selectors.case_plans(case), many=True, context=_ctx(request.user, case)).data)

    @extend_schema(request=PlanCreateSerializer, responses={201: PlanSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description=("Draw up a plan for a child of the case (one per child and kind). An initiator's "
                                "plan (KZ §40) is a draft until the parents' agreement is recorded."))
    def post(self, request, case_id):
        case = case_get_for_user(request.user, case_id)
        data = dict(_parsed(PlanCreateSerializer, request))
        party = Party.objects.filter(pk=data.pop("party"), case=case).first()
        plan = services.plan_create(user=request.user, case=case, party=party, **data)
        return Response(PlanSerializer(plan, context=_ctx(request.user, case)).data, status=status.HTTP_201_CREATED)


class PlanItemsApi(APIView):
    @extend_schema(request=ItemCreateSerializer, responses={201: ItemSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description="Add a measure with its owner agency and person and a due date.")
    def post(self, request, case_id, plan_id):
        case = case_get_for_user(request.user, case_id)
        plan = selectors.plan_get(case, plan_id)
        data = dict(_parsed(ItemCreateSerializer, request))
        owner_agency = Agency.objects.filter(pk=data.pop("owner_agency")).first()
        owner = get_user_model().objects.filter(pk=data.pop("owner")).first()
        item = services.plan_item_add(user=request.user, plan=plan, owner_agency=owner_agency, owner=owner, **data)
        return Response(ItemSerializer(item, context=_ctx(request.user, case)).data, status=status.HTTP_201_CREATED)


class PlanReviewApi(APIView):
    @extend_schema(request=ReviewSerializer, responses={201: None, 400: BAD_INPUT, 404: NOT_FOUND},
                   description="Record a review of an active plan (UA IV.3, V.4) and the next review date.")
    def post(self, request, case_id, plan_id):
        case = case_get_for_user(request.user, case_id)
        plan = selectors.plan_get(case, plan_id)
        data = _parsed(ReviewSerializer, request)
        review = services.plan_review(user=request.user, plan=plan, note=data["note"],
                                      next_review_on=data.get("next_review_on"))
        return Response({"id": str(review.pk), "next_review_on": review.next_review_on},
                        status=status.HTTP_201_CREATED)


class PlanAgreeApi(APIView):
    @extend_schema(request=AgreeSerializer, responses={200: PlanSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description="KZ §40: record the parents' agreement of an initiator's plan; it becomes active.")
    def post(self, request, case_id, plan_id):
        case = case_get_for_user(request.user, case_id)
        plan = selectors.plan_get(case, plan_id)
        data = _parsed(AgreeSerializer, request)
        plan = services.plan_agree(user=request.user, plan=plan, agreed_on=data["agreed_on"])
        return Response(PlanSerializer(selectors.plan_get(case, plan.pk), context=_ctx(request.user, case)).data)


class ItemApi(APIView):
    @extend_schema(request=ItemUpdateSerializer, responses={200: ItemSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description=("Change an open item's owner or due date (only the agency that added it); "
                                "its running clock follows."))
    def patch(self, request, case_id, item_id):
        case = case_get_for_user(request.user, case_id)
        item = selectors.item_get(case, item_id)
        data = dict(_parsed(ItemUpdateSerializer, request))
        owner_agency = Agency.objects.filter(pk=data["owner_agency"]).first()
        owner = get_user_model().objects.filter(pk=data["owner"]).first()
        services.plan_item_update(user=request.user, item=item, owner_agency=owner_agency, owner=owner,
                                  due_on=data["due_on"])
        return Response(ItemSerializer(selectors.item_get(case, item.pk), context=_ctx(request.user, case)).data)


class ItemProgressApi(APIView):
    @extend_schema(request=ProgressSerializer, responses={201: NoteSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description="Add a progress note (the owner, the owner agency or the plan's agency).")
    def post(self, request, case_id, item_id):
        case = case_get_for_user(request.user, case_id)
        item = selectors.item_get(case, item_id)
        data = _parsed(ProgressSerializer, request)
        note = services.plan_item_progress(user=request.user, item=item, text=data["text"])
        return Response(NoteSerializer(note, context=_ctx(request.user, case)).data, status=status.HTTP_201_CREATED)


class ItemDoneApi(APIView):
    @extend_schema(request=DoneSerializer, responses={200: ItemSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description="Mark the item done: its clock is met (and the commission's monitoring item).")
    def post(self, request, case_id, item_id):
        case = case_get_for_user(request.user, case_id)
        item = selectors.item_get(case, item_id)
        data = _parsed(DoneSerializer, request)
        item = services.plan_item_done(user=request.user, item=item, note=data["note"])
        return Response(ItemSerializer(selectors.item_get(case, item.pk), context=_ctx(request.user, case)).data)


class MyItemsApi(APIView):
    @extend_schema(responses={200: ItemSerializer(many=True)},
                   description="Open plan items the user owns, earliest due first (free text omitted).")
    def get(self, request):
        items = selectors.my_plan_items(request.user)[:200]
        return Response(ItemSerializer(items, many=True, context={"with_identity": False}).data)
