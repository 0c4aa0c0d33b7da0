"""Issue #11 in a real browser: a pupil reports anonymously from a phone-sized window, the school's
coordinator answers, the pupil reads the answer with the code and passphrase and adds a screenshot,
and the coordinator turns the report into a case whose clocks count from the report's receipt."""

import io
import os
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from agencies.models import Agency
from cases.models import Case
from conftest import DEMO_PASSWORD
from evidence.models import Document
from notifications.models import Deadline
from tests.browser.conftest import log_in
from tipline import services
from tipline.models import Tip, TipStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = "/tmp/tip"
PASSPHRASE = "жасыл-бұлт-2026"


@pytest.fixture(autouse=True)
def _shipped_data(transactional_db, demo):
    """The demo fixture puts back what an earlier transactional test flushed (protocols included)."""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_pupil_reports_from_a_phone_and_the_coordinator_turns_it_into_a_case(live_server, phone, new_page,
                                                                               tmp_path):
    base = live_server.url
    school = Agency.objects.get(code="kz-school-1")
    token = services.school_link_ensure(school=school).token
    phone.set_default_timeout(10_000)

    # 1. The pupil opens the school's link (from the QR code), picks Kazakh and writes what happened.
    phone.goto(f"{base}/report/{token}/")
    with phone.expect_navigation():  # the picker submits itself; wait for the Kazakh page
        phone.select_option("#language", "kk")
    assert phone.locator("html").get_attribute("lang") == "kk"
    phone.fill("#id_what", "Үзілісте 7Б сыныбының екі баласы мені итеріп, телефонымды алып қойды.")
    phone.select_option("#id_place", "corridor")
    phone.fill("#id_feeling", "Мектепке барғым келмейді.")
    phone.fill("#id_passphrase", PASSPHRASE)
    phone.fill("#id_passphrase_again", PASSPHRASE)
    assert fits_the_phone(phone)
    shot(phone, "01-pupil-report-form")
    phone.click("button.tip-send")
    phone.wait_for_selector("#tip-code")
    code = phone.locator("#tip-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}", code)
    assert fits_the_phone(phone)
    shot(phone, "02-pupil-code-shown-once")
    tip = Tip.objects.get()
    assert tip.school == school and tip.status == TipStatus.NEW

    # 2. The coordinator finds it under "Pupils' reports" and answers.
    staff = new_page()
    staff.set_default_timeout(10_000)
    log_in(staff, base, "kz-coordinator", DEMO_PASSWORD)
    staff.wait_for_url(f"{base}/cases/")
    staff.click("text=Pupils' reports")
    staff.wait_for_url(f"{base}/triage/")
    staff.click(f"text=Report {tip.number}")
    staff.wait_for_selector("#tip-what")
    assert "телефонымды" in staff.locator("#tip-what").inner_text()
    staff.fill("#id_body", "Рахмет, сен дұрыс жасадың. Ертең 10:00-де психологтың кабинетіне кел.")
    staff.click("button:has-text('Send reply')")
    staff.wait_for_selector("text=психологтың кабинетіне")
    shot(staff, "03-coordinator-report-and-reply")

    # 3. The pupil comes back with the code and passphrase, reads the answer and adds a screenshot.
    phone.goto(f"{base}/report/{token}/follow-up/")
    phone.fill("#id_code", code.lower())
    phone.fill("#id_passphrase", PASSPHRASE)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{base}/report/{token}/follow-up/thread/")
    assert "психологтың кабинетіне" in phone.content()
    screenshot_file = tmp_path / "chat.png"
    Image.new("RGB", (390, 600), (240, 240, 250)).save(screenshot_file, "PNG")
    phone.fill("#id_body", "Міне, олардың чаттағы жазғаны.")
    phone.set_input_files("#id_files", str(screenshot_file))
    phone.click("button.primary[type=submit]")  # "Жіберу": the pupil reads Kazakh
    phone.wait_for_selector("text=олардың чаттағы жазғаны")
    with translation.override("kk"):
        assert phone.locator("#tip-status").inner_text().strip() == gettext(
            "The school has your new message and will answer here.")
    assert fits_the_phone(phone)
    shot(phone, "04-pupil-reads-reply-adds-screenshot")

    # 4. The coordinator sees the screenshot and turns the report into a case.
    staff.goto(f"{base}/triage/{tip.pk}/")
    staff.wait_for_selector("text=File 1")
    staff.click("text=Turn into a case")
    staff.wait_for_selector("#tip-received")
    staff.check("input[name=kinds][value=bullying]")
    staff.check("input[name=form_types][value=physical]")
    staff.fill("#id_party-0-family_name", "Беков")
    staff.fill("#id_party-0-given_name", "Арман")
    staff.fill("#id_party-1-family_name", "")
    staff.select_option("#id_party-1-role", "witness")
    staff.fill("#id_party-1-represents_number", "")
    shot(staff, "05-coordinator-convert-form")
    staff.click("button:has-text('Open the case')")
    staff.wait_for_url(re.compile(rf"{base}/cases/[0-9a-f-]+/$"))
    shot(staff, "06-case-from-the-report")

    tip.refresh_from_db()
    case = Case.objects.get()
    assert tip.status == TipStatus.CONVERTED and tip.case == case and case.channel == "online_anonymous"
    assert case.received_at == tip.received_at  # the clocks count from receipt (UA II.1-II.2, KZ §25)
    assert set(Deadline.objects.filter(case=case).values_list("started_at", flat=True)) == {tip.received_at}
    assert Document.objects.filter(case=case, source="anonymous_report").count() == 1

    # The coordinator's pages on a phone too: the queue and the printable link with its QR code.
    staff.set_viewport_size(PHONE)
    staff.goto(f"{base}/triage/")
    assert fits_the_phone(staff) and "Turned into a case" in staff.content()
    shot(staff, "08-coordinator-queue-phone")
    staff.click("text=Link and QR code")
    staff.wait_for_selector("img.tip-qr")
    # Polled from here: wait_for_function evaluates a string, which the page's CSP forbids.
    qr_drawn = "() => { const img = document.querySelector('img.tip-qr'); return img.complete && img.naturalWidth > 0; }"
    for _attempt in range(50):
        if staff.evaluate(qr_drawn):
            break
        staff.wait_for_timeout(100)
    assert staff.evaluate(qr_drawn)
    assert f"/report/{token}/" in staff.content() and fits_the_phone(staff)
    shot(staff, "09-school-link-and-qr-phone")

    # 5. The pupil sees that the school is acting on it.
    phone.goto(f"{base}/report/{token}/follow-up/thread/")
    with translation.override("kk"):
        assert phone.locator("#tip-status").inner_text().strip() == gettext(
            "The school opened a case and is acting on it.")
    shot(phone, "07-pupil-sees-case-opened")
