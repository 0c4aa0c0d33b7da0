"""Database triggers that mark a case dirty for the summary tables (oversight.models, issue #10).

Every change of what a case contributes to ``Tally`` — the case row, its parties,
its clocks, its agency grants, its placement decisions and its commission
decisions — puts the case id into ``oversight_tallydirty`` in the same
transaction. The aggregator (``oversight.services.tally_drain``) does the rest.

PostgreSQL: one statement-level trigger per table and event, reading the
statement's transition table, so a bulk INSERT of a million rows costs one
``INSERT … SELECT DISTINCT``, and a one-row save one small insert. The marks are
an append-only log with no unique key: a writer never waits on a mark another
transaction holds (an upsert on one row per case did, and deadlocked a notice
recorded while the sweep escalated the same case), and the aggregator deletes only
the marks it read, so a change committed meanwhile is taken next time.

SQLite (the embedded ``make run``): row triggers with a plain ``INSERT``.
"""

from django.db import migrations

NOW_SQLITE = "strftime('%Y-%m-%d %H:%M:%f', 'now')"

# (table, event, SQL expression of the case id over the changed row "r",
#  extra FROM/JOIN (PostgreSQL, over the transition table "r"), condition or "")
# A condition may use "o" (the old row) on updates.
MARKS = [
    ("cases_case", "INSERT", "r.id", "", ""),
    ("cases_case", "UPDATE", "r.id", "", ""),
    ("cases_case", "DELETE", "r.id", "", ""),
    ("cases_party", "INSERT", "r.case_id", "", ""),
    ("cases_party", "UPDATE", "r.case_id", "", ""),
    ("cases_party", "DELETE", "r.case_id", "", ""),
    ("notifications_deadline", "INSERT", "r.case_id", "", ""),
    # Reminders and next checks change no figure: only what a clock metric reads.
    ("notifications_deadline", "UPDATE", "r.case_id", "",
     "(o.state, o.due_at, o.started_at, o.met_at, o.responsible_agency_id, o.rule_id) IS DISTINCT FROM "
     "(r.state, r.due_at, r.started_at, r.met_at, r.responsible_agency_id, r.rule_id)"),
    ("notifications_deadline", "DELETE", "r.case_id", "", ""),
    # Which agencies hold the case (group grants only; personal grants change no scope).
    ("cases_caseaccess", "INSERT", "r.case_id", "", "r.group_id IS NOT NULL"),
    ("cases_caseaccess", "DELETE", "r.case_id", "", "r.group_id IS NOT NULL"),
    # KZ §45 placement decisions are agency actions (casework.registry, PLACEMENT_DECISION).
    ("casework_action", "INSERT", "r.case_id", "", "r.kind = 'placement_decision'"),
    ("casework_action", "UPDATE", "r.case_id", "", "r.kind = 'placement_decision'"),
    # UA IV.3 commission decisions: the case is the agenda item's.
    ("commission_decision", "INSERT", "a.case_id", "JOIN commission_agendaitem a ON a.id = r.agenda_item_id", ""),
    ("commission_decision", "UPDATE", "a.case_id", "JOIN commission_agendaitem a ON a.id = r.agenda_item_id", ""),
]


def _name(table: str, event: str) -> str:
    return f"oversight_dirty_{table}_{event.lower()}"


def _postgresql(table, event, case_expr, join, condition):
    name = _name(table, event)
    transition = "OLD TABLE AS r" if event == "DELETE" else "NEW TABLE AS r"
    where = []
    if event == "UPDATE" and "o." in condition:
        transition = "OLD TABLE AS o NEW TABLE AS r"
        join = f"JOIN o ON o.id = r.id {join}"
    if condition:
        where.append(condition)
    where_sql = f"WHERE {' AND '.join(where)}" if where else ""
    return [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO oversight_tallydirty (case_id, marked_at)
                SELECT DISTINCT {case_expr}, now() FROM r {join} {where_sql};
                RETURN NULL;
            END $$""",
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"""CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition}
            FOR EACH STATEMENT EXECUTE FUNCTION {name}()""",
    ]


def _sqlite(table, event, case_expr, join, condition):
    name = _name(table, event)
    row = "OLD" if event == "DELETE" else "NEW"
    condition = condition.replace("r.", f"{row}.").replace("o.", "OLD.")
    if condition.startswith("("):  # a row-value comparison: SQLite spells IS DISTINCT FROM as IS NOT
        condition = condition.replace("IS DISTINCT FROM", "IS NOT")
    when = f"WHEN {condition}" if condition else ""
    if join:
        source = (f"SELECT a.case_id, {NOW_SQLITE} FROM commission_agendaitem a "
                  f"WHERE a.id = {row}.agenda_item_id")
    else:
        source = f"SELECT {case_expr.replace('r.', f'{row}.')}, {NOW_SQLITE}"
    return [
        f"DROP TRIGGER IF EXISTS {name}",
        f"""CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW {when}
            BEGIN INSERT INTO oversight_tallydirty (case_id, marked_at) {source}; END""",
    ]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    build = {"postgresql": _postgresql, "sqlite": _sqlite}.get(vendor)
    if build is None:
        raise RuntimeError(f"oversight triggers: no SQL for the {vendor} database")
    for mark in MARKS:
        for statement in build(*mark):
            schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, event, *_rest in MARKS:
        name = _name(table, event)
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("oversight", "0001_initial"),
        ("cases", "0008_party_sex_anonymous_channel"),
        ("notifications", "0009_agency_intake_clocks"),
        ("casework", "0002_first_account_addendum"),
        ("commission", "0003_encrypt_free_text_and_meeting_notices"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
