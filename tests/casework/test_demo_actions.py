"""The demo story shows the agencies' actions: on the case whose father is the alleged
perpetrator, the police registered the case and talked with the mother, guardianship inspected
the home, and the commission on minors' affairs decided on placement within its 12 hours
(KZ §45) through its own action; the victim's first account is recorded."""

import io

import pytest
from django.core.management import call_command

from casework.models import Action, ActionKind, FirstAccount
from notifications.models import Deadline, DeadlineState

pytestmark = pytest.mark.django_db


def test_the_demo_chronology_and_the_placement_met_by_the_commissions_action(demo):
    call_command("load_demo", stdout=io.StringIO())
    decision = Action.objects.get(kind=ActionKind.PLACEMENT_DECISION)
    case = decision.case
    assert decision.agency.code == "kz-kikkk"
    assert set(Action.objects.filter(case=case).values_list("kind", flat=True)) >= {
        ActionKind.PRETRIAL_REGISTRATION, ActionKind.PREVENTIVE_TALK, ActionKind.INSPECTION_ACT}
    clock = Deadline.objects.get(case=case, rule__code="kz.placement_decision")
    assert clock.state == DeadlineState.MET and clock.met_at == decision.occurred_at
    assert FirstAccount.objects.filter(case=case).count() == 1
    call_command("load_demo", stdout=io.StringIO())  # run again: nothing doubles
    assert Action.objects.filter(kind=ActionKind.PLACEMENT_DECISION).count() == 1
