from django.urls import path

from commission import views

app_name = "commission"
urlpatterns = [
    path("", views.home, name="home"),
    path("schools/<int:school_id>/composition/", views.composition, name="composition"),
    path("schools/<int:school_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("schools/<int:school_id>/meetings/check/", views.meeting_check, name="meeting_check"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/poll/", views.meeting_poll, name="meeting_poll"),
    path("meetings/<int:meeting_id>/notice/", views.meeting_notice, name="meeting_notice"),
    path("meetings/<int:meeting_id>/invitations/", views.invitation, name="invitation"),
    path("meetings/<int:meeting_id>/notices/", views.meeting_notice_record, name="meeting_notice_record"),
    path("meetings/<int:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:meeting_id>/attendance/card/", views.attendance_card, name="attendance_card"),
    path("meetings/<int:meeting_id>/substitutions/", views.substitution, name="substitution"),
    path("meetings/<int:meeting_id>/open/", views.meeting_open, name="meeting_open"),
    path("meetings/<int:meeting_id>/questions/<int:question_id>/vote/", views.vote, name="vote"),
    path("meetings/<int:meeting_id>/questions/<int:question_id>/tally/", views.tally, name="tally"),
    path("meetings/<int:meeting_id>/questions/<int:question_id>/close/", views.question_close,
         name="question_close"),
    path("meetings/<int:meeting_id>/items/<int:item_id>/again/", views.question_put_again,
         name="question_put_again"),
    path("meetings/<int:meeting_id>/items/<int:item_id>/decision/", views.decision_new, name="decision_new"),
    path("meetings/<int:meeting_id>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<int:meeting_id>/minutes/order/", views.minutes_formalise, name="minutes_formalise"),
    path("meetings/<int:meeting_id>/communicate/", views.decision_communicate, name="decision_communicate"),
    path("meetings/<int:meeting_id>/minutes.pdf", views.minutes, name="minutes"),
]
