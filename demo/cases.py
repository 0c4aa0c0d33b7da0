"""Demo cases: a living system on first login (issue #7, item 17).

Every case, notice, acknowledgement, clock event, meeting, vote and decision is
made through the same services as real data, so the demo obeys the same rules
and leaves the same audit trail. Times are set relative to one moment ``M`` a
few seconds after the load starts: a few clocks reach a reminder point exactly
at ``M``, the decided meeting starts at ``M``, and once ``M`` has passed the
real sweep (``deadlines_sweep``) sends those reminders and the alerts for every
clock that ran out, as the beat would have. No clock is faked.

Idempotent: the story goes only into demo schools that have no cases yet.
"""

import datetime as dt
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from cases.models import Case
from cases.services import PartyInput, case_register
from casework.services.assignment import case_assign
from demo import meetings
from evidence.demo import load_demo_evidence
from notifications.models import NoticeChannel, StartEvent
from notifications.services.clocks import case_event_record
from notifications.services.notices import notice_acknowledge, notice_send
from notifications.services.outbox import outbox_deliver
from notifications.services.sweep import deadlines_sweep

DEMO_SCHOOLS = ("kz-school-1", "kz-school-2", "ua-school-1", "ua-school-2")
# From the start of the load to the moment M (see the module docstring): about the time it
# takes to file every case (two seconds on SQLite). M moves on if filing is slower.
LEAD = dt.timedelta(seconds=3)
MARGIN = dt.timedelta(seconds=2)

H = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Notify:
    """A notice ``after`` the receipt: to an agency (code) or to the party at ``party`` (its position)."""

    after: dt.timedelta
    agency: str = ""
    party: int | None = None
    channel: str = NoticeChannel.PHONE
    ack_by: str = ""  # the receiving agency's persona who acknowledges it
    by: str = ""  # who sends it, if not the case's ``notices_by`` (an agency's officer)


@dataclass(frozen=True)
class Event:
    """A fact recorded on the case ``after`` the receipt (placement flagged or decided)."""

    event: str
    after: dt.timedelta
    by: str


@dataclass(frozen=True)
class DemoCase:
    key: str
    school: str
    filed_by: str
    received_before_m: dt.timedelta
    incident_before: dt.timedelta
    channel: str
    kinds: tuple
    forms: tuple
    places: tuple
    description: str
    parties: tuple
    notices_by: str = ""
    notices: tuple = ()
    events: tuple = ()
    note: str = ""  # what the story shows, for the command's summary and the README


def child(role, family, given, patronymic, born, class_name, **extra):
    # The dashboards count victims by sex (issue #10): the demo children's patronymics say it.
    extra.setdefault("sex", _sex_of(patronymic))
    return PartyInput(role=role, family_name=family, given_name=given, patronymic=patronymic,
                      birth_date=born, class_name=class_name, **extra)


def _sex_of(patronymic: str) -> str:
    if patronymic.endswith(("қызы", "івна", "ївна", "овна", "евна")):
        return "female"
    if patronymic.endswith(("ұлы", "ович", "евич", "йович", "ич")):
        return "male"
    return ""  # not stated


def parent(family, given, patronymic, represents, phone, **extra):
    return PartyInput(role="legal_representative", family_name=family, given_name=given, patronymic=patronymic,
                      is_minor=False, represents_index=represents, phone=phone, **extra)


D = dt.date
# KZ §26.1: the other authorities a school tells at once, besides those of §18.2–§18.3, §21, §25;
# and the numbered notice to the commission on minors' affairs (KZ §24).
KZ_AUTHORITIES = ("kz-prosecutor", "kz-education", "kz-health", "kz-social")
KZ_ALL_NOTICES = ("kz-guardianship", "kz-bkkk", "kz-police", "kz-111", "kz-bku", "kz-bkou", *KZ_AUTHORITIES,
                  "kz-kikkk")
KZ_ACKNOWLEDGED_BY = {"kz-police": "kz-police", "kz-kikkk": "kz-minors-commission"}

# Synthetic people only: the names are common ones, put together at random; the phone numbers are not in use.
CASES = [
    # --- KZ, school 1 -------------------------------------------------------------------------
    DemoCase(
        key="kz-new", school="kz-school-1", filed_by="kz-coordinator",
        received_before_m=30 * MIN, incident_before=2 * H, channel="self_report",
        kinds=("violence",), forms=("physical",), places=("gym",),
        description="Дене шынықтыру сабағынан кейін киім ауыстыратын бөлмеде екі сынып оқушысы "
                    "5В сынып оқушысын итеріп, соққы жасаған. Бала өзі сынып жетекшісіне айтты.",
        parties=(child("victim", "Оспанов", "Нұрдәулет", "Ержанұлы", D(2015, 3, 14), "5В"),
                 parent("Оспанова", "Динара", "Маратқызы", 0, "+77010000101"),
                 child("witness", "Бекова", "Інкәр", "Асланқызы", D(2015, 7, 2), "5В")),
        note="new: the one-hour notice clocks pending, the head and the coordinator reminded at half time",
    ),
    DemoCase(
        key="kz-notified", school="kz-school-1", filed_by="kz-coordinator",
        received_before_m=3 * DAY + 2 * H, incident_before=3 * DAY + 5 * H, channel="pupil_report",
        kinds=("bullying",), forms=("psychological",), places=("corridor", "canteen"),
        description="Сыныптастары бірнеше апта бойы үзілісте баланы мазақтап, тамақтанатын жерде "
                    "қасына отырғызбайды. Оқиғаны басқа оқушы психологқа хабарлады.",
        parties=(child("victim", "Тоқтаров", "Ерасыл", "Бауыржанұлы", D(2013, 11, 20), "7Б"),
                 parent("Тоқтарова", "Гүлжан", "Серікқызы", 0, "+77010000102"),
                 child("initiator", "Сейітқали", "Дәулет", "Нұрланұлы", D(2013, 5, 8), "7Б"),
                 parent("Сейітқали", "Нұрлан", "Әбдіұлы", 2, "+77010000103")),
        notices_by="kz-head",
        notices=(Notify(15 * MIN, "kz-guardianship", ack_by="kz-guardianship"),
                 Notify(20 * MIN, "kz-police", ack_by="kz-police"),
                 Notify(20 * MIN, "kz-111"),
                 Notify(35 * MIN, "kz-bkkk", channel=NoticeChannel.EMAIL),
                 Notify(40 * MIN, "kz-bku", channel=NoticeChannel.EMAIL),
                 Notify(40 * MIN, "kz-bkou", channel=NoticeChannel.EMAIL),
                 *(Notify(45 * MIN, code, channel=NoticeChannel.EMAIL) for code in KZ_AUTHORITIES),
                 Notify(50 * MIN, "kz-kikkk", channel=NoticeChannel.EMAIL)),
        note="notified: every notice within the hour; police and guardianship acknowledged, 111 not",
    ),
    DemoCase(
        key="kz-breached", school="kz-school-1", filed_by="kz-coordinator",
        received_before_m=9 * DAY + 4 * H, incident_before=10 * DAY, channel="parent_report",
        kinds=("cyberbullying",), forms=("psychological",), places=("online",),
        description="Сынып чатында оқушы туралы қорлайтын суреттер мен хабарламалар таратылған. "
                    "Анасы мектепке жазбаша өтініш берді.",
        parties=(child("victim", "Жақсылықова", "Аружан", "Қайратқызы", D(2012, 9, 30), "8А"),
                 parent("Жақсылықова", "Меруерт", "Болатқызы", 0, "+77010000104")),
        notices_by="kz-coordinator",
        notices=(Notify(40 * MIN, "kz-guardianship"),
                 Notify(3 * H, "kz-police", channel=NoticeChannel.PAPER),
                 Notify(3 * H, "kz-111", channel=NoticeChannel.PAPER)),
        note="breached: guardianship on time, police and 111 three hours late, committee and "
             "ombudsmen never told (breach alerts to the head and the ombudsmen)",
    ),
    DemoCase(
        key="kz-placement", school="kz-school-1", filed_by="kz-teacher",
        received_before_m=6 * H, incident_before=8 * H, channel="staff_report",
        kinds=("domestic_violence", "violence"), forms=("physical",), places=("home",),
        description="Сынып жетекшісі баланың қолындағы көгерген іздерді байқады. Бала үйге "
                    "қайтудан қорқатынын айтты. Баланы уақытша орналастыру қажет.",
        parties=(child("victim", "Мұратова", "Айша", "Ғалымқызы", D(2016, 1, 17), "4Ә"),
                 parent("Мұратова", "Сәуле", "Ерланқызы", 0, "+77010000105"),
                 PartyInput(role="initiator", family_name="Кенжебаев", given_name="Руслан",
                            patronymic="Серікұлы", is_minor=False, is_alleged_perpetrator=True)),
        notices_by="kz-head",
        notices=(Notify(10 * MIN, "kz-police", channel=NoticeChannel.RAPID, ack_by="kz-police"),
                 Notify(10 * MIN, "kz-111", channel=NoticeChannel.RAPID, ack_by="kz-111"),
                 Notify(15 * MIN, "kz-guardianship", ack_by="kz-guardianship"),
                 Notify(25 * MIN, "kz-bkkk", channel=NoticeChannel.EMAIL),
                 Notify(30 * MIN, "kz-bku", channel=NoticeChannel.EMAIL),
                 Notify(30 * MIN, "kz-bkou", channel=NoticeChannel.EMAIL),
                 *(Notify(35 * MIN, code, channel=NoticeChannel.EMAIL) for code in KZ_AUTHORITIES),
                 Notify(1 * H, "kz-kikkk", channel=NoticeChannel.RAPID)),
        # KZ §45: the minors' commission decides on placement within 12 hours of the report.
        events=(Event(StartEvent.PLACEMENT_FLAGGED, 55 * MIN, "kz-head"),),
        note="needs placement: the 12-hour clock (KZ §45) pending, the minors' commission reminded",
    ),
    DemoCase(
        key="kz-placed", school="kz-school-1", filed_by="kz-social-pedagogue",
        received_before_m=16 * DAY + 3 * H, incident_before=16 * DAY + 6 * H, channel="home_visit",
        kinds=("domestic_violence",), forms=("physical", "psychological"), places=("home",),
        description="Әлеуметтік педагог үйге барғанда баланың тамақсыз қалдырылғанын және "
                    "ұрып-соғылғанын анықтады.",
        parties=(child("victim", "Әбілов", "Темірлан", "Асқарұлы", D(2014, 6, 5), "6А"),
                 parent("Әбілов", "Асқар", "Жомартұлы", 0, "", is_alleged_perpetrator=True)),
        notices_by="kz-head",
        notices=(*(Notify(20 * MIN, code, ack_by=KZ_ACKNOWLEDGED_BY.get(code, "")) for code in KZ_ALL_NOTICES),
                 # KZ §19.5: violence by a parent: the police tell guardianship and the mobile group.
                 Notify(50 * MIN, "kz-guardianship", by="kz-police", ack_by="kz-guardianship"),
                 Notify(50 * MIN, "kz-mobile", by="kz-police")),
        # The commission's placement decision is its own action (casework), recorded in _actions.
        events=(Event(StartEvent.PLACEMENT_FLAGGED, 40 * MIN, "kz-head"),),
        note="decided: the father is the alleged perpetrator; the police told guardianship and the mobile "
             "group (KZ §19.5); placement decided by the minors' commission within 12 hours (met)",
    ),
    # --- KZ, school 2 -------------------------------------------------------------------------
    DemoCase(
        key="kz2-notified", school="kz-school-2", filed_by="kz-coordinator-2",
        received_before_m=5 * DAY + 1 * H, incident_before=6 * DAY, channel="contact_centre_111",
        kinds=("cyberbullying",), forms=("psychological",), places=("online",),
        description="111 байланыс орталығы хабарлады: оқушыға әлеуметтік желіде қорқыту хаттары келеді.",
        parties=(child("victim", "Нұрланова", "Томирис", "Даниярқызы", D(2011, 12, 3), "9Б"),
                 parent("Нұрланова", "Ақмарал", "Қанатқызы", 0, "+77010000106")),
        notices_by="kz-coordinator-2",
        notices=tuple(Notify(25 * MIN, code, ack_by="kz-police" if code == "kz-police" else "")
                      for code in KZ_ALL_NOTICES),
        note="notified: every notice within the hour (school 2)",
    ),
    # --- UA, school 1 -------------------------------------------------------------------------
    DemoCase(
        key="ua-new", school="ua-school-1", filed_by="ua-teacher",
        received_before_m=12 * H, incident_before=1 * DAY, channel="parent_report",
        kinds=("bullying",), forms=("economic", "psychological"), places=("locker_room",),
        description="Мати учня повідомила класного керівника, що старші учні в роздягальні "
                    "щодня забирають у сина гроші на обід і погрожують.",
        parties=(child("victim", "Савчук", "Ілля", "Романович", D(2015, 2, 11), "5-А"),
                 parent("Савчук", "Марина", "Петрівна", 0, "+380670000201")),
        note="new: 24-hour notice clocks pending, the head reminded at half time",
    ),
    DemoCase(
        key="ua-decided", school="ua-school-1", filed_by="ua-coordinator",
        received_before_m=1 * DAY + 6 * H, incident_before=2 * DAY, channel="written_application",
        kinds=("bullying",), forms=("psychological", "physical"), places=("canteen", "corridor"),
        description="Заява матері: однокласник систематично принижує сина, штовхає його в їдальні "
                    "та в коридорі, знімає на телефон і висміює.",
        parties=(child("victim", "Бондар", "Максим", "Олегович", D(2013, 8, 19), "7-А"),
                 parent("Бондар", "Світлана", "Іванівна", 0, "+380670000202"),
                 child("initiator", "Гнатюк", "Артем", "Вікторович", D(2013, 4, 1), "7-А"),
                 parent("Гнатюк", "Віктор", "Степанович", 2, "+380670000203")),
        notices_by="ua-head",
        notices=(Notify(1 * H, party=1), Notify(1 * H + 10 * MIN, party=3),
                 Notify(2 * H, "ua-police", channel=NoticeChannel.EMAIL, ack_by="ua-police"),
                 Notify(3 * H, "ua-children-service", channel=NoticeChannel.EMAIL, ack_by="ua-children-service"),
                 Notify(3 * H, "ua-social-centre", channel=NoticeChannel.EMAIL)),
        note="decided: the commission met today, bullying confirmed, minutes formalised",
    ),
    DemoCase(
        key="ua-scheduled", school="ua-school-1", filed_by="ua-coordinator",
        received_before_m=20 * H, incident_before=1 * DAY + 4 * H, channel="self_report",
        kinds=("cyberbullying",), forms=("psychological",), places=("online",),
        description="Учениця розповіла психологу, що однокласниця створила групу в месенджері, "
                    "де її ображають і поширюють змінені фото.",
        parties=(child("victim", "Литвиненко", "Дарина", "Андріївна", D(2012, 10, 7), "8-Б"),
                 parent("Литвиненко", "Алла", "Миколаївна", 0, "+380670000204"),
                 child("initiator", "Мороз", "Вікторія", "Юріївна", D(2012, 6, 25), "8-Б"),
                 parent("Мороз", "Ганна", "Василівна", 2, "+380670000205")),
        notices_by="ua-coordinator",
        notices=(Notify(2 * H, party=1), Notify(2 * H, party=3),
                 Notify(4 * H, "ua-police", channel=NoticeChannel.EMAIL),
                 Notify(4 * H, "ua-children-service", channel=NoticeChannel.EMAIL, ack_by="ua-children-service"),
                 Notify(4 * H, "ua-social-centre", channel=NoticeChannel.EMAIL, ack_by="ua-social-centre")),
        note="in commission: notified on time, on the agenda of the upcoming meeting",
    ),
    DemoCase(
        key="ua-breached", school="ua-school-1", filed_by="ua-coordinator",
        received_before_m=16 * DAY + 5 * H, incident_before=17 * DAY, channel="staff_report",
        kinds=("violence", "bullying"), forms=("physical",), places=("way_to_school",),
        description="Вчитель побачив, як дорогою до ліцею старшокласник бив учня шостого класу. "
                    "За словами дитини, це повторюється щотижня.",
        parties=(child("victim", "Кузьменко", "Богдан", "Сергійович", D(2014, 3, 28), "6-В"),
                 parent("Кузьменко", "Валентина", "Григорівна", 0, "+380670000206"),
                 child("initiator", "Петренко", "Назар", "Олександрович", D(2011, 1, 9), "9-А")),
        notices_by="ua-coordinator",
        notices=(Notify(3 * H, party=1),
                 Notify(5 * H, "ua-police", channel=NoticeChannel.PAPER, ack_by="ua-police"),
                 Notify(30 * H, "ua-children-service", channel=NoticeChannel.PAPER)),
        note="breached: the social centre and the initiator's parents never told, the children's "
             "service late, the commission not convened in 3 working days; now on the upcoming agenda",
    ),
    # --- UA, school 2 -------------------------------------------------------------------------
    DemoCase(
        key="ua2-notified", school="ua-school-2", filed_by="ua-coordinator-2",
        received_before_m=2 * DAY + 3 * H, incident_before=2 * DAY + 5 * H, channel="pupil_report",
        kinds=("bullying",), forms=("psychological",), places=("classroom",),
        description="Учні повідомили, що однокласника постійно обзивають і не беруть у групові завдання.",
        parties=(child("victim", "Ковальчук", "Тимофій", "Ігорович", D(2014, 9, 12), "6-Б"),
                 parent("Ковальчук", "Ірина", "Олексіївна", 0, "+380670000207")),
        notices_by="ua-coordinator-2",
        notices=(Notify(1 * H, party=1),
                 Notify(2 * H, "ua-police", channel=NoticeChannel.EMAIL, ack_by="ua-police"),
                 Notify(2 * H, "ua-children-service", channel=NoticeChannel.EMAIL),
                 Notify(2 * H, "ua-social-centre", channel=NoticeChannel.EMAIL)),
        note="notified: every notice on time (school 2)",
    ),
]


@dataclass
class Story:
    moment: dt.datetime
    users: dict
    cases: dict = field(default_factory=dict)


def _file(story: Story, spec: DemoCase) -> Case:
    received_at = story.moment - spec.received_before_m
    case = case_register(
        user=story.users[spec.filed_by], school=Agency.objects.get(code=spec.school),
        received_at=received_at, incident_at=story.moment - spec.incident_before,
        channel=spec.channel, kinds=list(spec.kinds), forms=list(spec.forms), places=list(spec.places),
        description=spec.description, parties=list(spec.parties),
    )
    story.cases[spec.key] = case
    return case


def _notify(story: Story, spec: DemoCase, case: Case) -> None:
    """Notices and clock events in the order they happened."""
    steps = [(n.after, n) for n in spec.notices] + [(e.after, e) for e in spec.events]
    parties = {p.position: p for p in case.parties.all()}
    for after, step in sorted(steps, key=lambda s: s[0]):
        at = case.received_at + after
        if isinstance(step, Event):
            case_event_record(user=story.users[step.by], case=case, event=step.event, at=at)
            continue
        notice = notice_send(
            user=story.users[step.by or spec.notices_by], case=case, channel=step.channel, sent_at=at,
            to_agency=Agency.objects.get(code=step.agency) if step.agency else None,
            to_party=parties[step.party] if step.party is not None else None,
        )
        if step.ack_by:
            notice_acknowledge(user=story.users[step.ack_by], notice=notice)


def _tell(story: Story, spec: DemoCase) -> Case:
    # A clock that reminds at M must start while M is still ahead: on a slow machine M moves on.
    story.moment = max(story.moment, timezone.now() + MARGIN)
    case = _file(story, spec)
    _notify(story, spec, case)
    return case


def demo_cases_present() -> bool:
    return Case.objects.filter(school__code__in=DEMO_SCHOOLS).exists()


def load_demo_cases() -> dict | None:
    """Tell the demo story; returns what it made, or None when the demo schools already have cases."""
    if demo_cases_present():
        return None
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__startswith="kz-")
             | User.objects.filter(username__startswith="ua-")}
    story = Story(moment=timezone.now() + LEAD, users=users)
    with transaction.atomic():
        # In the order the reports came in, so the register numbers follow the receipt.
        for spec in sorted(CASES, key=lambda spec: spec.received_before_m, reverse=True):
            case = _tell(story, spec)
            if spec.key == "ua-decided":
                # Its meeting starts at M (or just after, if filing took longer than the lead).
                meeting = meetings.schedule_today(story, case)
        upcoming = meetings.schedule_upcoming(story)
        _wait_until(max(story.moment, meeting.starts_at))
        meetings.hold(story, meeting)
        _support_plan(story)
        _assign(story)
        _actions(story)
        # Issue #9 item 7: a generated screenshot and a takedown request on the cyberbullying case.
        load_demo_evidence(case=story.cases["kz-breached"], user=story.users["kz-coordinator"])
        agency_cases = _agency_intake(story)
    # What the beat would do next: reminders and breach alerts, then their delivery.
    swept = deadlines_sweep()
    delivered = outbox_deliver()
    return {"cases": story.cases, "meeting": meeting, "upcoming": upcoming, "swept": swept,
            "delivered": delivered, "agency_cases": agency_cases}


# Issue #9: the police duty officer hands two of the police's cases to the officer, so that
# "My cases" shows something to kz-police on first login; the others stay "Unassigned".
DEMO_ASSIGNMENTS = (("kz-notified", "kz-police-duty", "kz-police", "kz-police"),
                    ("kz-placement", "kz-police-duty", "kz-police", "kz-police"))


def _assign(story: Story) -> None:
    for key, by, agency_code, assignee in DEMO_ASSIGNMENTS:
        # Giving a case to whoever holds it already is a no-op: safe to run again.
        case_assign(user=story.users[by], case=story.cases[key], agency=Agency.objects.get(code=agency_code),
                    assignee=story.users[assignee])


def _wait_until(moment: dt.datetime) -> None:
    left = (moment - timezone.now()).total_seconds()
    if left > 0:
        time.sleep(left + 0.2)


def summary_lines(result: dict) -> list[str]:
    """One line per demo case: reference, school, what it shows."""
    notes = {spec.key: spec.note for spec in CASES}
    return ([f"{case.reference}: {notes[key]}" for key, case in result["cases"].items()]
            + [f"{case.reference}: {note}" for case, note in result.get("agency_cases", [])])


def _support_plan(story: Story) -> None:
    """Issue #9 item 8: the victim of "kz-notified" has a rehabilitation plan (KZ §39) with two
    items, one done; run again, it changes nothing."""
    from support import services as support_services
    from support.models import SupportPlan

    case = story.cases["kz-notified"]
    victim = case.parties.get(role="victim")
    if SupportPlan.objects.filter(party=victim).exists():
        return
    coordinator = story.users["kz-coordinator"]
    plan = support_services.plan_create(user=coordinator, case=case, party=victim, kind="victim_rehabilitation")
    today = case.jurisdiction.local_date(timezone.now())
    consultations = support_services.plan_item_add(
        user=coordinator, plan=plan, measure="psychologist", detail="Аптасына бір рет психологпен кездесу",
        owner_agency=case.school, owner=story.users["kz-psychologist"], due_on=today + dt.timedelta(days=14))
    support_services.plan_item_add(
        user=coordinator, plan=plan, measure="home_visit", detail="Отбасына бару, ата-анамен әңгіме",
        owner_agency=case.school, owner=story.users["kz-social-pedagogue"], due_on=today + dt.timedelta(days=7))
    support_services.plan_item_progress(user=story.users["kz-psychologist"], item=consultations,
                                        text="Алғашқы кездесу өтті, бала сөйлесуге дайын")
    support_services.plan_item_done(user=story.users["kz-psychologist"], item=consultations)


def _actions(story: Story) -> None:
    """Issue #9 items 2, 3, 6: on "kz-placed", the agencies' actions in the case's chronology —
    the police register the case and talk with the mother, guardianship inspects the home, the
    commission on minors' affairs decides on placement 8 hours after the report (its 12-hour
    clock, KZ §45, met) — and the victim's first account. Run again, it changes nothing."""
    from casework.models import Action, ActionKind as K
    from casework.services.actions import action_record
    from casework.services.first_account import first_account_record

    case = story.cases["kz-placed"]
    if Action.objects.filter(case=case).exists():
        return
    users = story.users
    steps = [
        ("kz-police", K.PRETRIAL_REGISTRATION, 1 * H, {"register_number": "241500031000517"}),
        ("kz-guardianship", K.HOME_VISIT, 90 * MIN, {"with_police": True, "with_school_specialist": True}),
        ("kz-guardianship", K.INSPECTION_ACT, 3 * H, {
            "act_number": "47", "conditions": "danger",
            "findings": "Тоңазытқыш бос, балаға бөлек төсек жоқ; әкесі мас күйде."}),
        ("kz-police", K.PREVENTIVE_TALK, 4 * H, {"talked_with": ["parents"], "liability_explained": True}),
        ("kz-minors-commission", K.PLACEMENT_DECISION, 8 * H, {
            "decision_number": "12/3", "place_type": "support_centre", "placed_by": "guardianship",
            "institution": "Балаларды қолдау орталығы", "basis": "Үйде балаға қауіп бар (тексеру актісі №47)."}),
    ]
    for username, kind, after, values in steps:
        action_record(user=users[username], case=case, kind=kind, values=values, occurred_at=case.received_at + after)
    first_account_record(
        user=users["kz-social-pedagogue"], case=case, party_id=case.parties.get(role="victim").pk,
        spoken_at=case.received_at - 20 * MIN, place="Баланың үйі, ас үй", present="Әлеуметтік педагог",
        words="Әкем ашуланса ұрады. Кеше тамақ бермеді. Үйге қайтқым келмейді.")


def _agency_intake(story: Story) -> list[tuple[Case, str]]:
    """Issue #9 items 5, 10: two cases the 111 centre opened itself (KZ §20.1: the applicant is
    recorded). One is linked to school 1, whose clocks then start; the other, a family matter
    handed to the police, is closed with its outcome. Run again, it changes nothing."""
    from cases.services import case_close, case_link_school

    if Case.objects.filter(intake_agency__code="kz-111").exists():
        return []
    officer, centre = story.users["kz-111"], Agency.objects.get(code="kz-111")
    now = timezone.now()

    def open_case(received_before, description, family, given, **extra):
        return case_register(
            user=officer, intake_agency=centre, school=None, received_at=now - received_before,
            incident_at=now - received_before - 3 * H, channel="contact_centre_111", kinds=["violence"],
            forms=["physical"], places=["outside_school"], description=description, parties=[
                child("victim", family, given, "", D(2012, 9, 14), ""),
                PartyInput(role="reporter", family_name="Жұмабекова", given_name="Ақмарал", is_minor=False,
                           phone="+77015550111"),
            ], **extra)

    linked = open_case(2 * H, "Қоңырау шалушы мектеп жанында баланы ересек балалар ұрғанын айтты.",
                       "Қалиев", "Нұрсұлтан")
    case_link_school(user=officer, case=linked, school=Agency.objects.get(code="kz-school-1"))
    closed = open_case(3 * DAY, "Көршісі отбасындағы жанжал туралы хабарлады; полицияға берілді.",
                       "Смағұлова", "Аружан")
    # KZ §18.2, §18.3, §26.1: the centre told the police, the ombudsmen and the committee at once,
    # which met its intake clocks; a case is closed only once its clocks are met.
    from notifications.services.notices import notice_send

    for code in ("kz-police", "kz-bku", "kz-bkou", "kz-bkkk"):
        notice_send(user=officer, case=closed, channel="phone", to_agency=Agency.objects.get(code=code),
                    sent_at=closed.received_at + 20 * MIN)
    case_close(user=officer, case=closed, outcome="referred_law_enforcement",
               reason="Іс полицияның қарауына берілді, 111 орталығының әрекеті аяқталды.")
    return [(linked, "opened by the 111 centre, then linked to school 1 (its clocks start at the link)"),
            (closed, "opened by the 111 centre, closed: referred to law enforcement")]
