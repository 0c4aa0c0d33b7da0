"""Browser routes of agency casework, under the case they concern."""

from django.urls import path  # noqa: F401  (the lists below fill in)

app_name = "casework"

# Who in each agency holds the case: assign, reassign, take.
assignment = []

# The agencies' actions, placement and the child's first account.
actions = []

urlpatterns = [*assignment, *actions]
