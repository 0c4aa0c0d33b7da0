from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("cases/<uuid:case_id>/notices/new/", views.notice_new, name="notice_new"),
    path("cases/<uuid:case_id>/events/new/", views.event_new, name="event_new"),
    path("deadlines/<int:pk>/waive/", views.deadline_waive, name="deadline_waive"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/acknowledge/", views.inbox_acknowledge, name="inbox_acknowledge"),
    path("notifications/", views.bell, name="bell"),
]
