"""What each kind of agency action holds, who records it, and the clock it meets or starts.

The registry is the single description both the browser form and the API validate
against (``casework.services.actions``). A field's type says where its value goes:
``text``/``line`` are free text and are sealed in ``Action.details``; every other type
is a code, number, date, tick or id and is kept in ``Action.data``.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from agencies.models import AgencyKind as A
from casework.models import ActionKind as K
from directory.models import HelpService
from notifications.models import SatisfyEvent, StartEvent

TEXT, LINE = "text", "line"  # free text: encrypted
CODE, DATE, BOOL, CHOICE, CHOICES = "code", "date", "bool", "choice", "choices"
PARTY, ORGANISATION = "party", "organisation"  # ids: a minor party of the case, a help organisation
FREE_TEXT_TYPES = frozenset({TEXT, LINE})

KZ, UA = "KZ", "UA"


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    label: str
    required: bool = False
    choices: tuple = ()
    help: str = ""


@dataclass(frozen=True)
class Kind:
    kind: str
    source: str
    agency_kinds: frozenset
    fields: tuple
    jurisdictions: frozenset = frozenset({KZ, UA})
    satisfies: str = ""  # a SatisfyEvent: the clocks this action meets
    starts: str = ""  # a StartEvent: the clocks this action starts
    help: str = ""

    @property
    def label(self):
        return K(self.kind).label

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


NOTES = Field("notes", TEXT, _("Notes"))

PLACE_TYPES = (
    # KZ §44, §45: a medical organisation or one that protects children's rights.
    ("medical", _("Medical organisation")),
    ("adaptation_centre", _("Adaptation centre for minors")),
    ("support_centre", _("Children's support centre")),
    ("crisis_centre", _("Crisis centre")),
    ("family", _("Stays with the family or a relative")),
)
URGENT_PLACE_TYPES = PLACE_TYPES[:4]

TALKED_WITH = (
    # KZ §19.3: "ата-аналармен (қамқоршылармен, өгей әкелермен, бірге тұрушылармен және басқа да туыстарымен)"
    ("parents", _("Parents")),
    ("guardians", _("Guardians")),
    ("step_parents", _("Step-parents")),
    ("cohabitants", _("Cohabitants")),
    ("relatives", _("Other relatives")),
)
COMPLETENESS_CHECKLIST = (
    # KZ §19.4: questioning of parents, family members, neighbours, witnesses; CCTV where in public.
    ("parents", _("Parents questioned")),
    ("family", _("Family members questioned")),
    ("neighbours", _("Neighbours questioned")),
    ("witnesses", _("Witnesses questioned")),
    ("cctv", _("CCTV cameras checked (public place)")),
)
EXAM_KINDS = (
    ("forensic_medical", _("Forensic medical")),
    ("forensic_psychological", _("Forensic psychological")),
    ("forensic_psychiatric", _("Forensic psychiatric")),
    ("other", _("Other")),
)
CONDITIONS = (
    ("satisfactory", _("Satisfactory")),
    ("unsatisfactory", _("Unsatisfactory")),
    ("danger", _("Danger to the child's life or health")),
)
SIGNS = (
    ("found", _("Signs of violence found")),
    ("not_found", _("No signs of violence found")),
    ("unclear", _("Unclear; further examination needed")),
)
MONITORING_STATUS = (
    ("in_progress", _("In progress")),
    ("done", _("Done")),
    ("not_done", _("Not done")),
)
MONITORED_KINDS = tuple((k.value, k.label) for k in (
    A.SCHOOL, A.POLICE, A.GUARDIANSHIP, A.HEALTH, A.SOCIAL_PROTECTION, A.MINORS_COMMISSION, A.MOBILE_GROUP,
    A.PROSECUTOR, A.FORENSIC, A.EDUCATION_AUTHORITY, A.PLACEMENT, A.PSYCHOLOGICAL_SUPPORT))
PLACING_KINDS = tuple((k.value, k.label) for k in (
    A.GUARDIANSHIP, A.EDUCATION_AUTHORITY, A.SOCIAL_PROTECTION, A.POLICE, A.HEALTH))
HELP_SERVICES = tuple(HelpService.choices)

# KZ §44: education and social-protection bodies, police and health take the urgent measures
# (the guardianship authority is the education body's unit that does it).
URGENT_MEASURE_KINDS = frozenset({A.EDUCATION_AUTHORITY, A.GUARDIANSHIP, A.SOCIAL_PROTECTION, A.POLICE, A.HEALTH})
# KZ §42, §46: the crisis centre (a placement organisation) and social protection give the special services.
CRISIS_CENTRE_KINDS = frozenset({A.PLACEMENT, A.SOCIAL_PROTECTION})
# KZ §38, SPEC H5: anyone working the case may refer to a help organisation (the school team too).
REFERRING_KINDS = frozenset(set(A.values) - {A.NATIONAL_OMBUDSMAN, A.REGIONAL_OMBUDSMAN, A.EDUCATION_OMBUDSMAN})

KINDS = [
    # --- Police (KZ §19) ---
    Kind(K.PRETRIAL_REGISTRATION, "KZ §19.1", frozenset({A.POLICE}), (
        Field("register_number", CODE, _("Register number"), required=True),
        NOTES,
    ), help=_("When the facts show signs of a criminal offence.")),
    Kind(K.PREVENTIVE_TALK, "KZ §19.3", frozenset({A.POLICE}), (
        Field("talked_with", CHOICES, _("Talked with"), required=True, choices=TALKED_WITH),
        # KZ §19.3: the criminal and administrative liability is explained.
        Field("liability_explained", BOOL, _("Criminal and administrative liability explained")),
        NOTES,
    ), jurisdictions=frozenset({KZ}), help=_("On every report, even when it is not confirmed.")),
    Kind(K.COMPLETENESS_CHECK, "KZ §19.4", frozenset({A.POLICE}), (
        Field("checked", CHOICES, _("Checked"), required=True, choices=COMPLETENESS_CHECKLIST),
        # KZ §19.4: "орган басшысының келісімі бойынша" — with the head's agreement.
        Field("head_agreed", BOOL, _("The head of the police body agreed")),
        NOTES,
    ), jurisdictions=frozenset({KZ}), help=_("Before the report is written off to the nomenclature file.")),
    Kind(K.PROTECTIVE_ORDER, "KZ §19 (N8); the domestic-violence law", frozenset({A.POLICE}), (
        Field("order_number", CODE, _("Order number"), required=True),
        Field("valid_until", DATE, _("Valid until")),
        NOTES,
    )),
    # KZ §26.6: the police order the examinations; the forensic body records when it received the order.
    Kind(K.FORENSIC_ORDERED, "KZ §26.6", frozenset({A.POLICE, A.FORENSIC}), (
        Field("exam_kind", CHOICE, _("Examination"), required=True, choices=EXAM_KINDS),
        NOTES,
    ), jurisdictions=frozenset({KZ}), starts=StartEvent.FORENSIC_ORDERED),
    # --- Guardianship (KZ §22, §23) ---
    Kind(K.HOME_VISIT, "KZ §22", frozenset({A.GUARDIANSHIP, A.CHILDREN_SERVICE}), (
        Field("with_school_specialist", BOOL, _("With a school specialist")),
        Field("with_police", BOOL, _("With a police officer")),
        NOTES,
    )),
    Kind(K.INSPECTION_ACT, "KZ §22, §23", frozenset({A.GUARDIANSHIP}), (
        Field("act_number", CODE, _("Act number"), required=True),
        Field("conditions", CHOICE, _("Living conditions"), required=True, choices=CONDITIONS),
        Field("findings", TEXT, _("Findings")),
    ), jurisdictions=frozenset({KZ})),
    # --- Mobile group (KZ §26.4) ---
    Kind(K.SCENE_VISIT, "KZ §26.4", frozenset({A.MOBILE_GROUP}), (
        # KZ §26.4: "қадағалаушы прокурордың келісімімен" — with the supervising prosecutor's consent.
        Field("prosecutor_consent", BOOL, _("With the supervising prosecutor's consent"), required=True),
        NOTES,
    ), jurisdictions=frozenset({KZ})),
    # --- Health and forensic expertise (KZ §26.5, §26.7) ---
    Kind(K.MEDICAL_EXAMINATION, "KZ §26.5", frozenset({A.HEALTH}), (
        Field("signs", CHOICE, _("Signs of violence"), required=True, choices=SIGNS),
        Field("threat_to_life", BOOL, _("Threat to the child's life or health")),
        Field("findings", TEXT, _("Preliminary diagnosis and findings")),
    )),
    Kind(K.FORENSIC_RESULT, "KZ §26.7", frozenset({A.FORENSIC}), (
        Field("conclusion_number", CODE, _("Conclusion number"), required=True),
        # KZ §26.7: the 3 days hold "when no medical consultations or extra materials are needed".
        Field("extra_consultations", BOOL, _("Medical consultations or extra materials were needed")),
        Field("findings", TEXT, _("Findings")),
    ), jurisdictions=frozenset({KZ}), satisfies=SatisfyEvent.FORENSIC_RESULT,
        help=_("The time is when the conclusion was issued: it meets the 3-day clock.")),
    # --- 111 contact centre (KZ §20) ---
    Kind(K.MONITORING_ENTRY, "KZ §20.3, §20.5", frozenset({A.CONTACT_CENTRE_111}), (
        Field("agency_kind", CHOICE, _("Agency monitored"), required=True, choices=MONITORED_KINDS),
        Field("status", CHOICE, _("Status of its actions"), required=True, choices=MONITORING_STATUS),
        NOTES,
    ), jurisdictions=frozenset({KZ})),
    Kind(K.CONSOLIDATED_RECORD, "KZ §20.4, §20.5", frozenset({A.CONTACT_CENTRE_111}), (
        Field("measures", TEXT, _("Measures the agencies took"), required=True),
        Field("effect", TEXT, _("Their effect")),
        Field("recommendations", TEXT, _("Recommendations")),
    ), jurisdictions=frozenset({KZ}), help=_("The one document with everything the agencies supplied.")),
    # --- Social protection, centre of social services, children's service ---
    Kind(K.NEEDS_ASSESSMENT, "UA II.2, IV.3; KZ §46", frozenset({A.SOCIAL_PROTECTION, A.SOCIAL_SERVICES_CENTRE}), (
        Field("party", PARTY, _("Child"), required=True),
        Field("needs", CHOICES, _("Services needed"), required=True, choices=HELP_SERVICES),
        NOTES,
    )),
    Kind(K.SERVICE_PROVIDED, "UA II.2; KZ §46", frozenset({A.SOCIAL_PROTECTION, A.SOCIAL_SERVICES_CENTRE}), (
        Field("party", PARTY, _("Child")),
        Field("service", CHOICE, _("Service"), required=True, choices=HELP_SERVICES),
        NOTES,
    )),
    # UA II.2: the children's service decides on the child's social protection, finds the causes
    # and takes measures to remove them.
    Kind(K.SOCIAL_PROTECTION_MEASURES, "UA II.2", frozenset({A.CHILDREN_SERVICE}), (
        Field("party", PARTY, _("Child")),
        Field("causes", TEXT, _("Causes found"), required=True),
        Field("measures", TEXT, _("Measures to remove them"), required=True),
    ), jurisdictions=frozenset({UA})),
    # --- Placement (KZ §44, §45) ---
    Kind(K.URGENT_PLACEMENT, "KZ §44", URGENT_MEASURE_KINDS, (
        Field("place_type", CHOICE, _("Placed in"), required=True, choices=URGENT_PLACE_TYPES),
        Field("institution", LINE, _("Institution")),
        NOTES,
    ), jurisdictions=frozenset({KZ}), starts=StartEvent.PLACEMENT_FLAGGED,
        help=_("Urgent placement means the commission on minors' affairs must decide within 12 hours.")),
    Kind(K.SEPARATE_DELIVERY, "KZ §44", URGENT_MEASURE_KINDS, (
        Field("victim_delivered", BOOL, _("Victim delivered to the police"), required=True),
        Field("suspect_delivered", BOOL, _("Suspect delivered to the police separately")),
        NOTES,
    ), jurisdictions=frozenset({KZ})),
    Kind(K.PLACEMENT_DECISION, "KZ §45", frozenset({A.MINORS_COMMISSION}), (
        Field("decision_number", CODE, _("Decision number")),
        Field("place_type", CHOICE, _("Where the child is placed"), required=True, choices=PLACE_TYPES),
        Field("institution", LINE, _("Institution")),
        Field("placed_by", CHOICE, _("Placed by"), required=True, choices=PLACING_KINDS),
        Field("basis", TEXT, _("Basis of the decision"), required=True),
    ), jurisdictions=frozenset({KZ}), satisfies=SatisfyEvent.PLACEMENT_DECIDED,
        help=_("The time is when the commission decided: it meets the 12-hour clock.")),
    # --- Crisis centre (KZ §42) ---
    Kind(K.CRUELTY_ASSESSMENT, "KZ §42.1", CRISIS_CENTRE_KINDS, (
        Field("party", PARTY, _("Child")),
        Field("findings", TEXT, _("Findings"), required=True),
    ), jurisdictions=frozenset({KZ})),
    Kind(K.EDUCATION_TOLD_OF_ABSENCE, "KZ §42.2", CRISIS_CENTRE_KINDS, (
        Field("party", PARTY, _("Child")),
        Field("absent_until", DATE, _("Expected back")),
        NOTES,
    ), jurisdictions=frozenset({KZ})),
    Kind(K.FAMILY_SOCIAL_MAP, "KZ §42.3", CRISIS_CENTRE_KINDS, (
        Field("notes", TEXT, _("Family social map"), required=True),
    ), jurisdictions=frozenset({KZ})),
    Kind(K.INDIVIDUAL_PLAN, "KZ §42.4", CRISIS_CENTRE_KINDS, (
        Field("party", PARTY, _("Child")),
        Field("notes", TEXT, _("Plan of measures"), required=True),
    ), jurisdictions=frozenset({KZ})),
    # --- Help directory (KZ §38, SPEC H5) ---
    Kind(K.REFERRAL, "KZ §38; SPEC H5", REFERRING_KINDS, (
        Field("organisation", ORGANISATION, _("Help organisation"), required=True),
        Field("service", CHOICE, _("Service"), choices=HELP_SERVICES),
        Field("party", PARTY, _("Child")),
        NOTES,
    )),
]
REGISTRY = {k.kind: k for k in KINDS}
assert set(REGISTRY) == set(K.values), "every ActionKind needs a registry entry"


def kinds_for(agency_kind: str, jurisdiction_code: str) -> list[Kind]:
    """The kinds an agency of this kind may record on a case of this jurisdiction."""
    return [k for k in KINDS if agency_kind in k.agency_kinds and jurisdiction_code in k.jurisdictions]
