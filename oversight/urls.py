from django.urls import path

from oversight import views

app_name = "oversight"
urlpatterns = [
    path("dashboards/", views.dashboard, name="home"),
    path("dashboards/overdue/", views.overdue, name="overdue"),
    path("dashboards/export/", views.export, name="export"),
]
