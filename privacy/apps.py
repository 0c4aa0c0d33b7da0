from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy and audit")

    def ready(self):
        from privacy import lockout

        lockout.connect_signals()
