from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico whatever the page links; the file is a static one.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.ico")), name="favicon"),
    path("api/", include("config.api_urls")),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("cases/", include("cases.urls")),
    path("commission/", include("commission.urls")),
    path("", include("casework.urls")),
    path("", include("evidence.urls")),
    path("", include("support.urls")),
    path("", include("directory.urls")),
    path("", include("notifications.urls")),
    path("", include("oversight.urls")),
    path("", include("tipline.urls")),
    path("", include("accounts.urls")),
    path("", RedirectView.as_view(pattern_name="cases:list", permanent=False), name="home"),
]
