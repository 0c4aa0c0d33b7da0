"""The demo story's commission meetings at Ліцей №1 (UA III–IV), through the commission services.

One meeting is held at the moment M of the load (see demo.cases): scheduled a few
seconds ahead, held once its time has come, with attendance, an open vote with a
dissenting opinion, the decision, and minutes formalised by the head's order. The
other is scheduled two working days ahead with two open cases on its agenda.
"""

import datetime as dt

from django.utils import timezone

from agencies.models import Agency
from commission.models import Meeting, MeetingNoticeChannel
from commission.services import (
    attendance_mark, decision_communicate, decision_record, meeting_close, meeting_deadline_conflicts,
    meeting_notice_cutoff_passed, meeting_notice_record, meeting_open, meeting_schedule, meeting_send_notice,
    minutes_formalise, question_close, vote_cast,
)
from notifications.calendar import WorkingCalendar

SCHOOL = "ua-school-1"
PLACE = "Кабінет директора, ліцей №1"
ABSENT = ("ua-teacher-2", "ua-social-centre")
SHORT_NOTICE = ("Потерпілого щодня принижують у їдальні, він боїться приходити до ліцею: засідання скликано "
                "невідкладно, членів комісії та заявницю повідомлено в день засідання.")
AGAINST = {"ua-teacher": "Вважаю, що конфлікт був взаємним: хлопці сварилися й раніше, "
                         "тому це не булінг, а сварка, яку треба розв'язати через медіацію."}
DECISION = {
    "needs_assessment": "Потерпілий потребує психологічної підтримки та безпечного простору на перервах; "
                        "ініціатор — корекційної роботи щодо поведінки та участі батьків.",
    "causes_and_measures": "Причина — бажання ініціатора самоствердитися перед класом і безкарність "
                           "зйомок на телефон. Заходи: чергування вчителів в їдальні та коридорі, "
                           "заборона зйомки без згоди, індивідуальні зустрічі з психологом.",
    "class_measures": "Три заняття з протидії булінгу в 7-А класі, класна година про цифрову безпеку.",
    "recommendations_teachers": "Звертати увагу на ізоляцію учня, негайно зупиняти приниження, "
                                "щотижня повідомляти класного керівника.",
    "recommendations_parents": "Батькам обох учнів — зустріч із психологом; батькам ініціатора — "
                               "контроль користування телефоном і розмова про наслідки.",
}
MONITORING = [
    ("ua-psychologist", "Шість зустрічей психолога з потерпілим і ініціатором", 21),
    ("ua-coordinator", "Перевірити виконання заходів і доповісти комісії", 30),
]


def _school():
    return Agency.objects.get(code=SCHOOL)


def _late_reason(cases, starts_at) -> str:
    # UA II.2: a meeting later than three working days after receipt records why.
    if meeting_deadline_conflicts(cases, starts_at):
        return "Заява надійшла, коли комісія не могла зібратися: затримка з розглядом, засідання " \
               "призначено на найближчу можливу дату."
    return ""


def schedule_today(story, case) -> Meeting:
    """Schedule the meeting for the moment M (it must be ahead when scheduled) and send its notice."""
    secretary = story.users["ua-secretary"]
    starts_at = max(story.moment, timezone.now() + dt.timedelta(seconds=1))
    school = _school()
    # UA IV.6: a meeting the same day cannot be notified by 18:00 of the day before; the reason is recorded.
    short_notice = SHORT_NOTICE if meeting_notice_cutoff_passed(school, starts_at) else ""
    meeting = meeting_schedule(user=secretary, school=school, starts_at=starts_at, place=PLACE, cases=[case],
                               late_reason=_late_reason([case], starts_at), short_notice_reason=short_notice)
    meeting = meeting_send_notice(user=secretary, meeting=meeting)
    _tell_applicant(secretary, meeting, case)
    return meeting


def _tell_applicant(secretary, meeting: Meeting, case) -> None:
    """UA IV.6: the applicant (the first legal representative, who reported) is told by phone."""
    applicant = case.parties.filter(role="legal_representative").order_by("position").first()
    meeting_notice_record(user=secretary, meeting=meeting, case=case, channel=MeetingNoticeChannel.PHONE,
                          sent_at=timezone.now(), party=applicant)


def _working_days_ahead(days: int, at: dt.time) -> dt.datetime:
    school = _school()
    calendar = WorkingCalendar(school.jurisdiction)
    day = school.jurisdiction.local_date(timezone.now())
    while days:
        day += dt.timedelta(days=1)
        days -= calendar.is_working_day(day)
    return school.jurisdiction.at(day, at)


def schedule_upcoming(story) -> Meeting:
    """Two open cases, one of them late (its reason recorded); one applicant told, the members' notice
    still to send (its clock runs to 18:00 of the day before)."""
    cases = [story.cases["ua-scheduled"], story.cases["ua-breached"]]
    starts_at = _working_days_ahead(2, dt.time(14, 30))
    secretary = story.users["ua-secretary"]
    meeting = meeting_schedule(user=secretary, school=_school(), starts_at=starts_at,
                               place=PLACE, cases=cases, late_reason=_late_reason(cases, starts_at))
    _tell_applicant(secretary, meeting, cases[0])
    return meeting


def hold(story, meeting: Meeting) -> Meeting:
    """The meeting from attendance to the decision communicated (UA IV.5–IV.10)."""
    users = story.users
    secretary, chair = users["ua-secretary"], users["ua-head"]
    members = [m.user for m in meeting.composition.members.select_related("user")]
    for member in members:
        attendance_mark(user=secretary, meeting=meeting, member=member, present=member.username not in ABSENT)
    meeting = meeting_open(user=secretary, meeting=meeting)
    item = meeting.agenda.get()
    question = item.questions.get(is_bullying_confirmation=True)
    for member in members:
        if member.username in ABSENT:
            continue
        dissent = AGAINST.get(member.username, "")
        vote_cast(user=member, question=question, choice="against" if dissent else "for", dissent=dissent)
    question_close(user=chair, question=question)
    today = meeting.commission.school.jurisdiction.local_date(timezone.now())
    decision_record(user=secretary, agenda_item=item, texts=DECISION, monitoring=[
        {"owner": users[owner], "description": text, "due_date": today + dt.timedelta(days=days)}
        for owner, text, days in MONITORING])
    meeting = meeting_close(user=chair, meeting=meeting)
    meeting = minutes_formalise(user=chair, meeting=meeting, order_number="47-од", order_date=today)
    return decision_communicate(user=chair, meeting=meeting)
