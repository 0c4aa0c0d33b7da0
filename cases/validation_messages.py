"""Django's own form messages that Django's Kazakh catalogue leaves in English.

Listed here so that ``makemessages`` puts them in the project's catalogue
(locale/kk), which Django reads before its own: a refused form then speaks
Kazakh throughout, not only in the project's messages. Nothing imports this
module; tests/web/test_form_errors.py checks that the list stays complete for
the fields our forms use.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = (
    # CharField(max_length=...), min_length
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    # CharField: every text field refuses NUL characters
    gettext_noop("Null characters are not allowed."),
    # UUIDField (the report form's one-time key), IntegerField
    gettext_noop("Enter a valid UUID."),
    gettext_noop("Enter a valid integer."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a complete value."),
    # ModelMultipleChoiceField
    gettext_noop("“%(pk)s” is not a valid value."),
    # A hidden field's error is shown among the form's own errors
    gettext_noop("(Hidden field %(name)s) %(error)s"),
    # A local time that the clock change skips or repeats (UA: Europe/Kyiv has summer time)
    gettext_noop(
        "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; it may be ambiguous or it may not exist."
    ),
    # Formsets (parties, decision measures, composition)
    gettext_noop("ManagementForm data is missing or has been tampered with. Missing fields: "
                 "%(field_names)s. You may need to file a bug report if the issue persists."),
    ngettext_lazy("Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", "num"),
    ngettext_lazy("Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", "num"),
)
