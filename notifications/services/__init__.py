"""Clocks, notices, the sweep and the outbox: every write of notifications goes through here.

- ``clocks``: starting, satisfying, waiving and recomputing deadlines; calendar changes.
  It does not import ``cases.services`` (cases opens a case's clocks through it).
- ``notices``: notice_send and notice_acknowledge under the protocol's notice matrix.
- ``sweep``: deadlines_sweep, escalation and the ladder's recipients.
- ``outbox``: writing and delivering messages, users_notify, marking read.

Import from the module that owns a function. The package itself loads none of its
modules, so ``cases.services`` can import ``clocks`` without a circle.
"""
