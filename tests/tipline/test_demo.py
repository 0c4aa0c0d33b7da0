"""The demo's pupils' reports: each demo school's queue is alive on first login (issue #11)."""

import pytest

from tipline.demo import DEMO_PASSPHRASE, load_tipline_demo
from tipline.models import Tip, TipAlert, TipStatus
from tipline.services import tip_follow_up_open

pytestmark = pytest.mark.django_db


def test_demo_reports_one_urgent_and_one_answered_per_school(school):
    added = load_tipline_demo()
    assert [(s, n) for s, n, _c in added] == [("kz-school-1", 1), ("kz-school-1", 2), ("ua-school-1", 1),
                                              ("ua-school-1", 2)]
    for code in ("kz-school-1", "ua-school-1"):
        tips = Tip.objects.filter(school__code=code)
        assert {(t.is_urgent, t.status) for t in tips} == {(True, TipStatus.NEW), (False, TipStatus.ANSWERED)}
        urgent = tips.get(is_urgent=True)
        assert set(TipAlert.objects.filter(tip=urgent).values_list("recipient__username", flat=True)) == {
            f"{code[:2]}-head", f"{code[:2]}-coordinator"}
    school_code, _number, code = added[0]
    assert tip_follow_up_open(school=school(school_code), code=code, passphrase=DEMO_PASSPHRASE).number == 1
    assert load_tipline_demo() == []  # idempotent
