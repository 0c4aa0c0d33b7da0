"""Clocks, notices, the sweep and the outbox: every write of notifications goes through here.

- ``clocks``: starting, satisfying, waiving and recomputing deadlines; calendar changes.
  It does not import ``cases.services`` (cases opens a case's clocks through it).
- ``notices``: notice_send and notice_acknowledge under the protocol's notice matrix.
- ``sweep``: deadlines_sweep, escalation and the ladder's recipients.
- ``outbox``: writing and delivering messages, users_notify, marking read.

Import from the module that owns a function. The names below are re-exported
lazily (PEP 562) for callers not yet moved: importing this package loads none of
its modules, so ``cases.services`` can import ``clocks`` without a circle.
"""

import importlib

_OWNERS = {
    "clocks": ("deadlines_start", "deadlines_satisfy", "deadlines_satisfy_from_history", "case_event_record",
               "deadline_waive", "can_waive", "responsible_agencies", "calendar_override_save",
               "calendar_override_delete", "deadlines_recompute", "RECORDABLE_EVENTS"),
    "notices": ("notice_send", "notice_acknowledge"),
    "sweep": ("deadlines_sweep", "ladder_recipients", "ladder_recipients_many", "SWEEP_BATCH",
              "LADDER_AGENCY_KINDS"),
    "outbox": ("outbox_deliver", "outbox_mark_read", "users_notify", "outbox_write", "agency_members"),
}
_MODULE_OF = {name: module for module, names in _OWNERS.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
