"""The REST API (included at ``api/``): versioned resources, the OpenAPI schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from agencies.api import AgencyListApi
from cases.api import CaseDetailApi, CaseListApi, CasePartiesApi

v1 = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("cases/", CaseListApi.as_view(), name="api-case-list"),
    path("cases/<uuid:case_id>/", CaseDetailApi.as_view(), name="api-case-detail"),
    path("cases/<uuid:case_id>/parties/", CasePartiesApi.as_view(), name="api-case-parties"),
    path("agencies/", AgencyListApi.as_view(), name="api-agency-list"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
