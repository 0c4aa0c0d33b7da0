"""The API's session authentication, refusing a session that still owes its second factor."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from accounts.permissions import second_factor_due


class VerifiedSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and second_factor_due(request._request.user):
            raise exceptions.AuthenticationFailed(_("Finish logging in with your second factor first."))
        return result
