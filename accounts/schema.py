"""The OpenAPI description of the API's session authentication (accounts.authentication)."""

from drf_spectacular.authentication import SessionScheme


class VerifiedSessionScheme(SessionScheme):
    target_class = "accounts.authentication.VerifiedSessionAuthentication"
