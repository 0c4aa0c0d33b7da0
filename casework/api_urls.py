"""API routes of agency casework (included in /api/v1/)."""

from django.urls import path  # noqa: F401  (the lists below fill in)

# Who in each agency holds the case.
from casework.api import assignment as assignment_api  # noqa: E402

assignment = [
    path("cases/<uuid:case_id>/assignment/", assignment_api.CaseAssignmentApi.as_view(), name="api-case-assignment"),
]

# The agencies' actions, placement and the child's first account.
from casework.api import actions as actions_api  # noqa: E402

actions = [
    path("cases/<uuid:case_id>/actions/", actions_api.CaseActionsApi.as_view(), name="api-case-actions"),
    path("actions/<uuid:pk>/", actions_api.ActionDetailApi.as_view(), name="api-action-detail"),
    path("cases/<uuid:case_id>/first-accounts/", actions_api.CaseFirstAccountsApi.as_view(),
         name="api-case-first-accounts"),
    path("cases/<uuid:case_id>/first-accounts/<uuid:party_id>/", actions_api.FirstAccountApi.as_view(),
         name="api-case-first-account"),
]

urlpatterns = [*assignment, *actions]
