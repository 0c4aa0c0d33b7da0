"""Re-encrypting stored personal data with the newest key (``manage.py rotate_keys``)."""

import logging
from functools import reduce
from operator import and_

from django.apps import apps
from django.db import transaction
from django.db.models import Q

from privacy import crypto
from privacy.fields import EncryptedMixin, Sealed, sealed_key_id

log = logging.getLogger(__name__)


class RotationReport(dict):
    """Rows re-encrypted per model label (a plain dict of counts), plus the
    values that could not be read and were left as they are (per model label)."""

    def __init__(self):
        super().__init__()
        self.unreadable: dict[str, int] = {}


def _models_with_encrypted_fields():
    """Each concrete model with the encrypted columns of its own table.

    Proxies share their model's table; a child model (multi-table inheritance)
    rotates only its own columns, the parent model does the rest.
    """
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        names = [f.attname for f in model._meta.local_concrete_fields if isinstance(f, EncryptedMixin)]
        if names:
            found.append((model, names))
    return found


def _maybe_stale(model, names, newest: str):
    """Rows where some value may not be sealed with the newest key (a cheap pre-filter)."""
    current = Sealed(f"{crypto.FORMAT_VERSION}:{newest}:")
    up_to_date = [
        Q(**{f"{n}__isnull": True}) | Q(**{n: Sealed("")}) | Q(**{f"{n}__startswith": current})
        for n in names
    ]
    return model._base_manager.exclude(reduce(and_, up_to_date))


def _rotate_row(model, names, pk, newest: str) -> tuple[bool, int]:
    """Re-seal one row's stale values; returns (changed, values left unreadable).

    The row is re-read under a lock in its own short transaction, so an edit
    committed meanwhile is re-encrypted rather than overwritten, and an edit
    made meanwhile waits for this row only.
    """
    with transaction.atomic():
        obj = model._base_manager.select_for_update().filter(pk=pk).only("pk", *names).first()
        if obj is None:
            return False, 0  # deleted meanwhile
        updates, unreadable = {}, 0
        for name in names:
            if sealed_key_id(obj, name) in (None, newest):
                continue
            field = model._meta.get_field(name)
            if field.is_unavailable(obj):
                log.error("Skipping unreadable %s.%s on row %s", model._meta.label, name, pk)
                unreadable += 1
                continue
            updates[name] = field.pre_save(obj, False)
        if updates:
            # update(), not save(): no auto_now bump, no signals, only these columns.
            model._base_manager.filter(pk=pk).update(**updates)
        return bool(updates), unreadable


def keys_rotate(*, batch_size: int = 500) -> RotationReport:
    """Re-seal every value not written with the newest key; returns rows changed per model.

    Rows are walked in primary-key order in batches (no full id list in memory);
    each is re-read and rewritten under a row lock (see ``_rotate_row``).
    """
    newest = crypto.keyring().newest_id
    report = RotationReport()
    for model, names in _models_with_encrypted_fields():
        label, count, unreadable, last = model._meta.label, 0, 0, None
        while True:
            candidates = _maybe_stale(model, names, newest).order_by("pk")
            if last is not None:
                candidates = candidates.filter(pk__gt=last)
            pks = list(candidates.values_list("pk", flat=True)[:batch_size])
            if not pks:
                break
            for pk in pks:
                changed, skipped = _rotate_row(model, names, pk, newest)
                count += changed
                unreadable += skipped
            last = pks[-1]
        report[label] = count
        if unreadable:
            report.unreadable[label] = unreadable
    return report
