"""API routes of agency casework (included in /api/v1/)."""

from django.urls import path  # noqa: F401  (the lists below fill in)

# Who in each agency holds the case.
assignment = []

# The agencies' actions, placement and the child's first account.
actions = []

urlpatterns = [*assignment, *actions]
