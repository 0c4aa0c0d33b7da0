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


def _notice(code, jurisdiction, minutes, targets, source, names, ladder):
    return dict(code=code, jurisdiction=jurisdiction, names=names, source=source,
                start_event="case_received", anchor="case_received", satisfy_event="notice_sent",
                target_agency_kinds=targets, clock="elapsed", duration_minutes=minutes,
                responsible_agency_kind="school", responsible_role="head",
                reminder_points=REMINDERS, escalation_ladder=ladder)


RULES = [
    _notice("kz.guardianship_notice", "KZ", 1 * HOUR, ["guardianship"], "KZ §21", _names(
        "Notify the guardianship authority", "Қорғаншылық органын хабардар ету",
        "Уведомить орган опеки и попечительства", "Повідомити орган опіки та піклування"), KZ_LADDER),
    _notice("kz.committee_notice", "KZ", 1 * HOUR, ["child_rights_committee"], "KZ §25", _names(
        "Inform the child-rights committee", "Бала құқықтарын қорғау комитетін хабардар ету",
        "Проинформировать комитет по охране прав детей", "Поінформувати комітет з охорони прав дітей"),
        KZ_LADDER),
    _notice("kz.police_notice", "KZ", 1 * HOUR, ["police", "contact_centre_111"], "KZ §18.2, §26.1", _names(
        "Notify the police and the 111 contact centre", "Полицияны және 111 байланыс орталығын хабардар ету",
        "Уведомить полицию и контакт-центр 111", "Повідомити поліцію та контакт-центр 111"), KZ_LADDER),
    _notice("kz.ombudsman_notice", "KZ", 1 * HOUR, ["national_ombudsman", "regional_ombudsman"],
            "KZ §18.3, §26.1", _names(
                "Inform the national and regional ombudsman",
                "Бала құқықтары жөніндегі уәкілді және өңірлік уәкілді хабардар ету",
                "Проинформировать уполномоченного и регионального уполномоченного по правам ребёнка",
                "Поінформувати уповноваженого та регіонального уповноваженого з прав дитини"), KZ_LADDER),
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
        "Уведомить службу по делам детей", "Повідомити службу у справах дітей"), UA_LADDER),
    _notice("ua.social_centre_notice", "UA", 24 * HOUR, ["social_services_centre"], "UA II.2", _names(
        "Notify the centre of social services", "Әлеуметтік қызметтер орталығын хабардар ету",
        "Уведомить центр социальных служб", "Повідомити центр соціальних служб"), UA_LADDER),
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
]


def load_protocols(DeadlineRule, Jurisdiction) -> int:
    """Create or update the shipped rules (model classes passed in so migrations can use it)."""
    count = 0
    for rule in RULES:
        fields = dict(rule)
        jurisdiction = Jurisdiction.objects.get(code=fields.pop("jurisdiction"))
        DeadlineRule.objects.update_or_create(code=fields.pop("code"),
                                              defaults={**fields, "jurisdiction": jurisdiction})
        count += 1
    return count
