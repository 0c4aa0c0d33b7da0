from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TiplineConfig(AppConfig):
    name = "tipline"
    verbose_name = _("Reports from pupils")
