"""API routes of the evidence app (included in /api/v1/)."""

from django.urls import path

from evidence.api import CaseDocumentsApi, CaseTakedownsApi, DocumentContentApi, DocumentRemoveApi, TakedownDetailApi

urlpatterns = [
    # The upload route's body may be as large as a document (config.limits.UPLOAD_ROUTES).
    path("cases/<uuid:case_id>/documents/", CaseDocumentsApi.as_view(), name="api-case-documents"),
    path("documents/<uuid:document_id>/content/", DocumentContentApi.as_view(), name="api-document-content"),
    path("documents/<uuid:document_id>/remove/", DocumentRemoveApi.as_view(), name="api-document-remove"),
    path("cases/<uuid:case_id>/takedowns/", CaseTakedownsApi.as_view(), name="api-case-takedowns"),
    path("takedowns/<uuid:takedown_id>/", TakedownDetailApi.as_view(), name="api-takedown-detail"),
]
