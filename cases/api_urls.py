"""The case lifecycle's API routes (issue #9 item 10), included in config.api_urls' v1."""

from django.urls import path

from cases.api import CaseCloseApi, CaseLinkSchoolApi, CaseMergeApi, CaseReopenApi, CaseScreeningsApi

urlpatterns = [
    path("cases/<uuid:case_id>/close/", CaseCloseApi.as_view(), name="api-case-close"),
    path("cases/<uuid:case_id>/reopen/", CaseReopenApi.as_view(), name="api-case-reopen"),
    path("cases/<uuid:case_id>/link-school/", CaseLinkSchoolApi.as_view(), name="api-case-link-school"),
    path("cases/<uuid:case_id>/merge/", CaseMergeApi.as_view(), name="api-case-merge"),
    path("cases/<uuid:case_id>/screenings/", CaseScreeningsApi.as_view(), name="api-case-screenings"),
]
