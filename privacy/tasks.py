"""Celery tasks of the privacy app: thin wrappers over services."""

from celery import shared_task

from privacy.audit import audit_seal


@shared_task(ignore_result=True)
def seal_audit() -> int:
    """Chain the audit events committed since the last seal (beat, every few seconds)."""
    return audit_seal()
