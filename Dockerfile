# One image for web (gunicorn), worker and beat (Celery); docker-compose.yml runs them.
#
# Two stages: the build stage installs the requirements, compiles translations and
# collects static files from a cleaned copy of the source, so that nothing local
# (.venv, var/ with its database and key file, .git) can reach the final image,
# whatever the build context holds.

FROM python:3.11-slim AS build
ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt

COPY . /app
WORKDIR /app
RUN rm -rf .venv var staticfiles .git .pytest_cache test-artifacts \
    && find . -name '__pycache__' -type d -prune -exec rm -rf {} + \
    && find . -name '*.mo' -path '*/locale/*' -delete
# Settings are imported for these two commands only: throw-away values, a
# throw-away VAR_DIR. The real ones come from the environment at run time.
RUN export DJANGO_SETTINGS_MODULE=config.settings_production \
        DJANGO_SECRET_KEY=build-only-not-a-secret \
        DJANGO_ALLOWED_HOSTS=localhost \
        FIELD_ENCRYPTION_KEYS=build:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
        BLIND_INDEX_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
        VAR_DIR=/tmp/build-var \
        PY=python \
    && bin/compilemessages \
    && python manage.py collectstatic --noinput --verbosity 1 \
    && rm -rf /tmp/build-var


FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings_production \
    VAR_DIR=/app/var
RUN useradd --system --create-home --uid 10001 --user-group app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
# var/evidence exists owned by the app user, so a volume mounted there starts writable.
RUN mkdir -p /app/var/evidence && chown -R app:app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
