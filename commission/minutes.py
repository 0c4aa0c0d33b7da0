"""The minutes of a commission meeting as a PDF (UA IV.8).

An internal, confidential document of the commission: the agenda names cases by
their reference and parties by role and number, never by name. It is written in
the school's jurisdiction's language, with DejaVu fonts (shipped in
``commission/fonts``) that cover the Kazakh, Ukrainian, Russian and English
alphabets.
"""

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from agencies.people import display_name
from commission import rules, selectors, services
from commission.models import Decision, Meeting, MeetingStatus, VoteChoice
from privacy.audit import audit_record
from privacy.models import AuditAction

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


@lru_cache(maxsize=1)
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, str(FONTS_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def _styles() -> dict:
    base = ParagraphStyle("base", fontName=FONT, fontSize=10, leading=13.5, spaceAfter=3)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=14, leading=18,
                                alignment=TA_CENTER, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=base, alignment=TA_CENTER, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceBefore=8,
                             spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, fontSize=10.5, spaceBefore=6),
        "draft": ParagraphStyle("draft", parent=base, fontName=FONT_BOLD, textColor=colors.HexColor("#b3261e"),
                                alignment=TA_CENTER, spaceAfter=6),
    }


def _p(text, style) -> Paragraph:
    """A paragraph of plain text: escaped (markup in a member's text stays text), newlines kept."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows, widths, styles, header=True) -> Table:
    cells = [[c if isinstance(c, Paragraph) else _p(c, styles["small"]) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa3b2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf3")))
    table.setStyle(TableStyle(commands))
    return table


class _Formatter:
    """Dates as the school's language writes them (its DATE_FORMAT / DATETIME_FORMAT: kk and uk
    day-first), in the school's zone; the PDF is rendered with that language active."""

    def __init__(self, meeting: Meeting):
        self.jurisdiction = meeting.commission.school.jurisdiction

    def datetime(self, value) -> str:
        return formats.date_format(self.jurisdiction.local(value), "DATETIME_FORMAT") if value else "—"

    def date(self, value) -> str:
        return formats.date_format(value, "DATE_FORMAT") if value else "—"

    def time(self, value) -> str:
        return formats.time_format(self.jurisdiction.local(value), "TIME_FORMAT") if value else "—"


def _party_roles(case) -> str:
    """The case's parties by role and number: the minutes never carry a name."""
    parties = case.parties.order_by("position")
    return "; ".join(f"{p.get_role_display()} {p.position + 1}" for p in parties) or "—"


@dataclass
class _Minutes:
    """What the minutes say, read once; the sections below only lay it out."""

    meeting: Meeting
    members: list
    attendance: dict
    quorum: dict
    chair: object
    secretary: object
    items: list
    questions: list
    decisions: dict
    substitutions: list
    invitations: list
    outside_notices: list


def minutes_data(meeting: Meeting) -> _Minutes:
    items = list(meeting.agenda.select_related("case__school").order_by("position"))
    return _Minutes(
        meeting=meeting,
        members=list(meeting.composition.members.select_related("user").order_by("id")),
        attendance={row["user"].pk: row["present"] for row in selectors.attendance_rows(meeting)},
        quorum=selectors.quorum_state(meeting),
        chair=selectors.chairing(meeting), secretary=selectors.minuting(meeting),
        items=items, questions=list(selectors.questions_for(items)), decisions=selectors.decision_items(items),
        substitutions=list(meeting.substitutions.select_related("user", "proposed_by").order_by("id")),
        invitations=list(meeting.invitations.select_related("user", "case__school").order_by("id")),
        outside_notices=selectors.outside_notices(meeting),
    )


def _header(data: _Minutes, styles, fmt) -> list:
    meeting, composition = data.meeting, data.meeting.composition
    story = []
    if meeting.status != MeetingStatus.CLOSED:
        story.append(_p(_("DRAFT: the meeting is not closed yet."), styles["draft"]))
    story.append(_p(meeting.commission.school.name, styles["subtitle"]))
    story.append(_p(_("MINUTES"), styles["title"]))
    story.append(_p(_("of the meeting of the commission on consideration of cases of bullying"),
                    styles["subtitle"]))
    story.append(_p(_("Date and time: %(when)s") % {"when": fmt.datetime(meeting.starts_at)}, styles["base"]))
    story.append(_p(_("Place: %(place)s") % {"place": meeting.place if meeting.place is not None
                                             else _("(unavailable)")}, styles["base"]))
    if meeting.opened_at:
        story.append(_p(_("Opened at %(opened)s, closed at %(closed)s.") % {
            "opened": fmt.time(meeting.opened_at), "closed": fmt.time(meeting.closed_at)}, styles["base"]))
    story.append(_p(_("Composition approved by the head's order No. %(number)s of %(date)s, in force from "
                      "%(from)s: %(size)s members.") % {
        "number": composition.order_number, "date": fmt.date(composition.order_date),
        "from": fmt.date(composition.in_force_from), "size": len(data.members)}, styles["base"]))
    if meeting.late_reason:
        story.append(_p(_("Reason the meeting is later than three working days after the report: %(reason)s")
                        % {"reason": meeting.late_reason}, styles["base"]))
    if meeting.short_notice_reason:
        story.append(_p(_("Reason the notice could not be given by 18:00 of the day before: %(reason)s")
                        % {"reason": meeting.short_notice_reason}, styles["base"]))
    return story


def _attendance_section(data: _Minutes, styles, fmt) -> list:
    names, quorum = display_name, data.quorum
    story = [_p(_("Attendance"), styles["h2"])]
    rows = [[_("No."), _("Member"), _("Position"), _("Speciality"), _("Present")]]
    for number, member in enumerate(data.members, start=1):
        rows.append([str(number), names(member.user), member.get_position_display(),
                     member.get_speciality_display(),
                     _("present") if data.attendance.get(member.user_id) else _("absent")])
    story.append(_table(rows, [9 * mm, 46 * mm, 30 * mm, 57 * mm, 32 * mm], styles))
    story.append(Spacer(1, 3 * mm))
    quorum_text = _("There is a quorum.") if quorum["has_quorum"] else _("There is no quorum.")
    story.append(_p(_("Present: %(present)s of %(approved)s members of the approved composition; a quorum is "
                      "%(needed)s (two thirds). %(verdict)s") % {
        "present": quorum["present"], "approved": quorum["approved"], "needed": quorum["needed"],
        "verdict": quorum_text}, styles["base"]))
    story.append(_p(_("Chair of the meeting: %(chair)s. Secretary: %(secretary)s.") % {
        "chair": names(data.chair), "secretary": names(data.secretary)}, styles["base"]))
    for substitution in data.substitutions:
        text = "%s: %s" % (substitution.get_basis_display(), names(substitution.user))
        if substitution.proposed_by:
            text += " (" + _("proposed by %(name)s") % {"name": names(substitution.proposed_by)} + ")"
        story.append(_p(text, styles["base"]))
    if data.invitations:
        story.append(_p(_("Invited: %(people)s") % {"people": "; ".join(
            "%s (%s)" % (names(i.user), i.case.reference) for i in data.invitations)}, styles["base"]))
    if data.outside_notices:
        # UA IV.6: parties by role and number, as everywhere in the minutes.
        story.append(_p(_("Notified of the meeting: %(people)s") % {"people": "; ".join(
            "%s — %s (%s, %s)" % (
                n.case.reference,
                f"{n.party.get_role_display()} {n.party.position + 1}" if n.party else names(n.user),
                n.get_channel_display(), fmt.datetime(n.sent_at))
            for n in data.outside_notices)}, styles["base"]))
    return story


def _agenda_section(data: _Minutes, styles, fmt) -> list:
    story = [_p(_("Agenda"), styles["h2"])]
    for number, item in enumerate(data.items, start=1):
        story.append(_p(_("%(number)s. Report %(reference)s received %(received)s. Parties: %(parties)s.") % {
            "number": number, "reference": item.case.reference, "received": fmt.datetime(item.case.received_at),
            "parties": _party_roles(item.case)}, styles["base"]))
    return story


def _verdict(question, outcome) -> str:
    if question.closed_at is None:
        return _("The vote is not closed.")
    if question.passed is True:
        verdict = _("ADOPTED.")
    elif question.passed is False:
        verdict = _("REJECTED by a majority of the approved composition.")
    else:
        # UA IV.7: neither side had a majority of the approved composition.
        return _("NO DECISION REACHED: neither for nor against has a majority of the approved composition.")
    if outcome.decided_by_chair:
        verdict += " " + _("The votes were equally divided; the chair's vote decided.")
    return verdict


def _question_block(data: _Minutes, question, styles) -> list:
    names, size = display_name, len(data.members)
    vote_labels = dict(VoteChoice.choices)
    story = [_p(_("Put to the vote: %(question)s") % {"question": selectors.question_text(question)},
                styles["base"])]
    votes = {v.user_id: v for v in question.votes.all()}
    rows = [[_("Member"), _("Vote")]]
    for member in data.members:
        vote = votes.get(member.user_id)
        if vote:
            rows.append([names(member.user), str(vote_labels.get(vote.choice, vote.choice))])
        elif data.attendance.get(member.user_id):
            rows.append([names(member.user), _("did not vote")])
    story.append(_table(rows, [80 * mm, 50 * mm], styles))
    story.append(Spacer(1, 2 * mm))
    outcome = selectors.question_outcome(question)
    story.append(_p(_("For: %(for)s; against: %(against)s; abstained: %(abstain)s. A decision needs "
                      "%(needed)s votes for: a majority of the approved composition of %(size)s.") % {
        "for": outcome.votes_for, "against": outcome.votes_against, "abstain": outcome.abstentions,
        "needed": rules.majority_needed(size), "size": size}, styles["base"]))
    story.append(_p(_verdict(question, outcome), styles["h3"]))
    for vote in votes.values():
        if vote.dissent or vote.dissent is None:
            story.append(_p(_("Dissenting opinion of %(name)s:") % {"name": names(vote.user)}, styles["h3"]))
            story.append(_p(vote.dissent if vote.dissent is not None else _("(unavailable)"), styles["base"]))
    return story


def _decision_block(decision, styles, fmt) -> list:
    if decision is None:
        return [_p(_("No decision recorded."), styles["base"])]
    story = [_p(_("Decided:"), styles["h3"]),
             _p(_("The circumstances substantiating the report of bullying are confirmed.")
                if decision.bullying_confirmed
                else _("The circumstances substantiating the report of bullying are not confirmed."),
                styles["base"])]
    for name in services.DECISION_TEXT_FIELDS:
        value = getattr(decision, name)
        if value is None:
            value = _("(unavailable)")
        if value:
            label = Decision._meta.get_field(name).verbose_name
            story.append(_p("%s:" % str(label).capitalize(), styles["h3"]))
            story.append(_p(value, styles["base"]))
    monitoring = list(decision.monitoring.all())
    if monitoring:
        story.append(_p(_("Monitoring of the measures"), styles["h3"]))
        rows = [[_("Measure"), _("Responsible"), _("Due date")]]
        rows += [[m.description if m.description is not None else _("(unavailable)"), display_name(m.owner),
                  fmt.date(m.due_date)] for m in monitoring]
        story.append(_table(rows, [95 * mm, 45 * mm, 32 * mm], styles))
    return story


def _considered_section(data: _Minutes, styles, fmt) -> list:
    story = [_p(_("Considered"), styles["h2"])]
    for number, item in enumerate(data.items, start=1):
        story.append(_p("%s. %s" % (number, item.case.reference), styles["h3"]))
        for question in [q for q in data.questions if q.agenda_item_id == item.pk]:
            story += _question_block(data, question, styles)
        story += _decision_block(data.decisions.get(item.pk), styles, fmt)
    return story


def _signatures(data: _Minutes, styles, fmt) -> list:
    """Signatures by name and the head's order (UA IV.8)."""
    meeting = data.meeting
    story = [Spacer(1, 8 * mm),
             _p(_("Chair of the meeting") + " ____________________ " + display_name(data.chair), styles["base"]),
             Spacer(1, 4 * mm),
             _p(_("Secretary") + " ____________________ " + display_name(data.secretary), styles["base"]),
             Spacer(1, 6 * mm)]
    if meeting.minutes_order_number:
        story.append(_p(_("The minutes are formalised by the head's order No. %(number)s of %(date)s.") % {
            "number": meeting.minutes_order_number, "date": fmt.date(meeting.minutes_order_date)}, styles["base"]))
    else:
        story.append(_p(_("The minutes are not yet formalised by the head's order."), styles["base"]))
    if meeting.decision_communicated_at:
        story.append(_p(_("The chair communicated the decision on %(when)s.") % {
            "when": fmt.datetime(meeting.decision_communicated_at)}, styles["base"]))
    return story


def minutes_story(meeting: Meeting) -> list:
    """The flowables of the minutes, in the active language."""
    styles, fmt, data = _styles(), _Formatter(meeting), minutes_data(meeting)
    return [flowable for section in (_header, _attendance_section, _agenda_section, _considered_section,
                                     _signatures)
            for flowable in section(data, styles, fmt)]


def minutes_pdf(meeting: Meeting, *, language: str | None = None) -> bytes:
    """The minutes as PDF bytes, in ``language`` or the school's jurisdiction's language."""
    _register_fonts()
    language = language or meeting.commission.school.jurisdiction.language
    buffer = io.BytesIO()
    with translation.override(language):
        title = _("Minutes of the commission meeting")
        document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                                     topMargin=16 * mm, bottomMargin=16 * mm, title=str(title),
                                     lang=language, author=meeting.commission.school.name)
        story = minutes_story(meeting)

        def page_number(canvas, doc):
            canvas.saveState()
            canvas.setFont(FONT, 8)
            canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, "%s — %s" % (title, doc.page))
            canvas.restoreState()

        document.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return buffer.getvalue()


def minutes_filename(meeting: Meeting) -> str:
    local = meeting.commission.school.jurisdiction.local(meeting.starts_at)
    return f"minutes-{meeting.commission.school.code}-{local:%Y%m%d}-{meeting.pk}.pdf"



def minutes_download(*, user, meeting: Meeting, channel: str) -> tuple[bytes, str]:
    """Render the minutes for a reader and record the download against each case on the agenda
    (DESIGN §6: downloads are audited like reads)."""
    pdf = minutes_pdf(meeting)
    for case_id in meeting.agenda.values_list("case_id", flat=True):
        audit_record(actor=user, action=AuditAction.CASE_VIEW, case_id=case_id,
                     detail={"via": channel, "document": "minutes", "meeting": meeting.pk})
    return pdf, minutes_filename(meeting)
