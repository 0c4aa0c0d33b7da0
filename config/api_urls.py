"""The REST API (included at ``api/``): versioned resources, the OpenAPI schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from agencies.api import AgencyListApi
from cases.api import CaseDetailApi, CaseListApi, CasePartiesApi
from commission.api import (
    CommissionListApi, MeetingAttendanceApi, MeetingDetailApi, MeetingListApi, MeetingMinutesApi, MeetingVotesApi,
)
from notifications.api import (
    CaseDeadlinesApi, CaseEventsApi, CaseNoticesApi, DeadlineWaiveApi, InboxAcknowledgeApi, InboxApi,
)
from privacy.lockout import TokenObtainApi

v1 = [
    path("auth/token/", TokenObtainApi.as_view(), name="api-token"),
    path("cases/", CaseListApi.as_view(), name="api-case-list"),
    path("cases/<uuid:case_id>/", CaseDetailApi.as_view(), name="api-case-detail"),
    path("cases/<uuid:case_id>/parties/", CasePartiesApi.as_view(), name="api-case-parties"),
    path("cases/<uuid:case_id>/deadlines/", CaseDeadlinesApi.as_view(), name="api-case-deadlines"),
    path("cases/<uuid:case_id>/notices/", CaseNoticesApi.as_view(), name="api-case-notices"),
    path("cases/<uuid:case_id>/events/", CaseEventsApi.as_view(), name="api-case-events"),
    path("deadlines/<int:pk>/waive/", DeadlineWaiveApi.as_view(), name="api-deadline-waive"),
    path("inbox/", InboxApi.as_view(), name="api-inbox"),
    path("inbox/<int:pk>/acknowledge/", InboxAcknowledgeApi.as_view(), name="api-inbox-acknowledge"),
    path("agencies/", AgencyListApi.as_view(), name="api-agency-list"),
    path("commissions/", CommissionListApi.as_view(), name="api-commission-list"),
    path("meetings/", MeetingListApi.as_view(), name="api-meeting-list"),
    path("meetings/<int:meeting_id>/", MeetingDetailApi.as_view(), name="api-meeting-detail"),
    path("meetings/<int:meeting_id>/attendance/", MeetingAttendanceApi.as_view(), name="api-meeting-attendance"),
    path("meetings/<int:meeting_id>/votes/", MeetingVotesApi.as_view(), name="api-meeting-votes"),
    path("meetings/<int:meeting_id>/minutes/", MeetingMinutesApi.as_view(), name="api-meeting-minutes"),
    path("", include("cases.api_urls")),
    path("", include("casework.api_urls")),
    path("", include("evidence.api_urls")),
    path("", include("support.api_urls")),
    path("", include("directory.api_urls")),
    path("", include("oversight.api_urls")),
    path("", include("tipline.api_urls")),
    path("", include("accounts.api_urls")),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's set-up as a script file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
