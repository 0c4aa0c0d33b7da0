"""Demo help directory: a few organisations per demo country (SPEC H5, KZ §38).

The organisations, addresses and local numbers are invented; the national helplines
are the public ones (KZ 150, UA 116 111). Idempotent: an entry whose name is already
in its country's directory is left as it is.
"""

from django.contrib.auth import get_user_model

from agencies.demo import JURISDICTIONS
from agencies.models import District, Jurisdiction, Region
from directory.models import HelpOrganisation, HelpService as S
from directory.services import help_organisation_create

# country code -> the demo user who keeps its directory
KEEPERS = {"KZ": "kz-psychologist", "UA": "ua-psychologist"}

# (name, services, local (in the demo district) or national, address, phone, e-mail, website, hours, notes)
ORGANISATIONS = {
    "KZ": [
        ("«Сенім» дағдарыс орталығы", [S.CRISIS_CENTRE, S.PSYCHOLOGICAL, S.LEGAL], True,
         "Қонаев қ., 4-шағын аудан, 12-үй", "+7 (72772) 2-15-40", "", "", "Тәулік бойы",
         "Зорлық-зомбылық көрген балалар мен аналарға уақытша баспана (20 орын). Жолдама қажет емес."),
        ("«Жан» психологиялық қолдау орталығы", [S.PSYCHOLOGICAL, S.FAMILY], True,
         "Қонаев қ., Абай к-сі, 31", "+7 (72772) 4-08-12", "", "", "Дс–Жм 9:00–18:00, Сб 10:00–14:00",
         "7–18 жастағы балаларға жеке және топтық кеңес; қазақ және орыс тілдерінде."),
        ("Заң клиникасы: балалар мен отбасыларға тегін құқықтық көмек", [S.LEGAL], True,
         "Қонаев қ., Қонаев даңғ., 10, 2-қабат", "+7 (72772) 3-30-77", "", "", "Дс–Жм 10:00–17:00",
         "Алдын ала телефон арқылы жазылу."),
        ("Балалар мен жасөспірімдерге арналған 150 сенім телефоны", [S.HOTLINE, S.PSYCHOLOGICAL], False,
         "", "150", "", "https://telefon150.kz", "Тәулік бойы, тегін",
         "Ұлттық сенім телефоны: балалар мен ата-аналарға анонимді психологиялық көмек."),
        ("Отбасын қолдау орталығы", [S.FAMILY, S.SOCIAL], True,
         "Қонаев қ., 2-шағын аудан, 5-үй", "+7 (72772) 2-44-18", "", "", "Дс–Жм 9:00–18:00",
         "Ата-аналарға арналған топтар, позитивті ата-ана болу бағдарламасы, әлеуметтік сүйемелдеу."),
        ("Балалар шығармашылығы үйі", [S.LEISURE], True,
         "Қонаев қ., Сейфуллин к-сі, 7", "+7 (72772) 4-51-60", "", "", "Дс–Сб 9:00–19:00",
         "Спорт, музыка, робототехника, бейнелеу өнері үйірмелері; тегін."),
    ],
    "UA": [
        ("Кризовий центр для дітей та сімей «Надія»", [S.CRISIS_CENTRE, S.PSYCHOLOGICAL, S.SOCIAL], True,
         "м. Бровари, вул. Шевченка, 21", "+380 (4594) 5-12-34", "", "", "Цілодобово",
         "Тимчасовий притулок для дітей і матерів, які постраждали від насильства (15 місць)."),
        ("Центр психологічної допомоги «Рівновага»", [S.PSYCHOLOGICAL], True,
         "м. Бровари, бульв. Незалежності, 8", "+380 (4594) 6-20-45", "", "", "Пн–Пт 9:00–18:00",
         "Індивідуальні та групові консультації для дітей 6–17 років і батьків."),
        ("Юридична клініка: безоплатна правова допомога дітям і сім'ям", [S.LEGAL], True,
         "м. Бровари, вул. Гагаріна, 14, каб. 3", "+380 (4594) 5-77-02", "", "", "Пн–Пт 10:00–17:00",
         "Запис за телефоном; консультації щодо захисту прав дитини."),
        ("Національна дитяча «гаряча лінія»", [S.HOTLINE, S.PSYCHOLOGICAL], False,
         "", "116 111, 0 800 500 225", "", "https://la-strada.org.ua", "Пн–Пт 12:00–16:00; безкоштовно",
         "Анонімна консультація для дітей і батьків."),
        ("Центр підтримки сім'ї", [S.FAMILY, S.SOCIAL], True,
         "м. Бровари, вул. Київська, 160", "+380 (4594) 6-31-90", "", "", "Пн–Пт 9:00–18:00",
         "Батьківські групи, програма позитивного батьківства, соціальний супровід сімей."),
        ("Будинок дитячої та юнацької творчості", [S.LEISURE], True,
         "м. Бровари, вул. Петлюри, 9", "+380 (4594) 5-40-11", "", "", "Пн–Сб 9:00–19:00",
         "Гуртки: спорт, музика, театр, робототехніка; безкоштовно."),
    ],
}


def load_directory_demo() -> int:
    """Add the demo organisations that are missing; returns how many were added."""
    added = 0
    keepers = {user.username: user for user in get_user_model().objects.filter(username__in=KEEPERS.values())}
    for code, _name, _zone, _holidays, _language, region_name, district_name in JURISDICTIONS:
        jurisdiction = Jurisdiction.objects.get(code=code)
        region = Region.objects.get(jurisdiction=jurisdiction, name=region_name)
        district = District.objects.get(region=region, name=district_name)
        existing = set(HelpOrganisation.objects.filter(jurisdiction=jurisdiction).values_list("name", flat=True))
        for name, services, local, address, phone, email, website, hours, notes in ORGANISATIONS[code]:
            if name in existing:
                continue
            help_organisation_create(
                user=keepers[KEEPERS[code]], jurisdiction=jurisdiction, name=name, services=list(services),
                region=region if local else None, district=district if local else None, address=address,
                phone=phone, email=email, website=website, hours=hours, notes=notes)
            added += 1
    return added
