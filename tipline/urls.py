from django.urls import path

from tipline import views

app_name = "tipline"
urlpatterns = [
    # Public (no account). The token is the school's random link, never its id or name.
    path("report/<str:token>/", views.report_new, name="report"),
    path("report/<str:token>/follow-up/", views.follow_up, name="follow_up"),
    path("report/<str:token>/follow-up/thread/", views.thread, name="thread"),
    path("report/<str:token>/follow-up/leave/", views.follow_up_leave, name="follow_up_leave"),
    # The school's triage of its pupils' reports.
    path("triage/", views.queue, name="queue"),
    path("triage/<uuid:tip_id>/", views.detail, name="detail"),
    path("triage/<uuid:tip_id>/reply/", views.reply, name="reply"),
    path("triage/<uuid:tip_id>/close/", views.close, name="close"),
    path("triage/<uuid:tip_id>/convert/", views.convert, name="convert"),
    path("triage/<uuid:tip_id>/files/<uuid:file_id>/", views.file_download, name="file"),
    path("triage/schools/<int:school_id>/link/", views.school_link, name="school_link"),
    path("triage/schools/<int:school_id>/qr.svg", views.school_qr, name="school_qr"),
]
