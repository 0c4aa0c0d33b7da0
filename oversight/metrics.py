"""The metrics of ``Tally``: what each counts, its month and its key format.

This is the contract between the aggregator (``oversight.tally``), which writes
the rows, and the dashboards (``oversight.selectors``), which read them. Every
key is a code from a choice list or an id: never a name or free text.

Month: the first day of the local month (the jurisdiction's time zone) of the
date named below. A case contributes to three scopes: its country, its region
(the school's region, else the intake agency's) and each agency that holds the
case (``CaseAccess`` group grants). Clock metrics go to the country, the region
and the clock's responsible agency.
"""

# --- cases, by the month they were received -------------------------------------
CASES = "cases"              # key "": one per case
KIND = "kind"                # key: a code of Case.kinds (each kind of the case counts one)
FORM = "form"                # key: a code of Case.forms
PLACE = "place"              # key: a code of Case.places
CHANNEL = "channel"          # key: Case.channel
STATUS = "status"            # key: Case.status (open, closed…) as it is now
OUTCOME = "outcome"          # key: Case.outcome of a closed case
CASE_REGION = "case_region"  # country scope only; key: region id ("" when none)

# --- victims (minor parties with the victim role), by the case's month -------------
VICTIM_AGE = "victim_age"    # key: an AGE_BANDS code, age at the incident (else at receipt)
VICTIM_SEX = "victim_sex"    # key: "female", "male" or "unknown"

AGE_BANDS = (("0-6", 0, 6), ("7-10", 7, 10), ("11-14", 11, 14), ("15-17", 15, 17), ("18+", 18, 200))
AGE_UNKNOWN = "unknown"

# --- statutory clocks, by the month they fall due ----------------------------------
# state: a DeadlineState value — "met", "met_late", "breached" (overdue and still not
# met), "pending" (not yet due) or "waived".
CLOCK = "clock"                          # key: "<rule code>|<state>"
CLOCK_AGENCY_KIND = "clock_kind"         # key: "<rule code>|<responsible agency kind>|<state>"
CLOCK_AGENCY = "clock_agency"            # region scope only; key: "<responsible agency id>|<state>"
CLOCK_REGION = "clock_region"            # country scope only; key: "<region id>|<state>"
CLOCK_TIME = "clock_time"                # met and met late; key: "<rule code>|<bucket>"

# Upper bounds, in minutes, of the time-to-meet histogram (started → met); the last
# bucket, "inf", holds the rest. Median and p90 are read off it, to a bucket.
TIME_BUCKETS = (15, 30, 60, 120, 240, 480, 720, 1440, 2880, 4320, 7200, 14400, 28800, 43200)

# --- decisions, by the month they were taken -----------------------------------------
# Both go to the case's scopes (country, region, each agency holding the case).
COMMISSION = "commission"    # UA commission decisions (commission.Decision); key: "confirmed" or "not_confirmed"
#                              (whether the bullying was confirmed: the decision holds no other outcome code)
PLACEMENT = "placement"      # KZ placement decisions (§45, casework.Action placement_decision); key: its
#                              data["place_type"], where the child was placed (casework.registry.PLACE_TYPES)
