from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for a first look: ``manage.py load_demo`` (idempotent)."""

    name = "demo"
