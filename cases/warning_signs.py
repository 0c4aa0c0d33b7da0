"""Warning-sign checklists (SPEC R6) that staff of each kind can tick.

Each checklist is the list its source paragraph gives. Self-harm and suicidal
manifestations are on every checklist because they make the case urgent
wherever they are seen (UA I.3; SPEC R6).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sign(models.TextChoices):
    # KZ §7 — class teacher and teachers (13 signs)
    GRADES_DROP = "grades_drop", _("Falling grades")
    ABSENCES = "absences", _("Missing lessons, lateness")
    POOR_HYGIENE = "poor_hygiene", _("Poor hygiene, dirty clothes")
    BRUISES_WOUNDS = "bruises_wounds", _("Bruises, wounds (including behind the ears)")
    HAIR_PULLED = "hair_pulled", _("Pulled-out hair")
    SKIPS_PE = "skips_pe", _("Skipping physical education")
    SEXUALISED_PLAY = "sexualised_play", _("Sexualised drawings or games")
    AGGRESSION_DISOBEDIENCE = "aggression_disobedience", _("Aggression, disobedience")
    REJECTED_BY_PEERS = "rejected_by_peers", _("Rejected by peers")
    INDIFFERENT_LOOK = "indifferent_look", _("Indifferent look")
    POOR_PEER_RELATIONS = "poor_peer_relations", _("Poor relations with peers")
    PROVOCATIVE_BEHAVIOUR = "provocative_behaviour", _("Provocative behaviour")
    RUNS_AWAY = "runs_away", _("Running away from home")
    # KZ §15 — health worker on a home visit
    DEVELOPMENT_HEALTH = "development_health", _("Concerns about development, physical or mental health")
    PARENT_ATTITUDE = "parent_attitude", _("Parents' attitude to the child, family relations")
    HOSPITALISED_INJURY = "hospitalised_injury", _("Hospitalised for injuries or poisoning")
    LIVING_CONDITIONS = "living_conditions", _("Poor living conditions (sanitation, bed, clothes, food)")
    # KZ §16 — police officer
    HOME_SANITATION = "home_sanitation", _("Sanitary state of the home")
    HOME_BEHAVIOUR = "home_behaviour", _("Behaviour at home (withdrawn, shy), visible injuries or illness")
    HOUSEHOLD_SUBSTANCES = "household_substances", _(
        "Household members' alcohol or drug use, criminal record"
    )
    # KZ §17 — social protection, guardianship, mobile group, minors' commission
    PHYSICAL_VIOLENCE_SIGNS = "physical_violence_signs", _(
        "Signs of physical violence (scratches, scars, burns, injuries, bruises)"
    )
    CHILDREN_BEHAVIOUR = "children_behaviour", _(
        "Children's state and behaviour (isolation, fear of going home, anxiety, tics)"
    )
    # UA I.3 — manifestations that can ground a suspicion of bullying (22)
    WITHDRAWN_ANXIOUS = "withdrawn_anxious", _("Withdrawn, anxious, fearful or recklessly fearless")
    UNBALANCED = "unbalanced", _("Unbalanced behaviour")
    AGGRESSIVE = "aggressive", _("Aggression, fits of rage, destructiveness")
    SUDDEN_CHANGE = "sudden_change", _("Sudden change in usual behaviour")
    SLOWED_THINKING = "slowed_thinking", _("Slowed thinking, reduced ability to learn")
    AVOIDS_CONTACT = "avoids_contact", _("Unsociable, avoids contact")
    ISOLATED = "isolated", _("Isolated, excluded from the group")
    LOW_SELF_ESTEEM = "low_self_esteem", _("Low self-esteem, feelings of guilt")
    FATIGUE = "fatigue", _("Tires quickly, cannot concentrate")
    FEAR_OF_OTHERS = "fear_of_others", _("Shows fear when certain people appear")
    SKIPS_CLASSES = "skips_classes", _("Tends to skip classes")
    REFUSES_SCHOOL = "refuses_school", _("Refuses to attend school, citing feeling unwell")
    DEPRESSED = "depressed", _("Depressive states")
    SELF_HARM = "self_harm", _("Self-harm")
    SUICIDAL = "suicidal", _("Suicidal manifestations")
    VISIBLE_INJURIES = "visible_injuries", _("Visible injuries or signs of feeling unwell")
    HIDES_INJURIES = "hides_injuries", _("Tries to hide injuries and how they happened")
    COMPLAINTS_LOSSES = "complaints_losses", _(
        "Complaints of pain; belongings damaged, lost or extorted; sexual rumours or threats"
    )
    ABUSE_MEDIA = "abuse_media", _("Photos, videos or audio of abuse")
    PROPERTY_DAMAGED = "property_damaged", _("Property or belongings damaged or missing")


URGENT_SIGNS = frozenset({Sign.SELF_HARM, Sign.SUICIDAL})


class Checklist(models.TextChoices):
    KZ_TEACHER = "kz_teacher", _("Teacher (KZ §7)")
    KZ_HEALTH = "kz_health", _("Health worker's home visit (KZ §15)")
    KZ_POLICE = "kz_police", _("Police officer (KZ §16)")
    KZ_SOCIAL = "kz_social", _("Social protection, guardianship, mobile group (KZ §17)")
    UA_SCHOOL = "ua_school", _("Manifestations of bullying (UA I.3)")


_URGENT = [Sign.SELF_HARM, Sign.SUICIDAL]
CHECKLIST_SIGNS = {
    Checklist.KZ_TEACHER: [
        Sign.GRADES_DROP, Sign.ABSENCES, Sign.POOR_HYGIENE, Sign.BRUISES_WOUNDS, Sign.HAIR_PULLED,
        Sign.SKIPS_PE, Sign.SEXUALISED_PLAY, Sign.AGGRESSION_DISOBEDIENCE, Sign.REJECTED_BY_PEERS,
        Sign.INDIFFERENT_LOOK, Sign.POOR_PEER_RELATIONS, Sign.PROVOCATIVE_BEHAVIOUR, Sign.RUNS_AWAY,
        *_URGENT,
    ],
    Checklist.KZ_HEALTH: [
        Sign.DEVELOPMENT_HEALTH, Sign.PARENT_ATTITUDE, Sign.HOSPITALISED_INJURY, Sign.LIVING_CONDITIONS,
        *_URGENT,
    ],
    Checklist.KZ_POLICE: [Sign.HOME_SANITATION, Sign.HOME_BEHAVIOUR, Sign.HOUSEHOLD_SUBSTANCES, *_URGENT],
    Checklist.KZ_SOCIAL: [
        Sign.PHYSICAL_VIOLENCE_SIGNS, Sign.LIVING_CONDITIONS, Sign.CHILDREN_BEHAVIOUR, *_URGENT,
    ],
    Checklist.UA_SCHOOL: [
        Sign.WITHDRAWN_ANXIOUS, Sign.UNBALANCED, Sign.AGGRESSIVE, Sign.SUDDEN_CHANGE,
        Sign.SLOWED_THINKING, Sign.AVOIDS_CONTACT, Sign.ISOLATED, Sign.LOW_SELF_ESTEEM, Sign.FATIGUE,
        Sign.FEAR_OF_OTHERS, Sign.SKIPS_CLASSES, Sign.REFUSES_SCHOOL, Sign.DEPRESSED, Sign.SELF_HARM,
        Sign.SUICIDAL, Sign.VISIBLE_INJURIES, Sign.HIDES_INJURIES, Sign.COMPLAINTS_LOSSES,
        Sign.ABUSE_MEDIA, Sign.PROPERTY_DAMAGED,
    ],
}

# The school checklist each jurisdiction's staff use on the intake form.
SCHOOL_CHECKLIST = {"KZ": Checklist.KZ_TEACHER, "UA": Checklist.UA_SCHOOL}


def school_checklist_for(jurisdiction_code: str) -> Checklist:
    return SCHOOL_CHECKLIST.get(jurisdiction_code, Checklist.UA_SCHOOL)
