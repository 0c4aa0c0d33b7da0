from django.urls import path

from oversight import views, views_pack

app_name = "oversight"
urlpatterns = [
    path("dashboards/", views.dashboard, name="home"),
    path("dashboards/overdue/", views.overdue, name="overdue"),
    path("dashboards/export/", views.export, name="export"),
    # KZ §31: the quarterly briefing pack (oversight.views_pack).
    path("dashboards/pack/", views_pack.pack, name="pack"),
]
