"""API routes of the support app (included in /api/v1/)."""

from django.urls import path

from support import api

urlpatterns = [
    path("cases/<uuid:case_id>/plans/", api.CasePlansApi.as_view(), name="api-support-plans"),
    path("cases/<uuid:case_id>/plans/<uuid:plan_id>/items/", api.PlanItemsApi.as_view(), name="api-support-plan-items"),
    path("cases/<uuid:case_id>/plans/<uuid:plan_id>/review/", api.PlanReviewApi.as_view(),
         name="api-support-plan-review"),
    path("cases/<uuid:case_id>/plans/<uuid:plan_id>/agree/", api.PlanAgreeApi.as_view(), name="api-support-plan-agree"),
    path("cases/<uuid:case_id>/plan-items/<uuid:item_id>/", api.ItemApi.as_view(), name="api-support-item"),
    path("cases/<uuid:case_id>/plan-items/<uuid:item_id>/progress/", api.ItemProgressApi.as_view(),
         name="api-support-item-progress"),
    path("cases/<uuid:case_id>/plan-items/<uuid:item_id>/done/", api.ItemDoneApi.as_view(),
         name="api-support-item-done"),
    path("plan-items/mine/", api.MyItemsApi.as_view(), name="api-support-my-items"),
]
