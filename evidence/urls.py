from django.urls import path

from evidence import views

app_name = "evidence"
urlpatterns = [
    # The upload route's body may be as large as a document (config.limits.UPLOAD_ROUTES).
    path("cases/<uuid:case_id>/documents/new/", views.document_new, name="document_new"),
    path("documents/<uuid:document_id>/", views.document_download, name="document_download"),
    path("documents/<uuid:document_id>/remove/", views.document_remove, name="document_remove"),
    path("cases/<uuid:case_id>/takedowns/new/", views.takedown_new, name="takedown_new"),
    path("takedowns/<uuid:takedown_id>/status/", views.takedown_update, name="takedown_update"),
]
