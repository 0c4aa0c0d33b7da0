"""API routes of the directory app (included in /api/v1/)."""

from django.urls import path

from directory.api import HelpOrganisationDetailApi, HelpOrganisationListApi

urlpatterns = [
    path("help-organisations/", HelpOrganisationListApi.as_view(), name="api-help-organisation-list"),
    path("help-organisations/<int:pk>/", HelpOrganisationDetailApi.as_view(), name="api-help-organisation-detail"),
]
