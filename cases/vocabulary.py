"""The domain's closed vocabularies (SPEC §2): codes in English snake_case."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    # SPEC R2 (KZ §6, §13; UA II.1)
    SELF_REPORT = "self_report", _("Self-report by the pupil")
    PUPIL_REPORT = "pupil_report", _("Report by another pupil")
    STAFF_REPORT = "staff_report", _("Report or suspicion by staff")
    PARENT_REPORT = "parent_report", _("Report by a parent, legal representative or other person")
    CONTACT_CENTRE_111 = "contact_centre_111", _("111 contact centre")
    OMBUDSMAN_LINE = "ombudsman_line", _("Regional ombudsman's line")
    HOME_VISIT = "home_visit", _("Home visit by an agency")
    CITIZEN_RECEPTION = "citizen_reception", _("Citizen reception")
    WRITTEN_APPLICATION = "written_application", _("Written application")
    MEDIA_MONITORING = "media_monitoring", _("Media and social-network monitoring")
    HEALTH_SOCIAL_WORKER = "health_social_worker", _("Health or social worker")
    # SPEC R8 (KZ §10): a pupil's or parent's report through the school's public page (tipline app)
    ONLINE_ANONYMOUS = "online_anonymous", _("Anonymous online report")


class Sex(models.TextChoices):
    # Counted only in aggregates (oversight dashboards); encrypted on the party like the rest.
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Kind(models.TextChoices):
    # SPEC R3
    VIOLENCE = "violence", _("Violence")
    BULLYING = "bullying", _("Bullying")
    CYBERBULLYING = "cyberbullying", _("Cyberbullying")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence")


class Form(models.TextChoices):
    # UA I.4
    PHYSICAL = "physical", _("Physical")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    ECONOMIC = "economic", _("Economic")
    SEXUAL = "sexual", _("Sexual")
    OTHER = "other", _("Other violent offence")


class Place(models.TextChoices):
    # UA I.4 closing paragraph; KZ ch. 3
    CLASSROOM = "classroom", _("Classroom")
    GYM = "gym", _("Gym or sports hall")
    CORRIDOR = "corridor", _("Corridor")
    LOCKER_ROOM = "locker_room", _("Locker room")
    TOILET = "toilet", _("Toilet")
    SHOWER = "shower", _("Shower room")
    CANTEEN = "canteen", _("Canteen")
    SCHOOL_GROUNDS = "school_grounds", _("School grounds")
    SCHOOL_EVENT = "school_event", _("School event off site")
    WAY_TO_SCHOOL = "way_to_school", _("On the way to or from school")
    HOME = "home", _("Home")
    OUTSIDE_SCHOOL = "outside_school", _("Elsewhere outside school")
    ONLINE = "online", _("Online")


class PartyRole(models.TextChoices):
    # SPEC R5 (UA I.2)
    VICTIM = "victim", _("Victim")
    INITIATOR = "initiator", _("Initiator")
    WITNESS = "witness", _("Witness")
    REPORTER = "reporter", _("Reporter")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CaseOutcome(models.TextChoices):
    # Issue #9: why a case was closed.
    HANDLED = "handled", _("Confirmed and handled")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")
    REFERRED_LAW_ENFORCEMENT = "referred_law_enforcement", _("Referred to law enforcement")
    MERGED = "merged", _("Merged into another report of the same incident")
    OTHER = "other", _("Other")


class CaseChangeKind(models.TextChoices):
    UPDATE = "update", _("Facts changed")
    CLOSE = "close", _("Closed")
    REOPEN = "reopen", _("Reopened")
    LINK_SCHOOL = "link_school", _("Linked to a school")
    MERGE = "merge", _("Merged")
