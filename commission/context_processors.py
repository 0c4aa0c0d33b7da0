"""Whether the navigation shows the "Commission" link: one EXISTS query, only when rendered."""

from django.utils.functional import SimpleLazyObject

from commission.selectors import user_has_commission_work


def commission_nav(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"commission_nav": SimpleLazyObject(lambda: user_has_commission_work(user))}
