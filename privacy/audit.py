"""Writing and verifying the audit trail.

``audit_record`` must be called inside the transaction of the action it
records, so the two are committed, or lost, together.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from privacy.models import AuditChainHead, AuditEvent


def _digest(*, prev_hash, at, actor_id, action, case_id, detail) -> str:
    payload = json.dumps(
        {
            "prev": prev_hash,
            "at": at.isoformat(),
            "actor": actor_id,
            "action": action,
            "case": str(case_id) if case_id else None,
            "detail": detail,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def audit_record(*, actor, action, case_id=None, detail=None) -> AuditEvent:
    # Hash exactly what the database will give back when verifying: a UUID (not
    # a string spelled another way) and JSON as it round-trips (tuples become
    # lists, keys become strings).
    case_id = uuid.UUID(str(case_id)) if case_id else None
    detail = json.loads(json.dumps(detail or {}))
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        at = timezone.now()
        digest = _digest(
            prev_hash=head.last_hash, at=at, actor_id=actor_id,
            action=action, case_id=case_id, detail=detail,
        )
        event = AuditEvent.objects.create(
            at=at, actor_id=actor_id, action=action, case_id=case_id,
            detail=detail, prev_hash=head.last_hash, hash=digest,
        )
        head.last_event_id, head.last_hash = event.pk, digest
        head.save(update_fields=["last_event_id", "last_hash"])
    return event


@dataclass
class VerifyResult:
    checked: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify() -> VerifyResult:
    """Walk the chain from the first event; report rows edited or removed.

    The head is read first: events appended while this runs are not checked
    (and are no false alarm); the ones the head already covered must all be there.
    """
    problems, prev_hash, checked, last_id = [], "0" * 64, 0, 0
    head = AuditChainHead.objects.filter(pk=1).first()
    events = AuditEvent.objects.order_by("id")
    if head is not None:
        events = events.filter(id__lte=head.last_event_id)
    for event in events.iterator(chunk_size=2000):
        checked += 1
        if event.prev_hash != prev_hash:
            problems.append(f"event #{event.pk}: does not follow the event before it (a row was removed)")
        expected = _digest(
            prev_hash=event.prev_hash, at=event.at, actor_id=event.actor_id,
            action=event.action, case_id=event.case_id, detail=event.detail,
        )
        if expected != event.hash:
            problems.append(f"event #{event.pk}: content does not match its hash (the row was edited)")
        prev_hash, last_id = event.hash, event.pk
    if head is None:
        if checked:
            problems.append("the chain head is missing, but there are events (it was removed)")
    elif head.last_event_id != last_id or head.last_hash != prev_hash:
        problems.append(
            f"the chain ends at #{last_id}, but #{head.last_event_id} was written last (rows were removed)"
        )
    return VerifyResult(checked=checked, problems=problems)
