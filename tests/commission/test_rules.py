"""The quorum and vote rules (UA IV.5, IV.7), table-tested."""

import pytest

from commission.rules import has_quorum, quorum_needed, vote_outcome

F, A, X = "for", "against", "abstain"


@pytest.mark.parametrize("approved, present, expected", [
    (8, 5, False),   # 5 of 8 is less than two thirds (5.33)
    (8, 6, True),
    (7, 4, False),
    (7, 5, True),    # 2/3 of 7 = 4.67
    (9, 6, True),
    (9, 5, False),
    (0, 0, False),
], ids=lambda v: str(v))
def test_quorum_is_two_thirds_of_the_approved_composition(approved, present, expected):
    assert has_quorum(approved_size=approved, present=present) is expected


def test_quorum_needed():
    assert [quorum_needed(n) for n in (6, 7, 8, 9)] == [4, 5, 6, 6]


def votes(*choices):
    return {f"m{i}": c for i, c in enumerate(choices, start=1)}


@pytest.mark.parametrize("approved, cast, chair, passed, by_chair", [
    # 8 approved, only 5 present, all for: 5 is a majority of 8 -> passes
    (8, votes(F, F, F, F, F), "m1", True, False),
    # 8 approved, 5 present, 4 for: 4 is not a majority of 8, even though it is of those present
    (8, votes(F, F, F, F, A), "m1", False, False),
    # abstentions count for nothing: 4 for, 0 against, 4 abstain of 8
    (8, votes(F, F, F, F, X, X, X, X), "m1", False, False),
    # 4-4 split of the whole commission: the chair decides
    (8, votes(F, F, F, F, A, A, A, A), "m1", True, True),
    (8, votes(F, F, F, F, A, A, A, A), "m5", False, True),
    # 3-3 with two absent: no majority and not a split of the commission
    (8, votes(F, F, F, A, A, A), "m1", False, False),
    # the chair is absent (an acting chair, m2, breaks the tie)
    (8, {"m2": F, "m3": F, "m4": F, "m5": F, "m6": A, "m7": A, "m8": A, "m9": A}, "m2", True, True),
    # the chair absent and the acting chair abstained: a tie cannot be broken
    (8, {"m2": X, "m3": F, "m4": F, "m5": F, "m6": A, "m7": A, "m8": A, "m9": F}, "m2", False, False),
    # 7 approved: 4 for passes, 3 for does not
    (7, votes(F, F, F, F, A, A, A), "m5", True, False),
    (7, votes(F, F, F, A, A, X), "m1", False, False),
], ids=lambda v: str(v) if not isinstance(v, dict) else f"{len(v)} votes")
def test_a_decision_needs_a_majority_of_the_approved_composition(approved, cast, chair, passed, by_chair):
    outcome = vote_outcome(approved_size=approved, votes=cast, chair=chair)
    assert (outcome.passed, outcome.decided_by_chair) == (passed, by_chair)


@pytest.mark.parametrize("approved, cast, chair, result", [
    (9, votes(F, F, F, F, F, A), "m1", "adopted"),
    # UA IV.7: the negative also needs a majority of the approved composition
    (9, votes(A, A, A, A, A, F), "m1", "rejected"),
    # 4 for, 2 against of 9: neither is a majority of 9 -> no decision, not "not confirmed"
    (9, votes(F, F, F, F, A, A), "m1", "no_decision"),
    (9, votes(A, A, A, A, F, F), "m1", "no_decision"),
    # 3-3 with two of eight absent: no split of the commission, no decision
    (8, votes(F, F, F, A, A, A), "m1", "no_decision"),
    # 4-4 of eight: the chair decides either way
    (8, votes(F, F, F, F, A, A, A, A), "m5", "rejected"),
    (8, votes(F, F, F, F, A, A, A, A), "m1", "adopted"),
    # all abstain
    (7, votes(X, X, X, X, X), "m1", "no_decision"),
], ids=lambda v: str(v) if not isinstance(v, dict) else f"{len(v)} votes")
def test_a_question_is_adopted_rejected_or_reaches_no_decision(approved, cast, chair, result):
    outcome = vote_outcome(approved_size=approved, votes=cast, chair=chair)
    assert outcome.result == result
    assert outcome.decided == {"adopted": True, "rejected": False, "no_decision": None}[result]
