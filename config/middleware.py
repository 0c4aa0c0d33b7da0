"""Request and response rules that hold for every page and endpoint (issue #7)."""

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from config.limits import request_body_max_bytes


class NoStoreMiddleware:
    """Nothing the app answers is kept by a browser or a proxy cache.

    Case pages, the API and the PDF minutes carry children's data: on a shared
    school computer the back button or the disk cache must not show them to the
    next person. Static files are answered by WhiteNoise before this runs and
    keep their long cache lifetime.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Cache-Control"] = "no-store, private"
        if "Expires" in response:
            del response["Expires"]
        return response


class RequestBodyLimitMiddleware:
    """Refuse a request body over ``REQUEST_BODY_MAX_BYTES`` (on document upload routes, the
    document size limit: ``config.limits.request_body_max_bytes``) before anything reads it.

    DRF's parsers read the body themselves and do not apply Django's
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``: without this a client could make the app
    parse, validate and encrypt a body of any size. A body sent without a
    ``Content-Length`` is not read by Django at all (WSGI), so the header is
    the whole story.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = request_body_max_bytes(request.path)  # larger on the document upload routes
        if length > limit:
            message = _("The request is too large: send at most %(size)d KB.") % {"size": limit // 1024}
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
