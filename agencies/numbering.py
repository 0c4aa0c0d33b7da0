"""An agency's yearly numbering: register numbers of cases, outgoing numbers of notices (KZ §23).

A counter row per (agency, year) holds the last number given; it is locked while the next one
is taken, so two numbers given at once are never the same and none is skipped.
"""

from django.db import models


def next_number(counter: type[models.Model], **owner_and_year) -> int:
    """Lock ``counter``'s row for ``owner_and_year`` (created on first use), add one, return it.
    Call inside the transaction that stores the numbered record."""
    counter.objects.bulk_create([counter(**owner_and_year)], ignore_conflicts=True)
    row = counter.objects.select_for_update().get(**owner_and_year)
    row.last_number += 1
    row.save(update_fields=["last_number"])
    return row.last_number
