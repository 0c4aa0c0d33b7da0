"""Jurisdictions, their geography, agencies and the staff who work in them (SPEC §1)."""

import datetime as dt
import zoneinfo
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class Jurisdiction(models.Model):
    """A country whose procedure the system follows (KZ, UA, …)."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=120)
    time_zone = models.CharField(_("time zone"), max_length=64)
    holiday_country = models.CharField(
        _("holiday calendar"), max_length=8, help_text=_("Country code of the `holidays` calendar.")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)

    class Meta:
        ordering = ["code"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self):
        return self.name

    # SPEC §1: times are kept in UTC and read in the jurisdiction's own zone — a register
    # year, a meeting's day and a notice's date are the local ones. Every local reading
    # goes through these helpers rather than building its own ZoneInfo.
    @cached_property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local(self, moment: dt.datetime) -> dt.datetime:
        """The aware moment as the jurisdiction's wall clock shows it."""
        return moment.astimezone(self.zone)

    def local_date(self, moment: dt.datetime) -> dt.date:
        return self.local(moment).date()

    def local_year(self, moment: dt.datetime) -> int:
        return self.local(moment).year

    def at(self, day: dt.date, time: dt.time = dt.time(0)) -> dt.datetime:
        """The aware moment of a local wall-clock time on ``day`` (e.g. local midnight)."""
        return dt.datetime.combine(day, time, tzinfo=self.zone)


class Region(models.Model):
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="regions")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        unique_together = [("jurisdiction", "name")]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class District(models.Model):
    """A district or city within a region."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        unique_together = [("region", "name")]
        verbose_name = _("district or city")
        verbose_name_plural = _("districts and cities")

    def __str__(self):
        return self.name


class AgencyKind(models.TextChoices):
    # SPEC §1 (KZ §2, §13, §18–§20, §26; UA I.5)
    SCHOOL = "school", _("School")
    POLICE = "police", _("Police")
    POLICE_OPERATIONS_CENTRE = "police_operations_centre", _("Police operational control centre")
    GUARDIANSHIP = "guardianship", _("Guardianship and trusteeship authority")
    HEALTH = "health", _("Health organisation")
    SOCIAL_PROTECTION = "social_protection", _("Social protection")
    MINORS_COMMISSION = "minors_commission", _("Commission on minors' affairs")
    MOBILE_GROUP = "mobile_group", _("Mobile group")
    CONTACT_CENTRE_111 = "contact_centre_111", _("111 contact centre")
    NATIONAL_OMBUDSMAN = "national_ombudsman", _("Child-rights ombudsman")
    REGIONAL_OMBUDSMAN = "regional_ombudsman", _("Regional child-rights ombudsman")
    CHILD_RIGHTS_COMMITTEE = "child_rights_committee", _("Child-rights committee")
    PROSECUTOR = "prosecutor", _("Prosecutor's office")
    FORENSIC = "forensic", _("Forensic expertise")
    LOCAL_EXECUTIVE = "local_executive", _("Local executive body")
    MEDIA_MONITORING = "media_monitoring", _("Media monitoring")
    EDUCATION_MINISTRY = "education_ministry", _("Education ministry")
    # KZ §26.1: the local education body ("білім ... органдары"), told immediately.
    EDUCATION_AUTHORITY = "education_authority", _("Education authority")
    PLACEMENT = "placement", _("Placement organisation")
    PSYCHOLOGICAL_SUPPORT = "psychological_support", _("Psychological support centre")
    EDUCATION_OMBUDSMAN = "education_ombudsman", _("Education ombudsman")
    CHILDREN_SERVICE = "children_service", _("Children's service")
    SOCIAL_SERVICES_CENTRE = "social_services_centre", _("Centre of social services")
    LOCAL_SELF_GOVERNMENT = "local_self_government", _("Local self-government")
    SCHOOL_FOUNDER = "school_founder", _("School founder")


class StaffRole(models.TextChoices):
    HEAD = "head", _("Head")
    COORDINATOR = "coordinator", _("Protection coordinator")
    PSYCHOLOGIST = "psychologist", _("Educational psychologist")
    SOCIAL_PEDAGOGUE = "social_pedagogue", _("Social pedagogue")
    CLASS_TEACHER = "class_teacher", _("Class teacher")
    TEACHER = "teacher", _("Teacher")
    COMMISSION_SECRETARY = "commission_secretary", _("Commission secretary")
    OFFICER = "officer", _("Officer")
    # The officer on duty who takes in and hands out an agency's cases (issue #9).
    DUTY_OFFICER = "duty_officer", _("Duty officer")


# Roles whose holders work every case of their school (issue: foundation).
SCHOOL_CASE_TEAM_ROLES = frozenset(
    {StaffRole.HEAD, StaffRole.COORDINATOR, StaffRole.PSYCHOLOGIST, StaffRole.SOCIAL_PEDAGOGUE}
)
# Roles that hand out an agency's cases to its officers (issue #9): the head and the duty officer;
# in a school, the head and the protection coordinator.
ASSIGNING_ROLES = frozenset({StaffRole.HEAD, StaffRole.DUTY_OFFICER, StaffRole.COORDINATOR})
# Roles that may file a report for their school.
SCHOOL_INTAKE_ROLES = SCHOOL_CASE_TEAM_ROLES | {StaffRole.CLASS_TEACHER, StaffRole.TEACHER}
OMBUDSMAN_KINDS = frozenset({AgencyKind.NATIONAL_OMBUDSMAN, AgencyKind.REGIONAL_OMBUDSMAN,
                             AgencyKind.EDUCATION_OMBUDSMAN})


class Agency(models.Model):
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="agencies")
    kind = models.CharField(_("kind"), max_length=40, choices=AgencyKind.choices)
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(
        _("code"), max_length=32, unique=True,
        help_text=_("Short code used in case references; never a name."),
    )
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="agencies")
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="agencies"
    )
    # The group through which case access is granted to this agency's case workers.
    case_group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency", editable=False)

    class Meta:
        ordering = ["jurisdiction__code", "name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.name

    @property
    def is_school(self) -> bool:
        return self.kind == AgencyKind.SCHOOL


class Membership(models.Model):
    """A user's role in an agency. A user may belong to several agencies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=40, choices=StaffRole.choices)

    class Meta:
        unique_together = [("user", "agency", "role")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}, {self.agency}"

    @property
    def works_cases(self) -> bool:
        """Whether this role gives access to the cases shared with the agency."""
        if self.agency.is_school:
            return self.role in SCHOOL_CASE_TEAM_ROLES
        return self.agency.kind not in OMBUDSMAN_KINDS
