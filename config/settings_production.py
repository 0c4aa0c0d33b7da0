"""Production settings: everything secure by default, secrets from the environment."""

from config.settings import *  # noqa: F401,F403
from config.settings import CONTENT_SECURITY_POLICY, REST_FRAMEWORK, env

DEBUG = False
WHITENOISE_USE_FINDERS = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The policy of config.settings (no inline script or style, nothing from other
# sites), and browsers fetch any http: address of the site over https.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "upgrade-insecure-requests": True},
}

# The TLS proxy in front (see SECURE_PROXY_SSL_HEADER) is one hop: the client's
# address, which log-in lockouts and API throttles count by, is the one it
# appends to X-Forwarded-For. Set the number of proxies you really have.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=1)
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": TRUSTED_PROXY_COUNT or None}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Document files (evidence app) use EVIDENCE_STORAGE from config.settings: set
# EVIDENCE_S3_BUCKET (and EVIDENCE_S3_ENDPOINT_URL for MinIO or another S3-compatible
# store) so that every web replica reads the same files; without it they are written
# under EVIDENCE_ROOT, which must then be one volume shared by all web replicas.
# Either way the app encrypts each file before it leaves the process.

# Personal-data keys come from the environment, never from the embedded default's
# key file under var/: that file would differ between the web and worker
# containers and vanish with them. Both are required (ImproperlyConfigured if unset).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY")

# Mail really goes out (the embedded default only prints it to the console).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
