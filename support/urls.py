from django.urls import path

from support import views

app_name = "support"
urlpatterns = [
    path("cases/<uuid:case_id>/plans/", views.case_plans, name="case_plans"),
    path("cases/<uuid:case_id>/plans/new/", views.plan_new, name="plan_new"),
    path("cases/<uuid:case_id>/plans/<uuid:plan_id>/agree/", views.plan_agree, name="plan_agree"),
    path("cases/<uuid:case_id>/plans/<uuid:plan_id>/review/", views.plan_review, name="plan_review"),
    path("cases/<uuid:case_id>/plans/<uuid:plan_id>/close/", views.plan_close, name="plan_close"),
    path("cases/<uuid:case_id>/plans/<uuid:plan_id>/from-commission/", views.plan_from_commission,
         name="plan_from_commission"),
    path("cases/<uuid:case_id>/plans/<uuid:plan_id>/items/new/", views.item_new, name="item_new"),
    path("cases/<uuid:case_id>/plans/items/<uuid:item_id>/edit/", views.item_edit, name="item_edit"),
    path("cases/<uuid:case_id>/plans/items/<uuid:item_id>/progress/", views.item_progress, name="item_progress"),
    path("cases/<uuid:case_id>/plans/items/<uuid:item_id>/done/", views.item_done, name="item_done"),
    path("plans/mine/", views.my_items, name="my_items"),
]
