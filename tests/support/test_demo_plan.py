"""The demo story shows a support plan on first login: two items, one done (issue #9 item 8)."""

import io

import pytest
from django.core.management import call_command

from support.models import PlanItem, SupportPlan

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_plan_with_two_items_one_done_and_a_second_run_adds_nothing(demo):
    call_command("load_demo", stdout=io.StringIO())
    plan = SupportPlan.objects.get()
    assert plan.kind == "victim_rehabilitation" and plan.party.role == "victim"
    assert sorted(i.done_at is not None for i in plan.items.all()) == [False, True]
    call_command("load_demo", stdout=io.StringIO())
    assert SupportPlan.objects.count() == 1 and PlanItem.objects.count() == 2
