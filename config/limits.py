"""Size limits on what a client may send, in one place (issue #7, item 2).

Short fields take the limit of their model column or browser form; free text
(a report's description, a dissenting opinion, a reason) has no column limit,
so it gets one documented bound: 20,000 characters, about ten typed pages,
well above any real report and far below what would strain the encryption,
the PDF minutes or a page. A request body larger than ``REQUEST_BODY_MAX_BYTES``
is refused before it is parsed (DRF's parsers do not apply Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE``).
"""

import re

FREE_TEXT_MAX_LENGTH = 20_000
REQUEST_BODY_MAX_BYTES = 1024 * 1024
# Issue #9 item 7: the routes that take a document upload (evidence.urls, evidence.api_urls)
# accept a body up to the document size limit (settings.EVIDENCE_MAX_BYTES) plus room for
# the multipart framing and the form's other fields; every other route keeps the 1 MB.
UPLOAD_ROUTES = re.compile(r"^/(?:api/v1/)?cases/[0-9a-fA-F-]{36}/documents/(?:new/)?$")
# Issue #11: a pupil's anonymous report and its follow-up messages carry screenshots (tipline.urls).
UPLOAD_ROUTES_TIPLINE = re.compile(r"^/report/[A-Za-z0-9_-]{20,64}/(?:follow-up/thread/)?$")
UPLOAD_OVERHEAD_BYTES = 64 * 1024


def request_body_max_bytes(path: str) -> int:
    """The largest request body the route at ``path`` accepts."""
    if UPLOAD_ROUTES.match(path) or UPLOAD_ROUTES_TIPLINE.match(path):
        from django.conf import settings

        return settings.EVIDENCE_MAX_BYTES + UPLOAD_OVERHEAD_BYTES
    return REQUEST_BODY_MAX_BYTES

# A person's name parts, identity number, class, phone and address: the
# browser form's limits (cases.forms.PartyForm), the same in the API.
NAME_MAX_LENGTH = 100
IDENTITY_NUMBER_MAX_LENGTH = 20
CLASS_NAME_MAX_LENGTH = 20
PHONE_MAX_LENGTH = 40
ADDRESS_MAX_LENGTH = 300

# Credentials at the token endpoint: the user model's username; a password is
# hashed on every attempt, so an unbounded one is an easy way to burn CPU.
USERNAME_MAX_LENGTH = 150
PASSWORD_MAX_LENGTH = 1024

# Agency casework (issue #9). A code or id a client picks from a list (an action or plan
# kind, a support measure, a help service, a party's id): longer than any the system issues.
CODE_MAX_LENGTH = 64
# One line of an action's free text (casework.registry.LINE).
LINE_MAX_LENGTH = 300
# A child's first account is taken down verbatim however long the child speaks (KZ §35.9),
# so it gets more room than other free text; its place, who was present and addenda share it.
FIRST_ACCOUNT_MAX_LENGTH = 50_000
# A support plan item's details, a progress note, a review note: a few paragraphs.
PLAN_NOTE_MAX_LENGTH = 4_000
