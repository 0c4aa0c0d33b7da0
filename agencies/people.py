"""How staff are shown to people: by full name, never by login (logins are credentials)."""

from django.utils.translation import gettext as _


def display_name(user) -> str:
    """The user's full name; a neutral placeholder when none is recorded."""
    if user is None:
        return _("(the system)")
    name = user.get_full_name().strip()
    return name or _("(name not recorded)")
