from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/verify/", views.mfa_verify, name="mfa-verify"),
    path("account/second-factor/", views.mfa_enrol, name="mfa-enrol"),
    path("account/second-factor/remove/", views.mfa_remove, name="mfa-remove"),
    path("account/second-factor/backup-codes/", views.mfa_backup_codes, name="mfa-backup-codes"),
    path("account/password/", views.password_change, name="password"),
    path("account/sessions/<uuid:session_id>/revoke/", views.session_revoke, name="session-revoke"),
    path("account/tokens/", views.token_create, name="token-create"),
    path("account/tokens/<str:digest>/revoke/", views.token_revoke, name="token-revoke"),
]
