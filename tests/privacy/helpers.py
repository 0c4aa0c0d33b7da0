"""Helpers for the privacy tests: keys, raw rows, a victim with every kind of personal data."""

import base64
import datetime as dt
import importlib
import secrets
from contextlib import contextmanager

from django.db import connection

from cases.identity_numbers import iin_check_digit
from cases.services import PartyInput
from privacy import crypto

APPEND_ONLY = importlib.import_module("privacy.migrations.0002_audit_append_only")
SEALS = importlib.import_module("privacy.migrations.0006_audit_sealed_chain")


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def use_keys(settings, *entries: str, blind_index_key: str | None = None) -> None:
    """Configure FIELD_ENCRYPTION_KEYS (newest first) the way the environment would."""
    settings.FIELD_ENCRYPTION_KEYS = list(entries)
    if blind_index_key is not None:
        settings.BLIND_INDEX_KEY = blind_index_key
    crypto.reset_keyring()


def valid_iin(first11: str = "13040250012") -> str:
    return first11 + str(iin_check_digit(first11))


VICTIM = dict(
    family_name="Сейтқали", given_name="Айгерім", patronymic="Маратқызы",
    birth_date=dt.date(2013, 4, 2), class_name="6Б", phone="+77015550123",
    address="Қонаев, Наурыз көшесі 17, пәтер 4",
)
DESCRIPTION = "Үзіліс кезінде сыныптастары ұрып-соққан, телефонын тартып алған."


def victim(**overrides) -> PartyInput:
    return PartyInput(role="victim", **{**VICTIM, "identity_number": valid_iin(), **overrides})


def raw_rows(table: str) -> list[dict]:
    """Every row of a table as the database holds it (no model, no decryption)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        names = [col[0] for col in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def raw_values(table: str, column: str) -> list:
    return [row[column] for row in raw_rows(table)]


@contextmanager
def audit_triggers_disabled():
    """Tamper like an attacker with DDL rights would: switch off the append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are checked at commit; ALTER TABLE needs none pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE privacy_auditevent DISABLE TRIGGER privacy_auditevent_append_only")
            cursor.execute("ALTER TABLE privacy_auditseal DISABLE TRIGGER privacy_auditseal_append_only")
        elif connection.vendor == "sqlite":
            for statement in APPEND_ONLY.SQLITE_DOWN + SEALS.SQLITE_DOWN:
                cursor.execute(statement)
        else:
            raise NotImplementedError(connection.vendor)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("ALTER TABLE privacy_auditevent ENABLE TRIGGER privacy_auditevent_append_only")
                cursor.execute("ALTER TABLE privacy_auditseal ENABLE TRIGGER privacy_auditseal_append_only")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                for statement in SEALS.SQLITE_UP:
                    cursor.execute(statement)
