from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def case_list(request):
    return HttpResponse("todo")


@login_required
def case_new(request):
    return HttpResponse("todo")


@login_required
def case_detail(request, case_id):
    return HttpResponse("todo")
