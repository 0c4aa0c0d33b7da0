"""The help directory (SPEC H5, KZ §38): organisations outside the case's agencies that help
children and families. Public directory data about organisations, never about people."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import District, Jurisdiction, Region


class HelpService(models.TextChoices):
    # KZ §34–§39, §42: what the support plans refer children and families to.
    PSYCHOLOGICAL = "psychological", _("Psychological help")
    MEDICAL = "medical", _("Medical help")
    LEGAL = "legal", _("Legal aid")
    CRISIS_CENTRE = "crisis_centre", _("Crisis centre or shelter")
    SOCIAL = "social", _("Social services")
    FAMILY = "family", _("Family support and parenting programmes")
    LEISURE = "leisure", _("Clubs and extra-curricular activities")
    HOTLINE = "hotline", _("Helpline")


class HelpOrganisation(models.Model):
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="help_organisations")
    # Empty region: the organisation serves the whole country (a national helpline).
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    services = models.JSONField(_("services"), default=list)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # KZ §38 asks for an up-to-date directory: when the entry was last checked.
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        ordering = ["jurisdiction__code", "name"]
        verbose_name = _("help organisation")
        verbose_name_plural = _("help organisations")

    def __str__(self):
        return self.name

    @property
    def service_labels(self) -> list[str]:
        return [HelpService(code).label for code in self.services if code in HelpService.values]
