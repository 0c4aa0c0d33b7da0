"""API routes of the support app (included in /api/v1/)."""

from django.urls import path  # noqa: F401

urlpatterns = []
