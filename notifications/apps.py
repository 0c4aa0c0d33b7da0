from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Deadlines and notices")

    def ready(self):
        from cases.selectors import TIMELINE_NAMERS
        from notifications.selectors import rule_names

        # The case timeline names a clock by its rule's name, not its code.
        TIMELINE_NAMERS["rule"] = rule_names
