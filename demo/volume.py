"""A synthetic year of cases for the oversight dashboards (issue #10, item 7).

``load_volume(n)`` files ``n`` cases across the schools of every demo region of both
countries, received at random moments over the past twelve months, and works them
through the same services as real data, at the times they would have happened:
notices on time, late or never (recorded as ``notice_send`` records them, see
``_notices``), the clocks met by the clock service, clocks waived by a head
(``deadline_waive``), KZ placements flagged and decided by the region's commission on
minors' affairs (``case_event_record``, ``action_record``), cases closed with their
outcome (``case_close``). The real sweep (``deadlines_sweep``) then breaches every
clock that ran out, and the aggregator (``oversight.services.tally_drain``) fills the
summary tables, so the dashboards show a living year on first login.

UA commission meetings of the past cannot go through the meeting services, which
refuse to schedule or open a meeting in the past: each past meeting is written as
the services leave it (meeting, agenda item, closed vote, decision) and its clocks are
met by ``deadlines_satisfy`` at the meeting's time, exactly as ``meeting_open`` and
``decision_record`` meet them.

Every person in it is synthetic: names put together at random, no real data. The
staff it needs in the schools and agencies of the added regions are generated users
who cannot log in (no usable password). Deterministic for a given ``seed``.
Run again, it adds nothing once the added regions' schools have cases.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.demo import MORE_REGIONS
from agencies.models import Agency, AgencyKind as K, StaffRole as R
from agencies.services import membership_add
from cases.models import Case, Party
from cases.services import PartyInput, case_close, case_register
from cases.vocabulary import CaseOutcome, Channel, Form, Kind, Place, Sex
from commission.models import (
    AgendaItem, Decision, Meeting, MeetingStatus, Position as P, Question, Speciality as S,
)
from commission.services import commission_for_school, composition_approve
from notifications.models import OPEN_STATES, Deadline, Notice, NoticeChannel, SatisfyEvent, StartEvent
from notifications.services.clocks import (
    case_event_record, deadline_waive, deadlines_satisfy, deadlines_satisfy_from_history,
)
from notifications.services.notices import _next_outgoing_number
from notifications.services.sweep import deadlines_sweep
from config.errors import InputError
from privacy.audit import audit_record
from privacy.models import AuditAction

H = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)
YEAR = 365 * DAY
CHUNK = 50

# The schools of the volume: school 1 of each first region (its demo story stays as it is) and
# every school of the added regions. School 2 of the first regions keeps only its story.
FIRST_SCHOOLS = {"KZ": ["kz-school-1"], "UA": ["ua-school-1"]}
HEADS = {"kz-school-1": "kz-head", "ua-school-1": "ua-head"}
FILERS = {"kz-school-1": "kz-coordinator", "ua-school-1": "ua-coordinator"}
# The persona of an existing agency who acts for it (a placement decision, an acknowledgement).
AGENCY_PERSONAS = {"kz-kikkk": "kz-minors-commission"}

KZ_TARGETS = (  # KZ §18.2–§18.3, §21, §24–§26.1: the agency kinds a school tells, and its clock
    (K.GUARDIANSHIP,), (K.CHILD_RIGHTS_COMMITTEE,), (K.NATIONAL_OMBUDSMAN, K.REGIONAL_OMBUDSMAN),
    (K.POLICE, K.CONTACT_CENTRE_111), (K.PROSECUTOR, K.EDUCATION_AUTHORITY, K.HEALTH, K.SOCIAL_PROTECTION),
    (K.MINORS_COMMISSION,),
)
UA_TARGETS = ((K.POLICE,), (K.CHILDREN_SERVICE,), (K.SOCIAL_SERVICES_CENTRE,))
# How long each country's school notice clocks run (KZ: an hour, the commission a day; UA: a day).
KZ_TERM = {K.MINORS_COMMISSION: 24 * H}
KZ_DEFAULT_TERM = 1 * H
UA_TERM = 24 * H
RAPID = (NoticeChannel.PHONE, NoticeChannel.EMAIL, NoticeChannel.RAPID, NoticeChannel.IN_SYSTEM)

NAMES = {
    "KZ": {
        Sex.MALE: ["Нұрсұлтан", "Ерасыл", "Алихан", "Данияр", "Тимур", "Арсен", "Әлихан", "Бекзат", "Ислам",
                   "Мирас"],
        Sex.FEMALE: ["Айым", "Аружан", "Томирис", "Медина", "Жасмин", "Інжу", "Амина", "Дильназ", "Сезім",
                     "Ару"],
        "family": ["Ахметов", "Серікбаев", "Жұмабеков", "Оспанов", "Тұрсынов", "Қасенов", "Әлиев", "Бекенов",
                   "Мұсаев", "Нұрланов", "Сәрсенов", "Төлегенов"],
    },
    "UA": {
        Sex.MALE: ["Олександр", "Максим", "Артем", "Дмитро", "Назар", "Богдан", "Матвій", "Іван", "Марко",
                   "Тарас"],
        Sex.FEMALE: ["Софія", "Анна", "Марія", "Вікторія", "Соломія", "Дарина", "Злата", "Олена", "Катерина",
                     "Ірина"],
        "family": ["Шевченко", "Бондаренко", "Ткаченко", "Кравчук", "Мельник", "Коваль", "Олійник",
                   "Лисенко", "Гуменюк", "Павленко", "Марченко", "Савчук"],
    },
}
DESCRIPTIONS = {
    "KZ": ["Оқушы сынып жетекшісіне сыныптастарының қысымы туралы айтты.",
           "Ата-анасы баланың үзілісте соққыға жыққаны туралы мектепке хабарлады.",
           "Әлеуметтік желіде оқушыны қорлайтын жазбалар таратылған.",
           "Мұғалім баланың денесіндегі көгерген іздерді байқады."],
    "UA": ["Учень розповів класному керівнику про систематичні образи однокласників.",
           "Батьки повідомили, що дитину на перерві штовхають і забирають речі.",
           "У груповому чаті класу поширюють принизливі повідомлення про ученицю.",
           "Вчитель помітив синці на руках учня, дитина боїться йти додому."],
}
GENERATED_GIVEN = {"KZ": ["Айгерім", "Бақыт", "Гүлжан", "Ержан", "Жанна", "Қайрат", "Ләззат", "Мұрат"],
                   "UA": ["Оксана", "Василь", "Галина", "Петро", "Людмила", "Сергій", "Надія", "Роман"]}
GENERATED_FAMILY = {"KZ": ["Әбенова", "Бекова", "Дүйсенов", "Ибраева", "Каримов", "Сұлтанова", "Рахимов"],
                    "UA": ["Гнатюк", "Дорошенко", "Кириленко", "Остапчук", "Романюк", "Семенко", "Яковенко"]}


@dataclass
class World:
    """The schools, their staff and the agencies a school of each region tells."""

    now: dt.datetime
    rng: random.Random
    schools: dict = field(default_factory=dict)  # jurisdiction code -> [Agency]
    heads: dict = field(default_factory=dict)  # school code -> user
    filers: dict = field(default_factory=dict)  # school code -> user
    agencies: dict = field(default_factory=dict)  # (jurisdiction code, region id, kind) -> Agency
    officers: dict = field(default_factory=dict)  # agency code -> user
    stats: dict = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.stats[what] = self.stats.get(what, 0) + n

    def agency(self, school: Agency, kind: str) -> Agency | None:
        code = school.jurisdiction.code
        return (self.agencies.get((code, school.region_id, kind)) or self.agencies.get((code, None, kind))
                or next((a for (c, _r, k), a in self.agencies.items() if c == code and k == kind), None))


def volume_present() -> bool:
    codes = [code for regions in MORE_REGIONS.values() for _r, _d, agencies in regions
             for code, kind, _n in agencies if kind == K.SCHOOL]
    return Case.objects.filter(school__code__in=codes).exists()


# --- Staff ---------------------------------------------------------------------------------------

def _staff(world: World, agency: Agency, role: str, password_hash: str) -> object:
    """A generated member of ``agency`` in ``role`` (created once; cannot log in)."""
    User = get_user_model()
    username = f"{agency.code}-{role.replace('_', '-')}"
    user = User.objects.filter(username=username).first()
    if user is None:
        code = agency.jurisdiction.code
        user = User.objects.create(username=username, password=password_hash,
                                   first_name=world.rng.choice(GENERATED_GIVEN[code]),
                                   last_name=world.rng.choice(GENERATED_FAMILY[code]))
    membership_add(user=user, agency=agency, role=role)
    return user


def _world(*, now: dt.datetime, seed: int) -> World:
    from django.contrib.auth.hashers import make_password

    world = World(now=now, rng=random.Random(seed))
    unusable = make_password(None)
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=[*HEADS.values(), *FILERS.values(), *AGENCY_PERSONAS.values()])}
    for agency in Agency.objects.select_related("jurisdiction", "region").order_by("pk"):
        world.agencies.setdefault((agency.jurisdiction.code, agency.region_id, agency.kind), agency)
    added = {code for regions in MORE_REGIONS.values() for _r, _d, agencies in regions for code, _k, _n in agencies}
    for code, persona in AGENCY_PERSONAS.items():
        world.officers[code] = users[persona]
    for agency in Agency.objects.filter(code__in=added).select_related("jurisdiction").order_by("code"):
        if agency.kind in (K.MINORS_COMMISSION, K.POLICE, K.CHILDREN_SERVICE, K.SOCIAL_SERVICES_CENTRE):
            world.officers[agency.code] = _staff(world, agency, R.OFFICER, unusable)
    for code in ("KZ", "UA"):
        schools = list(Agency.objects.filter(code__in=FIRST_SCHOOLS[code]).select_related("jurisdiction"))
        schools += list(Agency.objects.filter(code__in=added, kind=K.SCHOOL, jurisdiction__code=code)
                        .select_related("jurisdiction").order_by("code"))
        world.schools[code] = schools
        for school in schools:
            if school.code in HEADS:
                world.heads[school.code] = users[HEADS[school.code]]
                world.filers[school.code] = users[FILERS[school.code]]
                continue
            world.heads[school.code] = _staff(world, school, R.HEAD, unusable)
            world.filers[school.code] = _staff(world, school, R.COORDINATOR, unusable)
            if code == "UA":
                _composition(world, school, unusable)
    return world


def _composition(world: World, school: Agency, password_hash: str) -> None:
    """UA III.1–III.3: the school's bullying commission, approved by the head's order a year ago."""
    commission = commission_for_school(school)
    if commission.compositions.exists():
        return
    head, coordinator = world.heads[school.code], world.filers[school.code]
    members = [(head, P.CHAIR, S.HEAD), (coordinator, P.DEPUTY_CHAIR, S.TEACHER),
               (_staff(world, school, R.COMMISSION_SECRETARY, password_hash), P.SECRETARY, S.TEACHER),
               (_staff(world, school, R.PSYCHOLOGIST, password_hash), P.MEMBER, S.PSYCHOLOGIST),
               (_staff(world, school, R.SOCIAL_PEDAGOGUE, password_hash), P.MEMBER, S.SOCIAL_PEDAGOGUE),
               (_staff(world, school, R.TEACHER, password_hash), P.MEMBER, S.TEACHER),
               (world.officers[world.agency(school, K.CHILDREN_SERVICE).code], P.MEMBER, S.CHILDREN_SERVICE),
               (world.officers[world.agency(school, K.SOCIAL_SERVICES_CENTRE).code], P.MEMBER, S.SOCIAL_CENTRE)]
    start = school.jurisdiction.local_date(world.now - YEAR - 30 * DAY)
    composition_approve(user=head, school=school, order_number=f"{world.rng.randint(10, 99)}-од", order_date=start,
                        in_force_from=start, members=members)


# --- One case ------------------------------------------------------------------------------------

@dataclass
class Plan:
    """What happens to one case: its profile decides the clocks' states."""

    code: str  # jurisdiction
    school: Agency
    received_at: dt.datetime
    profile: str  # "pending", "on_time", "late", "breached", "waived"
    closes: bool


def _plan(world: World) -> Plan:
    rng = world.rng
    code = "KZ" if rng.random() < 0.55 else "UA"
    school = rng.choice(world.schools[code])
    # A few reports of the last hours, whose clocks are still running; the rest over the year,
    # more of them in the school months than in the summer.
    if rng.random() < 0.03:
        received_at = world.now - rng.uniform(5, 50) * MIN if code == "KZ" else world.now - rng.uniform(1, 20) * H
        return Plan(code, school, received_at, "pending", False)
    while True:
        received_at = world.now - rng.uniform(2 * H.total_seconds(), YEAR.total_seconds()) * dt.timedelta(seconds=1)
        local = school.jurisdiction.local(received_at)
        if local.month in (6, 7, 8) and rng.random() < 0.7:
            continue
        break
    # Working hours, local time: a report comes in at school.
    local = local.replace(hour=rng.randint(8, 16), minute=rng.randint(0, 59))
    received_at = min(local.astimezone(dt.timezone.utc), world.now - 2 * H)
    profile = rng.choices(["on_time", "late", "breached", "waived"], weights=[60, 17, 15, 8])[0]
    if code == "UA" and world.now - received_at < 20 * DAY and profile != "breached":
        profile = "on_time"
    closes = world.now - received_at > 21 * DAY and profile != "breached" and rng.random() < 0.7
    return Plan(code, school, received_at, profile, closes)


def _child(world: World, code: str, role: str, incident: dt.date, *, band: tuple | None = None) -> tuple:
    rng = world.rng
    sex = rng.choice([Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE, ""])
    age = rng.randint(*(band or rng.choices([(5, 6), (7, 10), (11, 14), (15, 17)], weights=[4, 30, 45, 21])[0]))
    born = incident - dt.timedelta(days=age * 365 + rng.randint(30, 330))
    given = rng.choice(NAMES[code][sex or rng.choice([Sex.FEMALE, Sex.MALE])])
    family = rng.choice(NAMES[code]["family"])
    if code == "KZ" and sex == Sex.FEMALE:
        family += "а"
    data = PartyInput(role=role, family_name=family, given_name=given,
                      birth_date=born if rng.random() < 0.93 else None, class_name=f"{min(11, max(1, age - 6))}")
    return data, sex


def _parties(world: World, code: str, incident: dt.date) -> tuple[list, list]:
    rng = world.rng
    victim, victim_sex = _child(world, code, "victim", incident)
    parent = PartyInput(role="legal_representative", family_name=victim.family_name,
                        given_name=rng.choice(GENERATED_GIVEN[code]), is_minor=False, represents_index=0,
                        phone=f"+7701{rng.randint(1000000, 9999999)}" if code == "KZ"
                        else f"+38067{rng.randint(1000000, 9999999)}")
    parties, sexes = [victim, parent], [victim_sex, ""]
    if rng.random() < 0.45:
        initiator, initiator_sex = _child(world, code, "initiator", incident, band=(11, 16))
        parties.append(initiator)
        sexes.append(initiator_sex)
        if code == "UA":
            parties.append(PartyInput(role="legal_representative", family_name=initiator.family_name,
                                      given_name=rng.choice(GENERATED_GIVEN[code]), is_minor=False,
                                      represents_index=2))
            sexes.append("")
    if rng.random() < 0.08:  # a second victim of the same incident
        second, second_sex = _child(world, code, "victim", incident)
        parties.append(second)
        sexes.append(second_sex)
    return parties, sexes


def _facts(world: World, code: str) -> tuple[list, list, list, str]:
    rng = world.rng
    kind = rng.choices(Kind.values, weights=[30, 35, 20, 15])[0]
    kinds = [kind] + ([rng.choice([k for k in Kind.values if k != kind])] if rng.random() < 0.15 else [])
    if kind == Kind.CYBERBULLYING:
        forms, places = [Form.PSYCHOLOGICAL], [Place.ONLINE]
    elif kind == Kind.DOMESTIC_VIOLENCE:
        forms = rng.sample([Form.PHYSICAL, Form.PSYCHOLOGICAL, Form.ECONOMIC, Form.SEXUAL], rng.randint(1, 2))
        places = [Place.HOME]
    else:
        forms = rng.sample([f for f in Form.values if f != Form.SEXUAL] + [Form.SEXUAL] * (rng.random() < 0.1),
                           rng.randint(1, 2))
        school_places = [p for p in Place.values if p not in (Place.HOME, Place.ONLINE)]
        places = rng.sample(school_places, rng.randint(1, 2))
    channels = [c for c in Channel.values if c != Channel.ONLINE_ANONYMOUS or code == "KZ"]
    weights = [14, 12, 16, 18, 4, 3, 3, 2, 8, 2, 2, 4][:len(channels)]
    channel = rng.choices(channels, weights=weights + [1] * (len(channels) - len(weights)))[0]
    return kinds, list(dict.fromkeys(forms)), places, channel


def _register(world: World, plan: Plan) -> Case:
    rng = world.rng
    kinds, forms, places, channel = _facts(world, plan.code)
    incident_at = plan.received_at - rng.uniform(1, 72) * H
    incident_day = plan.school.jurisdiction.local_date(incident_at)
    parties, sexes = _parties(world, plan.code, incident_day)
    case = case_register(user=world.filers[plan.school.code], school=plan.school, received_at=plan.received_at,
                         incident_at=incident_at, channel=channel, kinds=kinds, forms=forms, places=places,
                         description=rng.choice(DESCRIPTIONS[plan.code]), parties=parties)
    # The sex is asked on the form but not yet in the filing's input: set as the form would.
    for party in Party.objects.filter(case=case).order_by("position"):
        if sexes[party.position]:
            party.sex = sexes[party.position]
            party.save(update_fields=["sex"])
    return case


def _when(world: World, plan: Plan, term: dt.timedelta, *, late: bool) -> dt.datetime | None:
    """When a notice with a clock of ``term`` goes out: within it, or after it (late)."""
    rng = world.rng
    if late:
        at = plan.received_at + term * rng.uniform(1.2, 4.0)
    else:
        at = plan.received_at + term * rng.uniform(0.1, 0.9)
    return at if at < world.now - MIN else None


def _notices(world: World, case: Case, sender, items: list[tuple]) -> None:
    """Record past notices ``(sent_at, channel, agency or None, party or None)`` of the school as
    ``notice_send`` records them — numbered in the school's outgoing register, the case shared with
    each agency told (``_share``), audited — then meet the case's clocks from them once (the clock service's
    ``deadlines_satisfy_from_history``). Unlike a notice sent now, they leave no "notice received"
    message in the agencies' bells: those were read long ago. ``notice_send`` checks the protocol's
    notice matrix and meets the clocks on every call, which for a year of cases takes minutes."""
    school = case.school
    for at, channel, agency, party in sorted(items, key=lambda item: item[0]):
        year = case.jurisdiction.local_year(at)
        notice = Notice.objects.create(case=case, sent_by=sender, from_agency=school, to_agency=agency,
                                       to_party=party, channel=channel, sent_at=at,
                                       outgoing_number=_next_outgoing_number(school, year))
        audit_record(actor=sender, action=AuditAction.NOTICE_SEND, case_id=case.pk, detail={
            "notice": notice.pk, "number": notice.outgoing_number, "channel": channel, "from_agency": school.code,
            "to_agency": agency.code if agency else None, "to_party": str(party.pk) if party else None})
        world.count("notices")
    _share(case, {agency for _at, _c, agency, _p in items if agency is not None}, by=sender)
    if items:
        deadlines_satisfy_from_history(case=case)


def _share(case: Case, agencies: set, *, by) -> None:
    """``case_share_with_agency`` for several agencies at once: the same permission rows, access
    rows and audit entries, written in one statement each (guardian's ``assign_perm`` takes a
    dozen queries a permission)."""
    from django.contrib.auth.models import Permission

    from cases import permissions
    from cases.models import CaseGroupObjectPermission

    if not agencies:
        return
    perms = list(Permission.objects.filter(content_type__app_label="cases",
                                           codename__in=permissions.SHARED_AGENCY_PERMS))
    CaseGroupObjectPermission.objects.bulk_create(
        [CaseGroupObjectPermission(group_id=a.case_group_id, permission=p, content_object=case)
         for a in agencies for p in perms], ignore_conflicts=True)
    for agency in sorted(agencies, key=lambda a: a.pk):
        permissions._access_add(case, group_id=agency.case_group_id)
        audit_record(actor=by, action=AuditAction.CASE_SHARE, case_id=case.pk, detail={"agency": agency.code})


def _kz_notices(world: World, plan: Plan, case: Case) -> None:
    rng = world.rng
    sender = world.rng.choice([world.heads[plan.school.code], world.filers[plan.school.code]])
    skipped = rng.randrange(len(KZ_TARGETS)) if plan.profile in ("breached", "waived") else None
    lateness = {rng.randrange(len(KZ_TARGETS))} if plan.profile == "late" else set()
    items = []
    for index, kinds in enumerate(KZ_TARGETS):
        if index == skipped or (plan.profile == "pending" and rng.random() < 0.5):
            continue  # never told (breached), or not told yet (its clock is running)
        at = _when(world, plan, KZ_TERM.get(kinds[0], KZ_DEFAULT_TERM), late=index in lateness)
        if at is not None:
            items += [(at, rng.choice(RAPID), world.agency(plan.school, kind), None) for kind in kinds]
    _notices(world, case, sender, items)


def _ua_notices(world: World, plan: Plan, case: Case) -> None:
    rng = world.rng
    sender = world.rng.choice([world.heads[plan.school.code], world.filers[plan.school.code]])
    representatives = list(case.parties.filter(role="legal_representative").order_by("position"))
    targets = [(NoticeChannel.PHONE, None, r) for r in representatives]
    targets += [(rng.choice(RAPID), world.agency(plan.school, kinds[0]), None) for kinds in UA_TARGETS]
    skipped = rng.randrange(len(targets)) if plan.profile in ("breached", "waived") else None
    late = rng.randrange(len(targets)) if plan.profile == "late" else None
    items = []
    for index, (channel, agency, party) in enumerate(targets):
        if index == skipped or (plan.profile == "pending" and rng.random() < 0.5):
            continue
        at = _when(world, plan, UA_TERM, late=index == late)
        if at is not None:
            items.append((at, channel, agency, party))
    _notices(world, case, sender, items)


def _placement(world: World, plan: Plan, case: Case) -> None:
    """KZ §45: placement flagged by the head; the region's commission decides within 12 hours (or late)."""
    from casework.models import ActionKind
    from casework.services.actions import action_record

    rng = world.rng
    flagged = plan.received_at + rng.uniform(20, 90) * MIN
    if flagged > world.now - MIN:
        return
    case_event_record(user=world.heads[plan.school.code], case=case, event=StartEvent.PLACEMENT_FLAGGED, at=flagged)
    world.count("placements_flagged")
    if plan.profile == "breached":
        return  # never decided: the 12-hour clock is breached
    decided = flagged + (rng.uniform(13, 30) if plan.profile == "late" else rng.uniform(1, 11)) * H
    if decided > world.now - MIN:
        return
    commission = world.agency(plan.school, K.MINORS_COMMISSION)
    action_record(user=world.officers[commission.code], case=case, kind=ActionKind.PLACEMENT_DECISION,
                  occurred_at=decided, values={
                      "decision_number": f"{rng.randint(1, 60)}/{rng.randint(1, 9)}",
                      "place_type": rng.choices(["support_centre", "family", "crisis_centre", "adaptation_centre",
                                                 "medical"], weights=[30, 35, 15, 12, 8])[0],
                      "placed_by": rng.choice(["guardianship", "police"]),
                      "basis": "Үйде балаға қауіп бар (тексеру актісі)."})
    world.count("placements_decided")


def _meeting(world: World, plan: Plan, case: Case) -> None:
    """UA IV: a past meeting of the school's commission on the case, and its decision (see the module
    docstring); its clocks met at the meeting's time by the clock service."""
    from agencies.models import Membership as M
    from commission.models import Composition

    rng = world.rng
    if plan.profile == "breached" or world.now - plan.received_at < 4 * DAY:
        return
    days = rng.uniform(1, 4) if plan.profile != "late" else rng.uniform(6, 12)
    local = plan.school.jurisdiction.local(plan.received_at + days * DAY).replace(hour=15, minute=0)
    held = local.astimezone(dt.timezone.utc)
    if held > world.now - H:
        return
    commission = commission_for_school(plan.school)
    composition = (Composition.objects.filter(commission=commission, in_force_from__lte=local.date())
                   .order_by("-in_force_from").first())
    if composition is None:
        return
    secretary = (M.objects.filter(agency=plan.school, role=R.COMMISSION_SECRETARY).select_related("user")
                 .first() or M(user=world.heads[plan.school.code])).user
    confirmed = rng.random() < 0.65
    meeting = Meeting.objects.create(
        commission=commission, composition=composition, starts_at=held, place="Кабінет директора",
        status=MeetingStatus.CLOSED, notice_sent_at=held - 2 * DAY, opened_at=held, closed_at=held + H,
        scheduled_by=secretary, minutes_order_number=f"{rng.randint(10, 99)}-од",
        minutes_order_date=local.date(), decision_communicated_at=held + DAY)
    item = AgendaItem.objects.create(meeting=meeting, case=case, position=1)
    Question.objects.create(agenda_item=item, text="Чи підтверджено факт булінгу (цькування)?",
                            is_bullying_confirmation=True, passed=confirmed, closed_at=held + 30 * MIN)
    Decision.objects.create(agenda_item=item, bullying_confirmed=confirmed, recorded_by=secretary,
                            recorded_at=held + 40 * MIN,
                            needs_assessment="Потрібна психологічна підтримка." if confirmed else "",
                            causes_and_measures="Заходи з протидії булінгу в класі." if confirmed else "")
    deadlines_satisfy(case=case, event=SatisfyEvent.MEETING_HELD, at=held, by=secretary)
    deadlines_satisfy(case=case, event=SatisfyEvent.DECISION_RECORDED, at=held + 40 * MIN, by=secretary)
    world.count("decisions_confirmed" if confirmed else "decisions_not_confirmed")
    if not confirmed:
        plan.closes = True


def _waive(world: World, plan: Plan, case: Case) -> None:
    head = world.heads[plan.school.code]
    for deadline in Deadline.objects.filter(case=case, state__in=OPEN_STATES, due_at__lt=world.now):
        deadline_waive(user=head, deadline=deadline,
                       reason="Агенттік басқа арна арқылы хабардар етілген." if plan.code == "KZ"
                       else "Повідомлено іншим каналом, підтвердження в листуванні.")
        world.count("waived")


def _close(world: World, plan: Plan, case: Case) -> None:
    if Deadline.objects.filter(case=case, state__in=OPEN_STATES).exists():
        return
    if plan.code == "UA":
        decision = Decision.objects.filter(agenda_item__case=case).first()
        outcome = CaseOutcome.HANDLED if decision and decision.bullying_confirmed else CaseOutcome.NOT_CONFIRMED
        if decision is None:
            outcome = world.rng.choice([CaseOutcome.REFERRED_LAW_ENFORCEMENT, CaseOutcome.OTHER])
    else:
        outcome = world.rng.choices([CaseOutcome.HANDLED, CaseOutcome.REFERRED_LAW_ENFORCEMENT,
                                     CaseOutcome.NOT_CONFIRMED, CaseOutcome.OTHER], weights=[55, 25, 15, 5])[0]
    case_close(user=world.filers[plan.school.code], case=case, outcome=outcome,
               reason="Жұмыс аяқталды." if plan.code == "KZ" else "Роботу завершено.")
    world.count(f"closed_{outcome}")


def _one(world: World, plan: Plan) -> Case:
    case = _register(world, plan)
    if plan.code == "KZ":
        _kz_notices(world, plan, case)
        if Kind.DOMESTIC_VIOLENCE in case.kinds or world.rng.random() < 0.04:
            _placement(world, plan, case)
    else:
        _ua_notices(world, plan, case)
        _meeting(world, plan, case)
    if plan.profile == "waived":
        _waive(world, plan, case)
    if plan.closes:
        _close(world, plan, case)
    return case


def load_volume(n: int, *, seed: int = 2026, now: dt.datetime | None = None) -> dict | None:
    """File ``n`` synthetic cases over the past year (see the module docstring); None if already there."""
    if volume_present():
        return None
    now = now or timezone.now()
    with transaction.atomic():
        world = _world(now=now, seed=seed)
    plans = sorted((_plan(world) for _ in range(n)), key=lambda p: p.received_at)
    # Committed a chunk at a time (a commit per case costs a disk flush each on SQLite); each
    # case in a savepoint of its own, so a case the rules refuse leaves nothing behind.
    for start in range(0, len(plans), CHUNK):
        with transaction.atomic():
            for plan in plans[start:start + CHUNK]:
                try:
                    with transaction.atomic():
                        _one(world, plan)
                    world.count("cases")
                except InputError as error:  # a combination the rules refuse: that case is left out
                    world.count("refused")
                    world.stats.setdefault("refusals", []).append(str(error.errors)[:200])
    # What the beat would have done over the year: every clock that ran out is breached.
    swept = 0
    while True:
        handled = deadlines_sweep(now=timezone.now())
        swept += handled
        if not handled:
            break
    world.stats["swept"] = swept
    world.stats["states"] = _states()
    _quiet_history(now)
    return world.stats


def _states() -> dict:
    from django.db.models import Count

    return {row["state"]: row["n"] for row in Deadline.objects.values("state").annotate(n=Count("pk"))}


def _quiet_history(now: dt.datetime) -> None:
    """The year's in-app messages about cases older than three days were read long ago; only the
    last days' stay new in the bells (nothing is e-mailed for the past)."""
    from notifications.models import OutboxMessage, OutboxStatus

    OutboxMessage.objects.filter(status=OutboxStatus.PENDING, case__received_at__lt=now - 3 * DAY) \
        .update(status=OutboxStatus.SENT, sent_at=now, read_at=now)
