"""Demo composition of UA school 1's bullying commission (UA III.1–III.3)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency
from commission.models import Position as P, Speciality as S
from commission.services import commission_for_school, composition_approve

UA_COMPOSITION = [
    ("ua-head", P.CHAIR, S.HEAD),
    ("ua-coordinator", P.DEPUTY_CHAIR, S.TEACHER),
    ("ua-secretary", P.SECRETARY, S.TEACHER),
    ("ua-psychologist", P.MEMBER, S.PSYCHOLOGIST),
    ("ua-social-pedagogue", P.MEMBER, S.SOCIAL_PEDAGOGUE),
    ("ua-teacher", P.MEMBER, S.TEACHER),
    ("ua-teacher-2", P.MEMBER, S.TEACHER),
    ("ua-children-service", P.MEMBER, S.CHILDREN_SERVICE),
    ("ua-social-centre", P.MEMBER, S.SOCIAL_CENTRE),
]


def load_commission_demo() -> bool:
    school = Agency.objects.get(code="ua-school-1")
    commission = commission_for_school(school)
    if commission.compositions.exists():
        return False
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[m[0] for m in UA_COMPOSITION])}
    today = timezone.localdate()
    composition_approve(
        user=users["ua-head"], school=school, order_number="15-од",
        order_date=today.replace(month=9, day=1) if today.month >= 9 else dt.date(today.year - 1, 9, 1),
        in_force_from=dt.date(today.year - 1, 9, 1),
        members=[(users[name], position, speciality) for name, position, speciality in UA_COMPOSITION],
    )
    return True
