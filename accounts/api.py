"""The API's log-out: the token it is called with stops working (issue #11 §2)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.auth import TokenAuthentication
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services


class LogoutApi(APIView):
    """Revoke the token this request is signed with."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={
        204: OpenApiResponse(description="The token is revoked."),
        401: OpenApiResponse(description="No token, or a token that is expired or revoked already."),
    })
    def post(self, request):
        services.token_revoke(user=request.user, token=request.auth, channel="api")
        return Response(status=status.HTTP_204_NO_CONTENT)
