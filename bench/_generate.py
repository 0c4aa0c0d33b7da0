"""Fill the benchmark database with cases in SQL (not the ORM): 1M cases in minutes.

Each batch of cases is first drawn into a temporary table (ids, positions in time,
flags); every other table is then one ``INSERT … SELECT`` from it: the cases with
their register numbers (per school and year, continuing the register counter),
one victim each, two statutory clocks in every state, the audit events, the
guardian grants and the access rows the lists read (DESIGN §4), as the services
would have written them. Personal data is one ciphertext sealed once by the app's
own encryption and reused (it opens only for the row it was sealed for; lists never
open it).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

from _lib import sql

SCHOOL_TEAM_PERMS = ("view_case", "view_case_identity", "change_case")
# The kinds a generated case has (bench_new.kind_set indexes these), and the access rows' copy.
KINDS = (["bullying"], ["bullying", "violence"], ["cyberbullying"], ["domestic_violence"])
KIND_CODES = ["," + ",".join(sorted(k)) + "," for k in KINDS]
SHARED_PERMS = ("view_case", "view_case_identity")


def _ids(codenames) -> list[int]:
    rows = sql("""SELECT p.id FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
                   WHERE ct.app_label = 'cases' AND p.codename = ANY(%s)""", [list(codenames)])
    return [r[0] for r in rows]


class Generator:
    def __init__(self):
        from django.contrib.auth import get_user_model

        from agencies.models import Agency
        from privacy import crypto

        self.agencies = {a.code: a for a in Agency.objects.select_related("jurisdiction")}
        self.users = {u.username: u for u in get_user_model().objects.all()}
        anchor = f"cases.case.description.{uuid.uuid4()}"
        self.description = crypto.seal("Сыныптастары мазақ етеді.", anchor)
        self.name = crypto.seal("Ахметов", f"cases.party.family_name.{uuid.uuid4()}")
        self.now = sql("SELECT date_trunc('minute', now())")[0][0]

    def user(self, username: str):
        if username not in self.users:
            from django.contrib.auth import get_user_model

            self.users[username] = get_user_model().objects.create_user(username=username, first_name="Bench")
        return self.users[username]

    def add_cases(self, *, school: str, count: int, newest: dt.datetime, step: dt.timedelta, first: int = 0,
                  filed_by: str, closed_every: int = 3, urgent_every: int = 37,
                  shared_with: tuple[str, int] | None = None, user_grants: tuple[str, int] | None = None,
                  reporter_grant: bool = False, assigned_to: tuple[str, int] | None = None) -> None:
        """``count`` cases of ``school``, the i-th received at ``newest - i * step`` (i from ``first``).

        ``shared_with`` (agency code, every n-th case): a notice shared the case with that agency.
        ``user_grants`` (username, every n-th case): a personal grant (an invited person).
        ``reporter_grant``: the filing user (a class teacher) holds a personal grant on every case.
        ``assigned_to`` (username, every n-th case): that member of the school holds the case (issue #9).
        """
        from django.db import transaction

        agency = self.agencies[school]
        creator = self.user(filed_by)
        with transaction.atomic():
            sql("SET LOCAL synchronous_commit = off")
            sql("DROP TABLE IF EXISTS bench_new")
            sql("""CREATE TEMP TABLE bench_new ON COMMIT DROP AS
                   SELECT gen_random_uuid() AS id, s AS i, %s::timestamptz - s * %s::interval AS received_at,
                          s %% %s = 0 AS is_urgent,
                          CASE WHEN s %% %s = 1 THEN 'closed' ELSE 'open' END AS status,
                          s %% 10 = 8 AS is_overdue,
                          -- The case's kinds (KINDS below): a quarter cyberbullying, one in 50 domestic violence.
                          CASE WHEN s %% 50 = 7 THEN 3 WHEN s %% 4 = 1 THEN 1 WHEN s %% 4 = 2 THEN 2 ELSE 0 END
                            AS kind_set
                     FROM generate_series(%s, %s) s""",
                [newest, step, urgent_every, closed_every, first, first + count - 1])
            self._cases(agency, creator)
            self._parties()
            self._deadlines(agency)
            self._audit(creator)
            self._grant_group(agency.case_group_id, SCHOOL_TEAM_PERMS, every=1,
                              assignee=self.user(assigned_to[0]).pk if assigned_to else None,
                              assign_every=assigned_to[1] if assigned_to else 1)
            if shared_with:
                code, every = shared_with
                self._grant_group(self.agencies[code].case_group_id, SHARED_PERMS, every=every)
            if user_grants:
                username, every = user_grants
                self._grant_user(self.user(username).pk, ("view_case", "view_case_identity"), every=every)
            if reporter_grant:
                self._grant_user(creator.pk, SCHOOL_TEAM_PERMS, every=1)

    def _cases(self, agency, creator) -> None:
        tz = agency.jurisdiction.time_zone
        sql("""
            WITH numbered AS (
                SELECT n.*, extract(year FROM n.received_at AT TIME ZONE %s)::int AS year,
                       row_number() OVER (PARTITION BY extract(year FROM n.received_at AT TIME ZONE %s)
                                          ORDER BY n.received_at, n.id) AS k
                  FROM bench_new n)
            INSERT INTO cases_case (id, school_id, intake_agency_id, jurisdiction_id, register_year, register_number,
                                    received_at, incident_at, channel, kinds, forms, places, description, is_urgent,
                                    is_overdue, status, created_by_id, created_at, updated_at)
            SELECT n.id, %s, %s, %s, n.year, coalesce(rc.last_number, 0) + n.k, n.received_at,
                   n.received_at - interval '1 day', (ARRAY['self_report','staff_report','parent_report','pupil_report'])[1 + n.i %% 4],
                   (%s::jsonb[])[1 + n.kind_set], '["psychological"]'::jsonb, '["classroom"]'::jsonb, %s,
                   n.is_urgent, n.is_overdue, n.status, %s, n.received_at, n.received_at
              FROM numbered n
              LEFT JOIN cases_registercounter rc ON rc.school_id = %s AND rc.year = n.year""",
            [tz, tz, agency.pk, agency.pk, agency.jurisdiction_id, [json.dumps(k) for k in KINDS], self.description,
             creator.pk, agency.pk])
        sql("""
            INSERT INTO cases_registercounter (school_id, year, last_number)
            SELECT intake_agency_id, register_year, max(register_number) FROM cases_case
             WHERE intake_agency_id = %s GROUP BY intake_agency_id, register_year
            ON CONFLICT (school_id, year) DO UPDATE SET last_number = EXCLUDED.last_number""", [agency.pk])

    def _parties(self) -> None:
        sql("""
            INSERT INTO cases_party (id, case_id, role, is_minor, represents_id, is_alleged_perpetrator, family_name,
                                     given_name, patronymic, birth_date, sex, identity_number, identity_number_index,
                                     class_name, phone, address, position, created_at)
            SELECT gen_random_uuid(), n.id, 'victim', true, NULL, false, %s, %s, '', NULL, '', '', '', '', '', '', 0,
                   n.received_at
              FROM bench_new n""", [self.name, self.name])

    def _deadlines(self, agency) -> None:
        """Two clocks per case, in every state: mostly met, some late, waived, breached, pending."""
        sql("""
            WITH r AS (SELECT id, row_number() OVER (ORDER BY code) - 1 AS k, count(*) OVER () AS m
                         FROM notifications_deadlinerule
                        WHERE jurisdiction_id = %s AND start_event = 'case_received'),
                 d AS (SELECT n.*, j, CASE WHEN j = 1 THEN 'met'
                                           WHEN n.is_overdue THEN 'breached'
                                           ELSE (ARRAY['met','met','met','met','met','met','met_late','waived',
                                                       'met','pending'])[1 + n.i %% 10] END AS state
                         FROM bench_new n, generate_series(0, 1) j)
            INSERT INTO notifications_deadline (case_id, rule_id, party_id, anchor_at, started_at, due_at, state,
                                                met_at, next_check_at, reminders_sent, waived_reason, waived_by_id,
                                                subject)
            SELECT d.id, r.id, NULL, d.received_at, d.received_at, d.received_at + interval '1 hour', d.state,
                   CASE WHEN d.state = 'met' THEN d.received_at + interval '30 minutes'
                        WHEN d.state = 'met_late' THEN d.received_at + interval '3 hours' END,
                   CASE WHEN d.state = 'pending' THEN now() + interval '20 days' + d.i %% 43200 * interval '1 minute'
                   END,
                   0, CASE WHEN d.state = 'waived' THEN 'bench' ELSE '' END, NULL, ''
              FROM d JOIN r ON r.k = (d.i + d.j) %% r.m""", [agency.jurisdiction_id])

    def _audit(self, creator) -> None:
        sql("""
            INSERT INTO privacy_auditevent (at, actor_id, action, case_id, detail)
            SELECT n.received_at, %s, 'case_create', n.id, '{"bench": true}'::jsonb FROM bench_new n
            UNION ALL
            SELECT n.received_at + interval '1 hour', NULL, 'deadline_breach', n.id, '{"bench": true}'::jsonb
              FROM bench_new n WHERE n.is_overdue""", [creator.pk])

    def _grant_group(self, group_id: int, codenames, *, every: int, assignee: int | None = None,
                     assign_every: int = 1) -> None:
        sql("""INSERT INTO cases_casegroupobjectpermission (content_object_id, group_id, permission_id)
               SELECT n.id, %s, p FROM bench_new n, unnest(%s::int[]) p WHERE n.i %% %s = 0""",
            [group_id, _ids(codenames), every])
        sql("""INSERT INTO cases_caseaccess (case_id, group_id, received_at, status, is_urgent, is_overdue,
                                             kind_codes, assignee_id, assigned_at)
               SELECT n.id, %s, n.received_at, n.status, n.is_urgent, n.is_overdue, (%s::text[])[1 + n.kind_set],
                      CASE WHEN n.i %% %s = 0 THEN %s::int END, CASE WHEN n.i %% %s = 0 AND %s::int IS NOT NULL
                      THEN n.received_at END
                 FROM bench_new n
                WHERE n.i %% %s = 0""", [group_id, KIND_CODES, assign_every, assignee, assign_every, assignee,
                                          every])

    def _grant_user(self, user_id: int, codenames, *, every: int) -> None:
        sql("""INSERT INTO cases_caseuserobjectpermission (content_object_id, user_id, permission_id)
               SELECT n.id, %s, p FROM bench_new n, unnest(%s::int[]) p WHERE n.i %% %s = 1 %% %s""",
            [user_id, _ids(codenames), every, every])
        sql("""INSERT INTO cases_caseaccess (case_id, user_id, received_at, status, is_urgent, is_overdue,
                                             kind_codes)
               SELECT n.id, %s, n.received_at, n.status, n.is_urgent, n.is_overdue, (%s::text[])[1 + n.kind_set]
                 FROM bench_new n
                WHERE n.i %% %s = 1 %% %s""", [user_id, KIND_CODES, every, every])


TABLES = ("cases_case", "cases_party", "cases_caseaccess", "cases_casegroupobjectpermission",
          "cases_caseuserobjectpermission", "notifications_deadline", "privacy_auditevent")


def settle() -> None:
    """Fresh statistics and visibility maps (index-only scans), dirty pages written out."""
    from _lib import vacuum_analyze

    vacuum_analyze(*TABLES)
    try:
        sql("CHECKPOINT")
    except Exception:
        pass
