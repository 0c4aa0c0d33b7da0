"""API clients for the personas: signed in with a token, like a real integration."""

from knox.models import AuthToken
from rest_framework.test import APIClient


def client_for(user) -> APIClient:
    client = APIClient()
    _instance, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client
