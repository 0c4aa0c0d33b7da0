"""API routes of the oversight dashboards (included in /api/v1/)."""

from django.urls import path

from oversight.api import DashboardApi, DashboardOverdueApi, DashboardScopesApi
from oversight.views_pack import DashboardPackApi

urlpatterns = [
    path("dashboards/", DashboardApi.as_view(), name="api-dashboard"),
    path("dashboards/scopes/", DashboardScopesApi.as_view(), name="api-dashboard-scopes"),
    path("dashboards/overdue/", DashboardOverdueApi.as_view(), name="api-dashboard-overdue"),
    # KZ §31: the quarterly briefing pack (oversight.views_pack).
    path("dashboards/pack/", DashboardPackApi.as_view(), name="api-dashboard-pack"),
]
