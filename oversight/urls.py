from django.http import Http404
from django.urls import path


def _placeholder(request):  # replaced by the app's views
    raise Http404


app_name = "oversight"
urlpatterns = [
    path("dashboards/", _placeholder, name="home"),
]
