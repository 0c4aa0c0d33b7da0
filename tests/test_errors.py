"""One input error, one API handler, one form helper (config/errors.py).

A service refuses input with ``InputError``; every API answers it as a 400 with the
messages per field in the request's language, and every browser form shows it next to
the fields. Anything else a view raises is not turned into a 400.
"""

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.exceptions import PermissionDenied
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from config.errors import InputError, errors_to_form
from notifications.models import Deadline
from tests.api.clients import client_for

WAIVE_REFUSED = "Only the school head or the responsible agency's head can waive a deadline."


def _view_raising(exc):
    class Raising(APIView):
        authentication_classes = []
        permission_classes = []

        def post(self, request):
            raise exc

    return Raising.as_view()


def _post(view, data=None):
    return view(APIRequestFactory().post("/anything/", data or {}, format="json"))


# --- The API handler ---------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ru", "uk", "kk"])
def test_a_services_refusal_is_a_400_per_field_in_the_request_language(persona, file_case, language):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    deadline = Deadline.objects.filter(case=case).first()

    # The coordinator may see the case and ask, but only a head may waive (the service says no).
    response = client_for(persona("kz-coordinator")).post(
        f"/api/v1/deadlines/{deadline.pk}/waive/", {"reason": "No need"}, format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    with translation.override(language):
        assert response.json() == {"non_field_errors": [gettext(WAIVE_REFUSED)]}


def test_the_errors_keep_drfs_shape_with_parties_aligned_with_the_input():
    view = _view_raising(InputError({
        "__all__": ["Add at least one victim."],
        "received_at": ["The report cannot be received in the future."],
        "parties": {1: {"family_name": ["Enter the family name."]}},
        "new_representative": {"phone": ["Enter a phone number."]},
    }))

    response = _post(view, {"parties": [{}, {}, {}]})

    assert response.status_code == 400
    assert response.data == {
        "non_field_errors": ["Add at least one victim."],
        "received_at": ["The report cannot be received in the future."],
        "parties": [{}, {"family_name": ["Enter the family name."]}, {}],
        "new_representative": {"phone": ["Enter a phone number."]},
    }


def test_a_view_that_raises_anything_else_is_not_answered_as_bad_input():
    with pytest.raises(RuntimeError):
        _post(_view_raising(RuntimeError("a bug, not bad input")))


def test_drfs_own_errors_keep_their_answers():
    assert _post(_view_raising(PermissionDenied())).status_code == 403


# --- The form helper ---------------------------------------------------------------------------

class NoticeLikeForm(forms.Form):
    recipient = forms.CharField(required=False)
    family_name = forms.CharField(required=False)
    sent_at = forms.CharField(required=True)
    submission_key = forms.CharField(required=False)


def _bound_form(**data):
    form = NoticeLikeForm(data)
    form.is_valid()
    return form


def test_errors_land_next_to_the_fields_they_concern_and_the_rest_above_the_form():
    form = _bound_form(sent_at="now")

    errors_to_form(form, {
        "__all__": ["You may not send notices about this case."],
        "to_agency": ["Not a recipient for your agency."],
        "new_representative": {"family_name": ["Enter the family name."], "birth_date": ["Too young."]},
        "submission_key": ["This key was used for another report."],
        "sent_at": ["The time cannot be in the future."],
        "unknown": ["Something about no field of this form."],
    }, {"to_agency": "recipient", "new_representative.family_name": "family_name", "submission_key": None})

    assert form.errors["recipient"] == ["Not a recipient for your agency."]
    assert form.errors["family_name"] == ["Enter the family name."]
    assert form.errors["sent_at"] == ["The time cannot be in the future."]
    assert form.non_field_errors() == [
        "You may not send notices about this case.", "Too young.", "This key was used for another report.",
        "Something about no field of this form.",
    ]


def test_a_field_the_form_refused_keeps_its_own_message_alone_when_asked():
    form = _bound_form(sent_at="")
    own = list(form.errors["sent_at"])

    errors_to_form(form, {"sent_at": ["Enter when the notice was sent."], "recipient": ["Choose one."]},
                   keep_form_errors=True)

    assert form.errors["sent_at"] == own
    assert form.errors["recipient"] == ["Choose one."]
