from django.urls import path

from accounts.api import LogoutApi

urlpatterns = [
    path("auth/logout/", LogoutApi.as_view(), name="api-auth-logout"),
]
