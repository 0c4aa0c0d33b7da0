from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/edit/", views.case_edit, name="edit"),
    path("<uuid:case_id>/parties/new/", views.party_new, name="party_new"),
    path("<uuid:case_id>/screenings/new/", views.screening_new, name="screening_new"),
    path("<uuid:case_id>/close/", views.case_close, name="close"),
    path("<uuid:case_id>/reopen/", views.case_reopen, name="reopen"),
    path("<uuid:case_id>/link-school/", views.case_link_school, name="link_school"),
    path("<uuid:case_id>/merge/", views.case_merge, name="merge"),
]
