"""Show and read times in the user's jurisdiction's zone (UTC in the database)."""

from django.utils import timezone

from agencies.selectors import memberships_of


class JurisdictionTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = None
        if request.user.is_authenticated:
            memberships = memberships_of(request.user)
            if memberships:
                zone = memberships[0].agency.jurisdiction.zone
        if zone:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        return self.get_response(request)
