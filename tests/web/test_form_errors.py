"""A refused form shows every problem at once, with a summary at the top linking to each field.

Users met errors in rounds (only "choose a kind" first, the date and IIN errors on the next
submit) and the messages sat 1,000 px below the top, unannounced.
"""

import datetime as dt
import re

import pytest
from django import forms as django_forms
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Case
from tests.web.test_intake import LOCAL, report_post

pytestmark = pytest.mark.django_db


def summary(html: str) -> str:
    match = re.search(r'<div class="error-summary"[^>]*data-error-summary>.*?</div>', html, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_one_submit_reports_the_form_and_the_rule_errors_together(client, persona, school):
    client.force_login(persona("kz-coordinator"))
    tomorrow = (timezone.localtime() + dt.timedelta(days=1)).strftime(LOCAL)
    response = client.post(reverse("cases:new"), report_post(
        school("kz-school-1"), kinds=[], received_at=tomorrow,
        **{"party-0-identity_number": "123456789012", "party-0-birth_date": "2001-01-01",
           "party-1-given_name": ""},
    ))
    assert response.status_code == 400 and Case.objects.count() == 0
    box = summary(response.content.decode())
    expected = {
        "id_kinds": "Choose at least one kind.",                                # the form's own check
        "id_received_at": "cannot be received in the future",                   # the service's rules
        "id_party-0-identity_number": "This identity number is not valid",
        "id_party-0-birth_date": "18 or older",
        "id_party-1-given_name": "Enter the given name.",
    }
    for field_id, message in expected.items():
        assert re.search(rf'<a href="#{field_id}">[^<]*{re.escape(message)}', box), field_id
    assert box.count("Choose at least one kind.") == 1  # the service does not repeat the form


def test_a_field_that_did_not_parse_does_not_hide_the_others(client, persona, school):
    client.force_login(persona("kz-coordinator"))
    response = client.post(reverse("cases:new"), report_post(
        school("kz-school-1"), received_at="not a date", **{"party-0-identity_number": "123456789012"},
    ))
    box = summary(response.content.decode())
    assert 'href="#id_received_at"' in box and 'href="#id_party-0-identity_number"' in box


def test_the_summary_comes_first_and_takes_the_focus_without_inline_script(client, persona, school):
    client.force_login(persona("kz-coordinator"))
    html = client.post(reverse("cases:new"), report_post(school("kz-school-1"), kinds=[])).content.decode()
    assert html.index("data-error-summary") < html.index('class="intake"')
    assert 'tabindex="-1"' in summary(html) and 'role="alert"' in summary(html)
    assert "js/form-errors.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script: the CSP forbids it"


def test_a_missing_victim_is_in_the_summary(client, persona, school):
    client.force_login(persona("kz-coordinator"))
    html = client.post(reverse("cases:new"), report_post(school("kz-school-1"), **{"party-0-role": "witness"})).content.decode()
    assert "Add at least one victim" in summary(html)


def test_a_good_form_shows_no_summary(client, persona):
    client.force_login(persona("kz-coordinator"))
    assert "data-error-summary" not in client.get(reverse("cases:new")).content.decode()


def test_the_notice_form_has_the_summary_too(client, persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    client.force_login(persona("kz-head"))
    response = client.post(reverse("notifications:notice_new", args=[case.pk]),
                           {"recipient": "", "channel": "phone", "sent_at": ""})
    assert response.status_code == 400
    html = response.content.decode()
    link = re.search(r'<a href="#([^"]+)">Recipient: ', summary(html))
    assert link and f'id="{link.group(1)}"' in html  # it leads to the recipient field


# --- Django's own messages in Kazakh ---------------------------------------------------------------

class _Any(dict):
    def __missing__(self, key):
        return 1


def _project_form_messages():
    """Django's own messages (not the project's) that a field of our forms, or a formset, can show."""
    from cases import forms as case_forms
    from commission import forms as commission_forms
    from notifications import forms as notification_forms

    messages = [django_forms.formsets.BaseFormSet.default_error_messages[k]
                for k in ("missing_management_form", "too_many_forms", "too_few_forms")]
    for module in (case_forms, notification_forms, commission_forms):
        for form in vars(module).values():
            if isinstance(form, type) and issubclass(form, django_forms.BaseForm):
                for field in form.base_fields.values():
                    for klass in type(field).__mro__:
                        messages += list(vars(klass).get("default_error_messages", {}).values())
                    messages += [v.message for v in field.validators
                                 if type(v).__module__.startswith("django.") and hasattr(v, "message")]
    return messages


def _render(message) -> str:
    return str(message % _Any())


def test_every_django_message_our_forms_can_show_is_kazakh_or_listed_for_translation():
    from cases.validation_messages import MESSAGES

    with translation.override("en"):
        listed = {_render(m) for m in MESSAGES}
    missing = set()
    for message in _project_form_messages():
        with translation.override("en"):
            english = _render(message)
        with translation.override("kk"):
            kazakh = _render(message)
        if english and kazakh == english and english not in listed:
            missing.add(english)
    assert not missing, f"List these in cases/validation_messages.py: {sorted(missing)}"
