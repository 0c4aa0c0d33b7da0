"""Writing, sealing and verifying the audit trail.

``audit_record`` must be called inside the transaction of the action it
records, so the two are committed, or lost, together. It is one INSERT and
takes no lock: readers do not wait for each other, nor for the sweep.

``audit_seal`` (a beat task every ``AUDIT_SEAL_INTERVAL_SECONDS``) chains the
committed events into seals. The chain runs in (txid, id) order, txid being
the writing transaction's id. A seal only takes events whose transaction is
older than every transaction still running in this database, so an event that
commits later always sorts after everything already sealed: the chain never
has to be rewritten and a late commit is never mistaken for a forged insert.
The events not sealed yet are the unsealed tail; ``audit_verify`` reports its
size and age (a healthy sealer keeps it a few seconds old; a transaction left
open holds it back, and that shows).
"""

import hashlib
import json
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from privacy.models import GENESIS_HASH, AuditChainHead, AuditEvent, AuditSeal

SEAL_BATCH = 5000


def audit_record(*, actor, action, case_id=None, detail=None) -> AuditEvent:
    # Store exactly what the database will give back when verifying: a UUID (not
    # a string spelled another way) and JSON as it round-trips (tuples become
    # lists, keys become strings).
    case_id = uuid.UUID(str(case_id)) if case_id else None
    detail = json.loads(json.dumps(detail or {}))
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(at=timezone.now(), actor_id=actor_id, action=action,
                                     case_id=case_id, detail=detail)


def audit_record_many(*, actor, action, events) -> int:
    """Record one action on many cases in one INSERT (a sweep batch's breaches).

    ``events`` is an iterable of ``(case_id, detail)``; each becomes the same row
    ``audit_record`` would write, in the caller's transaction. Returns how many.
    """
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    at = timezone.now()
    rows = [AuditEvent(at=at, actor_id=actor_id, action=action,
                       case_id=uuid.UUID(str(case_id)) if case_id else None,
                       detail=json.loads(json.dumps(detail or {})))
            for case_id, detail in events]
    AuditEvent.objects.bulk_create(rows)
    return len(rows)


# --- Sealing -----------------------------------------------------------------------------------


def _event_digest(event: AuditEvent) -> bytes:
    payload = json.dumps(
        {
            "id": event.pk,
            "txid": event.txid,
            "at": event.at.isoformat(),
            "actor": event.actor_id,
            "action": event.action,
            "case": str(event.case_id) if event.case_id else None,
            "detail": event.detail,
        },
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).digest()


def _seal_hash(*, seq: int, prev_hash: str, events) -> tuple[str, int]:
    """The seal's hash over the previous one and its events in order; and how many there were."""
    h = hashlib.sha256(f"{seq}|{prev_hash}|".encode())
    count = 0
    for event in events:
        h.update(_event_digest(event))
        count += 1
    return h.hexdigest(), count


def _after(qs, txid: int, event_id: int):
    # Row comparison, so that the (txid, id) index is read as one range.
    return qs.extra(where=["(txid, id) > (%s, %s)"], params=[txid, event_id])


def _up_to(qs, txid: int, event_id: int):
    return qs.extra(where=["(txid, id) <= (%s, %s)"], params=[txid, event_id])


def _horizon() -> int | None:
    """Events of transactions below this id can all be seen and no more will come; None: all can.

    PostgreSQL: the smallest transaction id still running in this database, or our
    own plus one (any transaction that starts later gets a larger id). SQLite has
    one writer at a time, which the sealer's own transaction excludes.
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text::bigint")
        own = cursor.fetchone()[0]
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # read the activity of now, not a cached one
        cursor.execute(
            "SELECT min(backend_xid::text::bigint) FROM pg_stat_activity "
            "WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        )
        running = cursor.fetchone()[0]
    return min(own + 1, running) if running is not None else own + 1


def audit_seal(*, batch_size: int = SEAL_BATCH, max_batches: int = 100) -> int:
    """Chain the committed events that are not sealed yet; returns how many were sealed.

    Safe to run concurrently: sealers queue on the chain head's row lock, which
    nothing else takes.
    """
    sealed = 0
    for _batch in range(max_batches):
        with transaction.atomic():
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
            horizon = _horizon()
            qs = _after(AuditEvent.objects.all(), head.last_txid, head.last_id)
            if horizon is not None:
                qs = qs.filter(txid__lt=horizon)
            events = list(qs.order_by("txid", "id")[:batch_size])
            if not events:
                break
            seq = head.last_seq + 1
            digest, count = _seal_hash(seq=seq, prev_hash=head.last_hash, events=events)
            last = events[-1]
            AuditSeal.objects.create(seq=seq, last_txid=last.txid, last_id=last.pk, count=count,
                                     prev_hash=head.last_hash, hash=digest, sealed_at=timezone.now())
            head.last_seq, head.last_txid, head.last_id, head.last_hash = seq, last.txid, last.pk, digest
            head.save(update_fields=["last_seq", "last_txid", "last_id", "last_hash"])
        sealed += count
        if count < batch_size:
            break
    return sealed


# --- Verifying ---------------------------------------------------------------------------------


@dataclass
class VerifyResult:
    checked: int = 0
    seals: int = 0
    problems: list[str] = field(default_factory=list)
    unsealed: int = 0
    unsealed_oldest_seconds: float | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def tail_too_old(self) -> bool:
        bound = settings.AUDIT_SEAL_MAX_LAG_SECONDS
        return self.unsealed_oldest_seconds is not None and self.unsealed_oldest_seconds > bound


def audit_verify() -> VerifyResult:
    """Walk the seals from the first; report events edited, removed or inserted, and seals removed.

    The head is read first: seals and events added while this runs are not checked
    (and are no false alarm).
    """
    result = VerifyResult()
    head = AuditChainHead.objects.filter(pk=1).first()
    prev_hash, prev_key, expected_seq = GENESIS_HASH, (-1, 0), 1
    seals = AuditSeal.objects.order_by("seq")
    if head is not None:
        seals = seals.filter(seq__lte=head.last_seq)
    for seal in seals.iterator(chunk_size=100):
        result.seals += 1
        if seal.seq != expected_seq:
            result.problems.append(f"seals #{expected_seq} to #{seal.seq - 1} are missing (removed)")
        if seal.prev_hash != prev_hash:
            result.problems.append(f"seal #{seal.seq} does not follow the seal before it")
        events = _up_to(_after(AuditEvent.objects.all(), *prev_key), seal.last_txid, seal.last_id)
        digest, count = _seal_hash(seq=seal.seq, prev_hash=seal.prev_hash,
                                   events=events.order_by("txid", "id").iterator(chunk_size=2000))
        result.checked += count
        if count != seal.count:
            result.problems.append(
                f"seal #{seal.seq} covers {seal.count} events up to event #{seal.last_id}, "
                f"but {count} are there (events were removed or added)")
        elif digest != seal.hash:
            result.problems.append(
                f"seal #{seal.seq}: the events up to event #{seal.last_id} do not match their seal "
                "(an event was edited)")
        prev_hash, prev_key, expected_seq = seal.hash, (seal.last_txid, seal.last_id), seal.seq + 1
    if head is None:
        if result.seals:
            result.problems.append("the chain head is missing, but there are seals (it was removed)")
    elif head.last_seq != expected_seq - 1 or head.last_hash != prev_hash:
        result.problems.append(
            f"the chain ends at seal #{expected_seq - 1}, but #{head.last_seq} was written last "
            "(seals were removed)")
    tail = _after(AuditEvent.objects.all(), *prev_key)
    result.unsealed = tail.count()
    oldest = tail.order_by("at").values_list("at", flat=True).first()
    if oldest is not None:
        result.unsealed_oldest_seconds = max(0.0, (timezone.now() - oldest).total_seconds())
    return result
