"""The KZ and UA response protocols as data, loaded by a data migration.

A new country's protocol is rows like these, entered in the admin or a
fixture; no code changes (see tests/notifications/test_third_country.py).
"""

import datetime as dt

HOUR = 60
# Reminders at half time and near the end; on breach, up the ladder (KZ §3).
REMINDERS = [0.5, 0.9]
KZ_LADDER = ["responsible", "agency_head", "regional_ombudsman", "local_executive"]
UA_LADDER = ["responsible", "agency_head", "local_executive"]


def _names(en, kk, ru, uk):
    return {"en": en, "kk": kk, "ru": ru, "uk": uk}


# KZ §25 "жедел байланыс (ұялы немесе электронды)": rapid communication, mobile or electronic.
RAPID_CHANNELS = ["phone", "sms", "email", "rapid", "in_system"]


def _notice(code, jurisdiction, minutes, targets, source, names, ladder, *, legal_term="stated",
            allowed_channels=()):
    return dict(code=code, jurisdiction=jurisdiction, names=names, source=source,
                start_event="case_received", anchor="case_received", satisfy_event="notice_sent",
                target_agency_kinds=targets, clock="elapsed", duration_minutes=minutes,
                legal_term=legal_term, allowed_channels=list(allowed_channels),
                responsible_agency_kind="school", responsible_role="head",
                reminder_points=REMINDERS, escalation_ladder=ladder)


# A support plan's clocks: the due time is a date set on the item or the plan (clock
# "given_date"); the school answers for the plan unless the item names another owner agency.
PLAN_LADDER = ["responsible", "agency_head"]


def _plan(code, jurisdiction, start, satisfy, source, names, *, role, legal_term="stated"):
    return dict(code=code, jurisdiction=jurisdiction, names=names, source=source, start_event=start,
                anchor="start_event", satisfy_event=satisfy, clock="given_date", legal_term=legal_term,
                responsible_agency_kind="school", responsible_role=role, reminder_points=REMINDERS,
                escalation_ladder=PLAN_LADDER)


RULES = [
    _notice("kz.guardianship_notice", "KZ", 1 * HOUR, ["guardianship"], "KZ §21", _names(
        "Notify the guardianship authority", "Қорғаншылық органын хабардар ету",
        "Уведомить орган опеки и попечительства", "Повідомити орган опіки та піклування"), KZ_LADDER),
    _notice("kz.committee_notice", "KZ", 1 * HOUR, ["child_rights_committee"], "KZ §25", _names(
        "Inform the child-rights committee", "Бала құқықтарын қорғау комитетін хабардар ету",
        "Проинформировать комитет по охране прав детей", "Поінформувати комітет з охорони прав дітей"),
        # KZ §25: "жедел байланыс (ұялы немесе электронды) арқылы ... бір сағат ішінде" — by a
        # rapid channel (mobile or electronic) within one hour; a paper letter does not count.
        KZ_LADDER, allowed_channels=RAPID_CHANNELS),
    _notice("kz.police_notice", "KZ", 1 * HOUR, ["police", "contact_centre_111"], "KZ §18.2, §26.1", _names(
        "Notify the police and the 111 contact centre", "Полицияны және 111 байланыс орталығын хабардар ету",
        "Уведомить полицию и контакт-центр 111", "Повідомити поліцію та контакт-центр 111"),
        # KZ §26.1: "дереу хабарлануы керек" — immediately, no number: the hour is the protocol's.
        KZ_LADDER, legal_term="immediately"),
    _notice("kz.ombudsman_notice", "KZ", 1 * HOUR, ["national_ombudsman", "regional_ombudsman"],
            "KZ §18.3, §26.1", _names(
                "Inform the national and regional ombudsman",
                "Бала құқықтары жөніндегі уәкілді және өңірлік уәкілді хабардар ету",
                "Проинформировать уполномоченного и регионального уполномоченного по правам ребёнка",
                "Поінформувати уповноваженого та регіонального уповноваженого з прав дитини"),
            KZ_LADDER, legal_term="immediately"),  # KZ §26.1: "дереу"
    # KZ §26.1: "барлық уәкілетті мемлекеттік органдар – ішкі істер, прокуратура, білім, денсаулық
    # сақтау, әлеуметтік қорғау органдары ... дереу хабарлануы керек": the prosecutor, education,
    # health and social-protection bodies are told immediately (the police: kz.police_notice).
    _notice("kz.authorities_notice", "KZ", 1 * HOUR,
            ["prosecutor", "education_authority", "health", "social_protection"], "KZ §26.1", _names(
                "Notify the prosecutor, education, health and social-protection bodies",
                "Прокуратура, білім, денсаулық сақтау және әлеуметтік қорғау органдарын хабардар ету",
                "Уведомить прокуратуру, органы образования, здравоохранения и социальной защиты",
                "Повідомити прокуратуру, органи освіти, охорони здоров'я та соціального захисту"),
            KZ_LADDER, legal_term="immediately"),
    # KZ §24: "кәмелетке толмағандардың істері және олардың құқықтарын қорғау жөніндегі комиссияға
    # ... нөмірленген хабарламаны қоса бере отырып, негізгі құжатты жолдайды" — the head sends the
    # commission on minors' affairs the main document with a numbered notice. The law sets no
    # term; the protocol gives a day.
    _notice("kz.minors_commission_notice", "KZ", 24 * HOUR, ["minors_commission"], "KZ §24", _names(
        "Send the numbered notice to the commission on minors' affairs",
        "Кәмелетке толмағандардың істері жөніндегі комиссияға нөмірленген хабарлама жолдау",
        "Направить пронумерованное уведомление в комиссию по делам несовершеннолетних",
        "Надіслати пронумероване повідомлення комісії у справах неповнолітніх"),
        KZ_LADDER, legal_term="unspecified"),
    # KZ §19.5: "ата-аналары, қамқоршылары, өгей әкелері, бірге тұратын адамдар, туыстары ... тарапынан
    # зорлық-зомбылық жасалғандығының әрбір фактісі бойынша қорғаншылық органдарына дереу хабарлайды
    # және мобильді топтарды хабардар етеді" — the police immediately tell the guardianship authority
    # and the mobile group of every fact of violence by parents, guardians, step-parents, cohabitants
    # or relatives. Starts when the police are notified of a case whose alleged perpetrator is a
    # legal representative (services.notices._start_family_violence_clock).
    dict(code="kz.police_family_violence_notice", jurisdiction="KZ", source="KZ §19.5", names=_names(
        "Police: tell the guardianship authority and the mobile group of violence in the family",
        "Полиция: отбасындағы зорлық-зомбылық туралы қорғаншылық органы мен мобильді топты хабардар ету",
        "Полиция: сообщить органу опеки и мобильной группе о насилии в семье",
        "Поліція: повідомити орган опіки та мобільну групу про насильство в сім'ї"),
        start_event="police_notified_of_family_violence", anchor="start_event", satisfy_event="notice_sent",
        target_agency_kinds=["guardianship", "mobile_group"], clock="elapsed", duration_minutes=1 * HOUR,
        legal_term="immediately", responsible_agency_kind="police", responsible_role="officer",
        reminder_points=REMINDERS, escalation_ladder=KZ_LADDER),
    dict(code="kz.placement_decision", jurisdiction="KZ", source="KZ §45", names=_names(
        "Decide on the child's placement", "Баланы орналастыру туралы шешім қабылдау",
        "Принять решение о помещении ребёнка", "Ухвалити рішення щодо влаштування дитини"),
        start_event="placement_flagged", anchor="case_received", satisfy_event="placement_decided",
        clock="elapsed", duration_minutes=12 * HOUR, responsible_agency_kind="minors_commission",
        responsible_role="officer", reminder_points=REMINDERS, escalation_ladder=KZ_LADDER),
    dict(code="kz.media_statement", jurisdiction="KZ", source="KZ §32", names=_names(
        "Statement to the media on a high-profile case", "Резонансты іс бойынша БАҚ-қа мәлімдеме",
        "Заявление для СМИ по резонансному делу", "Заява для ЗМІ щодо резонансної справи"),
        start_event="high_profile_confirmed", anchor="start_event", satisfy_event="media_statement",
        clock="elapsed", duration_minutes=3 * HOUR, responsible_agency_kind="education_ministry",
        responsible_role="officer", reminder_points=REMINDERS, escalation_ladder=KZ_LADDER),
    dict(code="kz.forensic_exam", jurisdiction="KZ", source="KZ §26.7", names=_names(
        "Forensic examination", "Сот-медициналық сараптама", "Судебно-медицинская экспертиза",
        "Судово-медична експертиза"),
        start_event="forensic_ordered", anchor="start_event", satisfy_event="forensic_result",
        clock="elapsed", duration_minutes=3 * 24 * HOUR, responsible_agency_kind="forensic",
        responsible_role="officer", reminder_points=REMINDERS, escalation_ladder=KZ_LADDER),
    # A case an agency received itself (not a school: cases.intake.INTAKE_AGENCY_KINDS). The
    # clock runs for that intake agency (Deadline.responsible_agency, set by deadlines_start);
    # the rule's agency kind is only its default, the 111 centre. A target of the intake agency's
    # own kind counts as met: the police need not notify themselves, nor 111 itself.
    # KZ §18.2: the detecting bodies (guardianship, education, health, social protection, the
    # commission, mobile groups) "ішкі істер органдарына, 111 байланыс орталығына хабарлауға";
    # §20.2: 111 "жауапты мемлекеттік органдармен ... байланыс орнатады және алынған ақпаратты
    # жеткізеді"; §19.2: the police tell 111; §26.1: the police are told "дереу" — immediately,
    # no number: the hour is the protocol's, as for kz.police_notice.
    dict(code="kz.intake_police_notice", jurisdiction="KZ", source="KZ §18.2, §20.2, §26.1", names=_names(
        "Intake agency: notify the police and the 111 contact centre",
        "Қабылдаған орган: полицияны және 111 байланыс орталығын хабардар ету",
        "Принявший орган: уведомить полицию и контакт-центр 111",
        "Орган, що прийняв: повідомити поліцію та контакт-центр 111"),
        start_event="agency_intake", anchor="case_received", satisfy_event="notice_sent",
        target_agency_kinds=["police", "contact_centre_111"], clock="elapsed", duration_minutes=1 * HOUR,
        legal_term="immediately", responsible_agency_kind="contact_centre_111", responsible_role="officer",
        reminder_points=REMINDERS, escalation_ladder=KZ_LADDER),
    # KZ §18.3: "БҚУ, БҚӨУ, ... БҚҚК орын алған оқиға туралы ақпаратты жіберуге" — send the national
    # and regional ombudsmen and the child-rights committee the information; §26.1: the ombudsmen
    # are told "дереу" (immediately); §25: the committee within the hour by a rapid channel.
    dict(code="kz.intake_ombudsman_notice", jurisdiction="KZ", source="KZ §18.3, §25, §26.1", names=_names(
        "Intake agency: inform the ombudsmen and the child-rights committee",
        "Қабылдаған орган: уәкілдерді және бала құқықтарын қорғау комитетін хабардар ету",
        "Принявший орган: проинформировать уполномоченных и комитет по охране прав детей",
        "Орган, що прийняв: поінформувати уповноважених та комітет з охорони прав дітей"),
        start_event="agency_intake", anchor="case_received", satisfy_event="notice_sent",
        target_agency_kinds=["national_ombudsman", "regional_ombudsman", "child_rights_committee"],
        clock="elapsed", duration_minutes=1 * HOUR, legal_term="immediately",
        responsible_agency_kind="contact_centre_111", responsible_role="officer",
        reminder_points=REMINDERS, escalation_ladder=KZ_LADDER),
    # UA: the procedure (UA I–V) binds the school only; it sets no term for the police, the
    # children's service or the centre of social services that receive a report, so no UA rule.
    _notice("ua.police_notice", "UA", 24 * HOUR, ["police"], "UA II.2", _names(
        "Notify the National Police unit", "Ұлттық полиция бөлімшесін хабардар ету",
        "Уведомить подразделение Национальной полиции", "Повідомити підрозділ Національної поліції"),
        UA_LADDER),
    dict(code="ua.parent_notice", jurisdiction="UA", source="UA II.2, I.6", names=_names(
        "Notify a parent or legal representative", "Ата-ананы немесе заңды өкілді хабардар ету",
        "Уведомить родителя или законного представителя",
        "Повідомити батьків або законного представника"),
        start_event="case_received", anchor="case_received", satisfy_event="parent_notice_sent",
        clock="elapsed", duration_minutes=24 * HOUR, per_minor_party=True, responsible_agency_kind="school",
        responsible_role="head", reminder_points=REMINDERS, escalation_ladder=UA_LADDER),
    _notice("ua.children_service_notice", "UA", 24 * HOUR, ["children_service"], "UA II.2", _names(
        "Notify the children's service", "Балалар ісі жөніндегі қызметті хабардар ету",
        "Уведомить службу по делам детей", "Повідомити службу у справах дітей"),
        # UA II.2: "повідомляє службу у справах дітей" — no term; the protocol gives a day (SPEC N6).
        UA_LADDER, legal_term="unspecified"),
    _notice("ua.social_centre_notice", "UA", 24 * HOUR, ["social_services_centre"], "UA II.2", _names(
        "Notify the centre of social services", "Әлеуметтік қызметтер орталығын хабардар ету",
        "Уведомить центр социальных служб", "Повідомити центр соціальних служб"),
        UA_LADDER, legal_term="unspecified"),  # UA II.2: "повідомляє центр соціальних служб", no term
    dict(code="ua.commission_meeting", jurisdiction="UA", source="UA II.2", names=_names(
        "Convene the bullying commission", "Буллинг жөніндегі комиссияның отырысын шақыру",
        "Созвать заседание комиссии по буллингу", "Скликати засідання комісії з розгляду випадків булінгу"),
        start_event="case_received", anchor="case_received", satisfy_event="meeting_held",
        clock="working_days", working_days=3, responsible_agency_kind="school", responsible_role="head",
        reminder_points=REMINDERS, escalation_ladder=UA_LADDER),
    dict(code="ua.meeting_notice", jurisdiction="UA", source="UA IV.6", names=_names(
        "Notify members and the applicant of the meeting", "Мүшелер мен өтініш берушіні отырыс туралы хабардар ету",
        "Уведомить членов комиссии и заявителя о заседании",
        "Повідомити членів комісії та заявника про засідання"),
        start_event="meeting_scheduled", anchor="start_event", satisfy_event="meeting_notice_sent",
        clock="cutoff_day_before", cutoff_time=dt.time(18, 0), responsible_agency_kind="school",
        responsible_role="commission_secretary", reminder_points=REMINDERS, escalation_ladder=UA_LADDER),
    dict(code="ua.case_decision", jurisdiction="UA", source="UA IV.11", names=_names(
        "The commission's decision on the report", "Комиссияның өтініш бойынша шешімі",
        "Решение комиссии по заявлению", "Рішення комісії за заявою"),
        start_event="case_received", anchor="case_received", satisfy_event="decision_recorded",
        clock="working_days", working_days=10, responsible_agency_kind="school", responsible_role="head",
        reminder_points=REMINDERS, escalation_ladder=UA_LADDER),
    # Support plans (SPEC H1–H3, H6). An item is due at the end of the date its plan sets; the
    # reminder and the breach reach the item's owner person and agency (Deadline.responsible_*),
    # not every member of the rule's kind. Overdue help climbs to the owner agency's head only.
    _plan("kz.support_item", "KZ", "plan_item_added", "plan_item_done", "KZ §39, §40, §41", _names(
        "Carry out a support plan item", "Қолдау жоспарының тармағын орындау",
        "Выполнить пункт плана поддержки", "Виконати пункт плану підтримки"),
        role="psychologist"),
    # UA IV.3: the commission assesses the parties' needs for services and measures and monitors
    # their effectiveness; IV.10: the chair controls the execution of its decision.
    _plan("ua.support_item", "UA", "plan_item_added", "plan_item_done", "UA IV.3, IV.10", _names(
        "Carry out a support plan item", "Қолдау жоспарының тармағын орындау",
        "Выполнить пункт плана поддержки", "Виконати пункт плану підтримки"),
        role="psychologist"),
    # KZ §37, §39: the plan of help is the child's individual plan; the law sets no review term,
    # so the protocol reviews it like the UA plan, by the date the plan sets (default 6 months).
    _plan("kz.support_review", "KZ", "plan_review_scheduled", "plan_reviewed", "KZ §37, §39", _names(
        "Review the support plan", "Қолдау жоспарын қайта қарау",
        "Пересмотреть план поддержки", "Переглянути план підтримки"),
        role="coordinator", legal_term="unspecified"),
    # UA V.4: "моніторингу (за потреби, але не рідше одного разу на півріччя)" — monitoring at
    # least once per half-year; UA IV.3: monitoring of the services and correcting them.
    _plan("ua.support_review", "UA", "plan_review_scheduled", "plan_reviewed", "UA IV.3, V.4", _names(
        "Review the support plan", "Қолдау жоспарын қайта қарау",
        "Пересмотреть план поддержки", "Переглянути план підтримки"),
        role="coordinator"),
]



def _routes(jurisdiction, sender, recipients, source):
    return [(jurisdiction, sender, recipient, source) for recipient in recipients]


# The notice matrix: (jurisdiction, sending agency kind, receiving agency kind, legal source).
# A school is never a recipient: a case goes to another school only by law, and no law says so.
KZ_DETECTING_AGENCIES = ["guardianship", "education_authority", "health", "social_protection",
                         "minors_commission", "mobile_group"]
NOTICE_ROUTES = [
    # KZ §21: the head tells the guardianship authority within 1 hour.
    *_routes("KZ", "school", ["guardianship"], "KZ §21"),
    # KZ §18.2 (police, 111), §23 (police: detection information with the inspection act).
    *_routes("KZ", "school", ["police"], "KZ §18.2, §23, §26.1"),
    *_routes("KZ", "school", ["contact_centre_111"], "KZ §18.2"),
    # KZ §18.3 (ombudsmen, committee), §25 (committee within 1 hour), §26.1 (ombudsmen).
    *_routes("KZ", "school", ["national_ombudsman", "regional_ombudsman"], "KZ §18.3, §26.1"),
    *_routes("KZ", "school", ["child_rights_committee"], "KZ §18.3, §25"),
    # KZ §24: the numbered notice to the commission on minors' affairs and all authorised bodies.
    *_routes("KZ", "school", ["minors_commission"], "KZ §24"),
    # KZ §24, §26.1: the prosecutor, education, health and social-protection bodies.
    *_routes("KZ", "school", ["prosecutor", "education_authority", "health", "social_protection"],
             "KZ §24, §26.1"),
    # KZ §18: guardianship, education, health, social-protection bodies, the commission on minors'
    # affairs and mobile groups, on detecting a fact, tell the police and 111 (§18.2) and send the
    # ombudsmen and the committee the information (§18.3).
    *[route for sender in KZ_DETECTING_AGENCIES for route in (
        *_routes("KZ", sender, ["police", "contact_centre_111"], "KZ §18.2"),
        *_routes("KZ", sender, ["national_ombudsman", "regional_ombudsman", "child_rights_committee"],
                 "KZ §18.3"),
    )],
    # KZ §19.5: the police tell the guardianship authority and the mobile group of violence by
    # parents or relatives; §19.2: the police tell 111 when parents need checking or help.
    *_routes("KZ", "police", ["guardianship", "mobile_group"], "KZ §19.5"),
    *_routes("KZ", "police", ["contact_centre_111"], "KZ §19.2"),
    # KZ §26.1: the ombudsmen are told immediately of every fact, whoever received it; §25: the
    # committee within the hour. A case the police or 111 opened meets kz.intake_ombudsman_notice.
    *[route for sender in ("police", "contact_centre_111") for route in (
        *_routes("KZ", sender, ["national_ombudsman", "regional_ombudsman"], "KZ §26.1"),
        *_routes("KZ", sender, ["child_rights_committee"], "KZ §25"),
    )],
    # KZ §20.2: the 111 centre contacts the responsible bodies and passes the information on.
    *_routes("KZ", "contact_centre_111", ["police", "guardianship", "education_authority", "health",
                                          "social_protection", "minors_commission", "mobile_group",
                                          "prosecutor"], "KZ §20.2"),
    # KZ §26.2: local executive bodies send the ombudsmen the data on child victims.
    *_routes("KZ", "local_executive", ["national_ombudsman", "regional_ombudsman"], "KZ §26.2"),
    # UA II.2 (and I.6 for the police): the head tells the National Police unit, the children's
    # service and the centre of social services.
    *_routes("UA", "school", ["police"], "UA I.6, II.2"),
    *_routes("UA", "school", ["children_service", "social_services_centre"], "UA II.2"),
]


def _known_fields(model, fields: dict) -> dict:
    """Only the fields the (possibly historical) model has: an early migration loads the rules
    before later fields exist; the migration that adds them loads the rules again."""
    names = {f.name for f in model._meta.get_fields()}
    return {k: v for k, v in fields.items() if k in names}


def load_protocols(DeadlineRule, Jurisdiction) -> int:
    """Create or update the shipped rules (model classes passed in so migrations can use it)."""
    count = 0
    for rule in RULES:
        fields = dict(rule)
        jurisdiction = Jurisdiction.objects.get(code=fields.pop("jurisdiction"))
        DeadlineRule.objects.update_or_create(code=fields.pop("code"),
                                              defaults={**_known_fields(DeadlineRule, fields),
                                                        "jurisdiction": jurisdiction})
        count += 1
    return count


def load_notice_routes(NoticeRoute, Jurisdiction) -> int:
    """Create or update the shipped notice matrix (model classes passed in for migrations)."""
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    for code, sender, recipient, source in NOTICE_ROUTES:
        NoticeRoute.objects.update_or_create(jurisdiction=jurisdictions[code], sender_kind=sender,
                                             recipient_kind=recipient, defaults={"source": source})
    return len(NOTICE_ROUTES)
