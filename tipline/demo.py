"""Demo pupils' reports, so each demo school's queue is alive on first login (issue #11).

Per school: one urgent report (its head and coordinator are alerted) and one the coordinator
has answered. Made through the services, like a real report. Idempotent: a school that has
reports already gets none. Returns the follow-up codes, shown once, so a demo user can open a
report as its pupil (the passphrase is ``DEMO_PASSPHRASE``).
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.models import Agency
from tipline import services
from tipline.models import Tip

DEMO_PASSPHRASE = "demo-pupil-2026"

REPORTS = {
    "kz-school-1": ("kz-coordinator", [
        dict(what="8В сыныбындағы бір бала үзілісте дәретханада пышақ көрсетіп, ақша сұрады. Бүгін де әкелемін деді.",
             place="toilet", feeling="Мектепке баруға қорқамын.", who="8В сыныбының баласы"),
        dict(what="Сынып чатында менің суретімді мазақ қылып жіберіп жүр, бір аптадан бері.",
             place="online", feeling="Ұяламын.", reply="Хабарлағаныңа рахмет. Ертең 3-үзілісте психолог "
                                                        "кабинетіне кел, бірге шешейік."),
    ]),
    "ua-school-1": ("ua-coordinator", [
        dict(what="Однокласниця пише в чаті, що не хоче жити, і вчора показувала порізи на руці.",
             place="online", feeling="Я дуже переживаю за неї.", who="Учениця 6-А класу"),
        dict(what="На перерві в коридорі старшокласники забирають у малих гроші на їжу.",
             place="corridor", feeling="Страшно говорити вчителям.",
             reply="Дякуємо, що написали. Ми вже посилили чергування на перервах. Напишіть, якщо це повториться."),
    ]),
}


@transaction.atomic
def load_tipline_demo() -> list[tuple[str, int, str]]:
    """Add the demo reports; returns (school code, report number, follow-up code) of those added."""
    added = []
    for school_code, (coordinator, reports) in REPORTS.items():
        school = Agency.objects.filter(code=school_code).first()
        if school is None or Tip.objects.filter(school=school).exists():
            continue
        services.school_link_ensure(school=school)
        staff = get_user_model().objects.get(username=coordinator)
        for report in reports:
            fields = dict(report)
            reply = fields.pop("reply", "")
            tip, code = services.tip_submit(school=school, passphrase=DEMO_PASSPHRASE,
                                            passphrase_again=DEMO_PASSPHRASE, **fields)
            if reply:
                services.tip_reply(user=staff, tip=tip, body=reply)
            added.append((school_code, tip.number, code))
    return added
