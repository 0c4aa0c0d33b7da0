"""Browser routes of agency casework, under the case they concern."""

from django.urls import path  # noqa: F401  (the lists below fill in)

app_name = "casework"

# Who in each agency holds the case: assign, reassign, take.
from casework.views import assignment as assignment_views  # noqa: E402

assignment = [
    path("cases/<uuid:case_id>/assignment/", assignment_views.assign, name="assign"),
]

# The agencies' actions, placement and the child's first account.
from casework.views import actions as action_views  # noqa: E402

actions = [
    path("cases/<uuid:case_id>/actions/new/", action_views.action_new, name="action_new"),
    path("cases/<uuid:case_id>/actions/<uuid:pk>/edit/", action_views.action_edit, name="action_edit"),
    path("cases/<uuid:case_id>/first-account/new/", action_views.first_account_new, name="first_account_new"),
    path("cases/<uuid:case_id>/first-account/<uuid:party_id>/", action_views.first_account, name="first_account"),
    path("cases/<uuid:case_id>/first-account/<uuid:party_id>/addendum/", action_views.first_account_addendum,
         name="first_account_addendum"),
]

urlpatterns = [*assignment, *actions]
