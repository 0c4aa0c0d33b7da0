"""Demo data: two jurisdictions with their agencies and a user for every role.

Idempotent: running it again changes nothing that exists and adds what is missing.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from agencies.models import Agency, AgencyKind as K, District, Jurisdiction, Region, StaffRole as R
from agencies.services import agency_create, membership_add

JURISDICTIONS = [
    # code, name, zone, holidays country, language, region, district
    ("KZ", "Қазақстан Республикасы", "Asia/Almaty", "KZ", "kk", "Алматы облысы", "Қонаев қаласы"),
    ("UA", "Україна", "Europe/Kyiv", "UA", "uk", "Київська область", "м. Бровари"),
]

AGENCIES = {
    "KZ": [
        ("kz-school-1", K.SCHOOL, "№1 жалпы білім беретін мектеп"),
        ("kz-school-2", K.SCHOOL, "№2 жалпы білім беретін мектеп"),
        ("kz-police", K.POLICE, "Аудандық полиция басқармасы"),
        ("kz-guardianship", K.GUARDIANSHIP, "Қорғаншылық және қамқоршылық органы"),
        ("kz-health", K.HEALTH, "Аудандық емхана"),
        ("kz-social", K.SOCIAL_PROTECTION, "Халықты әлеуметтік қорғау бөлімі"),
        ("kz-kikkk", K.MINORS_COMMISSION, "Кәмелетке толмағандардың істері жөніндегі комиссия"),
        ("kz-mobile", K.MOBILE_GROUP, "Мобильдік топ"),
        ("kz-111", K.CONTACT_CENTRE_111, "111 байланыс орталығы"),
        ("kz-bkou", K.REGIONAL_OMBUDSMAN, "Облыстағы бала құқықтары жөніндегі уәкіл"),
        ("kz-bku", K.NATIONAL_OMBUDSMAN, "Бала құқықтары жөніндегі уәкіл"),
        ("kz-bkkk", K.CHILD_RIGHTS_COMMITTEE, "Бала құқықтарын қорғау комитеті"),
        ("kz-prosecutor", K.PROSECUTOR, "Аудандық прокуратура"),
        ("kz-akimat", K.LOCAL_EXECUTIVE, "Аудан әкімдігі"),
        ("kz-education", K.EDUCATION_AUTHORITY, "Аудандық білім бөлімі"),
        ("kz-forensic", K.FORENSIC, "Сот-медициналық сараптама орталығы"),
    ],
    "UA": [
        ("ua-school-1", K.SCHOOL, "Ліцей №1"),
        ("ua-school-2", K.SCHOOL, "Гімназія №2"),
        ("ua-police", K.POLICE, "Територіальний підрозділ Національної поліції"),
        ("ua-children-service", K.CHILDREN_SERVICE, "Служба у справах дітей"),
        ("ua-social-centre", K.SOCIAL_SERVICES_CENTRE, "Центр соціальних служб"),
        ("ua-education-ombudsman", K.EDUCATION_OMBUDSMAN, "Служба освітнього омбудсмена"),
        ("ua-local-government", K.LOCAL_SELF_GOVERNMENT, "Міська рада"),
    ],
}

# Issue #10: further regions of each country, each with a district, a couple of schools and
# the main agencies. Every agency added here has a region (the schools and police a district).
# jurisdiction code -> [(region, district, [(agency code, kind, name), ...]), ...]
MORE_REGIONS = {
    "KZ": [
        ("Астана қаласы", "Есіл ауданы", [
            ("kz-ast-school-1", K.SCHOOL, "№15 мектеп-гимназия"),
            ("kz-ast-school-2", K.SCHOOL, "№48 жалпы білім беретін мектеп"),
            ("kz-ast-police", K.POLICE, "Есіл ауданының полиция басқармасы"),
            ("kz-ast-guardianship", K.GUARDIANSHIP, "Астана қаласының қорғаншылық және қамқоршылық органы"),
            ("kz-ast-kikkk", K.MINORS_COMMISSION,
             "Астана қаласының кәмелетке толмағандардың істері жөніндегі комиссиясы"),
            ("kz-ast-bkou", K.REGIONAL_OMBUDSMAN, "Астана қаласындағы бала құқықтары жөніндегі уәкіл"),
            ("kz-ast-akimat", K.LOCAL_EXECUTIVE, "Астана қаласының әкімдігі"),
            ("kz-ast-education", K.EDUCATION_AUTHORITY, "Астана қаласының білім басқармасы"),
            ("kz-ast-prosecutor", K.PROSECUTOR, "Есіл ауданының прокуратурасы"),
            ("kz-ast-health", K.HEALTH, "№4 қалалық емхана"),
            ("kz-ast-social", K.SOCIAL_PROTECTION, "Астана қаласының әлеуметтік қорғау басқармасы"),
        ]),
        ("Қарағанды облысы", "Теміртау қаласы", [
            ("kz-krg-school-1", K.SCHOOL, "№7 жалпы білім беретін мектеп"),
            ("kz-krg-school-2", K.SCHOOL, "№22 мектеп-лицей"),
            ("kz-krg-police", K.POLICE, "Теміртау қалалық полиция басқармасы"),
            ("kz-krg-guardianship", K.GUARDIANSHIP, "Теміртау қаласының қорғаншылық және қамқоршылық органы"),
            ("kz-krg-kikkk", K.MINORS_COMMISSION,
             "Қарағанды облысының кәмелетке толмағандардың істері жөніндегі комиссиясы"),
            ("kz-krg-bkou", K.REGIONAL_OMBUDSMAN, "Қарағанды облысындағы бала құқықтары жөніндегі уәкіл"),
            ("kz-krg-akimat", K.LOCAL_EXECUTIVE, "Қарағанды облысының әкімдігі"),
            ("kz-krg-education", K.EDUCATION_AUTHORITY, "Қарағанды облысының білім басқармасы"),
            ("kz-krg-prosecutor", K.PROSECUTOR, "Теміртау қаласының прокуратурасы"),
            ("kz-krg-health", K.HEALTH, "Теміртау қалалық емханасы"),
            ("kz-krg-social", K.SOCIAL_PROTECTION,
             "Теміртау қаласының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі"),
        ]),
    ],
    "UA": [
        # The first region's own regional body (its schools and agencies are above).
        ("Київська область", "м. Бровари", [
            ("ua-kyiv-education", K.EDUCATION_AUTHORITY,
             "Департамент освіти і науки Київської обласної державної адміністрації"),
        ]),
        ("Львівська область", "м. Львів", [
            ("ua-lviv-school-1", K.SCHOOL, "Львівський ліцей №3"),
            ("ua-lviv-school-2", K.SCHOOL, "Гімназія №12 м. Львова"),
            ("ua-lviv-police", K.POLICE, "Відділ поліції №1 Львівського районного управління поліції"),
            ("ua-lviv-children-service", K.CHILDREN_SERVICE, "Служба у справах дітей Львівської міської ради"),
            ("ua-lviv-social-centre", K.SOCIAL_SERVICES_CENTRE, "Львівський міський центр соціальних служб"),
            ("ua-lviv-education", K.EDUCATION_AUTHORITY,
             "Департамент освіти і науки Львівської обласної державної адміністрації"),
        ]),
        ("Харківська область", "м. Харків", [
            ("ua-kharkiv-school-1", K.SCHOOL, "Харківський ліцей №27"),
            ("ua-kharkiv-school-2", K.SCHOOL, "Харківська гімназія №55"),
            ("ua-kharkiv-police", K.POLICE, "Відділ поліції №2 Харківського районного управління поліції"),
            ("ua-kharkiv-children-service", K.CHILDREN_SERVICE, "Служба у справах дітей Харківської міської ради"),
            ("ua-kharkiv-social-centre", K.SOCIAL_SERVICES_CENTRE, "Харківський міський центр соціальних служб"),
            ("ua-kharkiv-education", K.EDUCATION_AUTHORITY,
             "Департамент науки і освіти Харківської обласної державної адміністрації"),
        ]),
    ],
}

# username -> (agency code, role)
USERS = {
    "kz-head": ("kz-school-1", R.HEAD),
    "kz-coordinator": ("kz-school-1", R.COORDINATOR),
    "kz-psychologist": ("kz-school-1", R.PSYCHOLOGIST),
    "kz-social-pedagogue": ("kz-school-1", R.SOCIAL_PEDAGOGUE),
    "kz-teacher": ("kz-school-1", R.CLASS_TEACHER),
    "kz-coordinator-2": ("kz-school-2", R.COORDINATOR),
    "kz-police": ("kz-police", R.OFFICER),
    "kz-police-2": ("kz-police", R.OFFICER),
    "kz-police-duty": ("kz-police", R.DUTY_OFFICER),
    "kz-police-head": ("kz-police", R.HEAD),
    "kz-guardianship-head": ("kz-guardianship", R.HEAD),
    "kz-health": ("kz-health", R.OFFICER),
    "kz-social": ("kz-social", R.OFFICER),
    "kz-forensic": ("kz-forensic", R.OFFICER),
    "kz-guardianship": ("kz-guardianship", R.OFFICER),
    "kz-minors-commission": ("kz-kikkk", R.OFFICER),
    "kz-111": ("kz-111", R.OFFICER),
    "kz-ombudsman": ("kz-bku", R.OFFICER),
    "kz-regional-ombudsman": ("kz-bkou", R.OFFICER),
    "ua-head": ("ua-school-1", R.HEAD),
    "ua-coordinator": ("ua-school-1", R.COORDINATOR),
    "ua-secretary": ("ua-school-1", R.COMMISSION_SECRETARY),
    "ua-psychologist": ("ua-school-1", R.PSYCHOLOGIST),
    "ua-social-pedagogue": ("ua-school-1", R.SOCIAL_PEDAGOGUE),
    "ua-teacher": ("ua-school-1", R.TEACHER),
    "ua-teacher-2": ("ua-school-1", R.TEACHER),
    "ua-coordinator-2": ("ua-school-2", R.COORDINATOR),
    "ua-police": ("ua-police", R.OFFICER),
    "ua-children-service": ("ua-children-service", R.OFFICER),
    "ua-children-service-head": ("ua-children-service", R.HEAD),
    "ua-social-centre": ("ua-social-centre", R.OFFICER),
    "ua-ombudsman": ("ua-education-ombudsman", R.OFFICER),
    # Issue #10: those who see a region's figures on the oversight dashboards.
    "kz-akimat": ("kz-akimat", R.OFFICER),
    "kz-regional-ombudsman-2": ("kz-krg-bkou", R.OFFICER),
    "ua-regional": ("ua-kyiv-education", R.OFFICER),
}

# username -> (given name, family name): people are shown by name, never by login.
NAMES = {
    "kz-head": ("Гүлнар", "Сейітова"),
    "kz-coordinator": ("Айгүл", "Омарова"),
    "kz-psychologist": ("Дина", "Жұмабаева"),
    "kz-social-pedagogue": ("Ержан", "Қасымов"),
    "kz-teacher": ("Сәуле", "Төлеубаева"),
    "kz-coordinator-2": ("Бауыржан", "Нұрланов"),
    "kz-police": ("Асхат", "Бекболатов"),
    "kz-police-2": ("Руслан", "Тоқтаров"),
    "kz-police-duty": ("Серік", "Жақсылықов"),
    "kz-police-head": ("Болат", "Ермеков"),
    "kz-guardianship-head": ("Ләззат", "Байжанова"),
    "kz-health": ("Гүлмира", "Сапарова"),
    "kz-social": ("Мәдина", "Құрманова"),
    "kz-forensic": ("Арман", "Оспанов"),
    "kz-guardianship": ("Жанар", "Әбдірахманова"),
    "kz-minors-commission": ("Марат", "Исаев"),
    "kz-111": ("Әсел", "Серікова"),
    "kz-ombudsman": ("Нұргүл", "Ахметова"),
    "kz-regional-ombudsman": ("Талғат", "Мұқанов"),
    "ua-head": ("Олена", "Коваленко"),
    "ua-coordinator": ("Ігор", "Шевчук"),
    "ua-secretary": ("Наталія", "Бондаренко"),
    "ua-psychologist": ("Ірина", "Мельник"),
    "ua-social-pedagogue": ("Оксана", "Ткаченко"),
    "ua-teacher": ("Андрій", "Кравченко"),
    "ua-teacher-2": ("Тетяна", "Олійник"),
    "ua-coordinator-2": ("Василь", "Поліщук"),
    "ua-police": ("Дмитро", "Лисенко"),
    "ua-children-service": ("Людмила", "Савченко"),
    "ua-children-service-head": ("Світлана", "Мороз"),
    "ua-social-centre": ("Юлія", "Руденко"),
    "ua-ombudsman": ("Максим", "Гончаренко"),
    "kz-akimat": ("Ғалия", "Нұрпейісова"),
    "kz-regional-ombudsman-2": ("Қанат", "Бейсенов"),
    "ua-regional": ("Володимир", "Ярошенко"),
}


@transaction.atomic
def load_demo(*, password: str) -> dict:
    created = {"agencies": 0, "users": 0}
    for code, name, zone, holiday_country, language, region_name, district_name in JURISDICTIONS:
        jurisdiction, _ = Jurisdiction.objects.get_or_create(
            code=code,
            defaults={"name": name, "time_zone": zone, "holiday_country": holiday_country, "language": language},
        )
        region, _ = Region.objects.get_or_create(jurisdiction=jurisdiction, name=region_name)
        district, _ = District.objects.get_or_create(region=region, name=district_name)
        for agency_code, kind, agency_name in AGENCIES[code]:
            if not Agency.objects.filter(code=agency_code).exists():
                national = kind in (K.NATIONAL_OMBUDSMAN, K.CHILD_RIGHTS_COMMITTEE)
                agency_create(
                    jurisdiction=jurisdiction, kind=kind, name=agency_name, code=agency_code,
                    region=None if national else region,
                    district=district if kind in (K.SCHOOL, K.POLICE) else None,
                )
                created["agencies"] += 1
        for region_name, district_name, agencies in MORE_REGIONS[code]:
            region, _ = Region.objects.get_or_create(jurisdiction=jurisdiction, name=region_name)
            district, _ = District.objects.get_or_create(region=region, name=district_name)
            for agency_code, kind, agency_name in agencies:
                if not Agency.objects.filter(code=agency_code).exists():
                    agency_create(jurisdiction=jurisdiction, kind=kind, name=agency_name, code=agency_code,
                                  region=region, district=district if kind in (K.SCHOOL, K.POLICE) else None)
                    created["agencies"] += 1
    User = get_user_model()
    hashed = make_password(password)  # one hash for all demo users: hashing is slow by design
    for username, (agency_code, role) in USERS.items():
        user = User.objects.filter(username=username).first()
        given, family = NAMES[username]
        if user is None:
            user = User.objects.create(username=username, password=hashed, first_name=given, last_name=family)
            created["users"] += 1
        elif not user.first_name:
            user.first_name, user.last_name = given, family
            user.save(update_fields=["first_name", "last_name"])
        membership_add(user=user, agency=Agency.objects.get(code=agency_code), role=role)
    return created
