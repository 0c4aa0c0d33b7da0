from django.http import Http404
from django.urls import path


def _placeholder(request):  # replaced by the app's views
    raise Http404


app_name = "accounts"
urlpatterns = [
    path("account/", _placeholder, name="account"),
]
