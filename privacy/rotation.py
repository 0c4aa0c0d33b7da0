"""Re-encrypting stored personal data with the newest key (``manage.py rotate_keys``)."""

import logging

from django.apps import apps
from django.db import transaction

from privacy import crypto
from privacy.fields import encrypted_field_names, sealed_key_id

log = logging.getLogger(__name__)


def _models_with_encrypted_fields():
    return [(m, encrypted_field_names(m)) for m in apps.get_models() if encrypted_field_names(m)]


def keys_rotate(*, batch_size: int = 500) -> dict[str, int]:
    """Re-seal every value not written with the newest key; returns rows changed per model.

    Each row is re-read under a row lock in its own transaction, so an edit
    committed meanwhile is re-encrypted rather than overwritten.
    """
    newest = crypto.keyring().newest_id
    changed = {}
    for model, names in _models_with_encrypted_fields():
        count = 0
        pks = list(model._default_manager.values_list("pk", flat=True))
        for start in range(0, len(pks), batch_size):
            for pk in pks[start:start + batch_size]:
                with transaction.atomic():
                    obj = model._default_manager.select_for_update().filter(pk=pk).first()
                    if obj is None:
                        continue
                    stale = [n for n in names if sealed_key_id(obj, n) not in (None, newest)]
                    updates = {}
                    for name in stale:
                        field = model._meta.get_field(name)
                        if getattr(obj, name) is None and field.is_unavailable(obj):
                            log.error("Skipping unreadable %s.%s on row %s", model._meta.label, name, pk)
                            continue
                        updates[name] = field.pre_save(obj, False)
                    if updates:
                        model._default_manager.filter(pk=pk).update(**updates)
                        count += 1
        changed[model._meta.label] = count
    return changed
