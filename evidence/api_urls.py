"""API routes of the evidence app (included in /api/v1/)."""

from django.urls import path  # noqa: F401

urlpatterns = []
