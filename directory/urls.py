from django.urls import path

from directory import views

app_name = "directory"
urlpatterns = [
    path("directory/", views.organisation_list, name="list"),
    path("directory/new/", views.organisation_new, name="new"),
    path("directory/<int:pk>/", views.organisation_detail, name="detail"),
    path("directory/<int:pk>/edit/", views.organisation_edit, name="edit"),
]
