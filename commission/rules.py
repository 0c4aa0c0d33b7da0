"""The commission's voting rules as pure functions (UA IV.5, IV.7). No database here.

- Quorum: at least two thirds of the APPROVED composition are present.
- A decision passes with a majority of the approved composition (not of those
  present): more than half of all approved members vote for it.
- When the votes are equally divided, the chair's vote decides. Read together
  with the majority rule, "equally divided" means the approved composition
  split in half (e.g. 4 for and 4 against in a commission of 8): a 3–3 split
  with two members absent is no majority and no tie of the commission.
- The majority rule decides the negative too (UA IV.7: "Рішення ... приймаються
  шляхом відкритого голосування більшістю голосів від затвердженого складу
  комісії"): a question is rejected only by a majority of the approved
  composition voting against it. A vote in which neither side has that
  majority reaches no decision: the question can be put to the vote again.
"""

from dataclasses import dataclass

FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
ADOPTED, REJECTED, NO_DECISION = "adopted", "rejected", "no_decision"


def quorum_needed(approved_size: int) -> int:
    """The fewest members present that make a quorum: ceil(2/3 of the composition)."""
    return -(-2 * approved_size // 3)


def has_quorum(*, approved_size: int, present: int) -> bool:
    return approved_size > 0 and present >= quorum_needed(approved_size)


def majority_needed(approved_size: int) -> int:
    """More than half of the approved composition."""
    return approved_size // 2 + 1


@dataclass(frozen=True)
class Outcome:
    result: str                 # ADOPTED, REJECTED or NO_DECISION
    votes_for: int
    votes_against: int
    abstentions: int
    needed: int
    decided_by_chair: bool = False

    @property
    def passed(self) -> bool:
        return self.result == ADOPTED

    @property
    def decided(self) -> bool | None:
        """True adopted, False rejected, None no decision reached."""
        return {ADOPTED: True, REJECTED: False}.get(self.result)


def vote_outcome(*, approved_size: int, votes: dict, chair) -> Outcome:
    """Decide a question from the votes cast (member -> "for" | "against" | "abstain").

    ``chair`` is whoever chairs the meeting (the chair, or the acting chair under
    UA III.3); their vote breaks a tie between "for" and "against".
    """
    votes_for = sum(1 for v in votes.values() if v == FOR)
    votes_against = sum(1 for v in votes.values() if v == AGAINST)
    abstentions = sum(1 for v in votes.values() if v == ABSTAIN)
    needed = majority_needed(approved_size)
    counts = (votes_for, votes_against, abstentions, needed)
    if votes_for >= needed:
        return Outcome(ADOPTED, *counts)
    if votes_against >= needed:
        return Outcome(REJECTED, *counts)
    split_in_half = votes_for == votes_against and votes_for * 2 == approved_size
    if split_in_half and votes.get(chair) in (FOR, AGAINST):
        # UA IV.7: "У разі рівного розподілу голосів голос голови комісії є вирішальним."
        return Outcome(ADOPTED if votes[chair] == FOR else REJECTED, *counts, decided_by_chair=True)
    return Outcome(NO_DECISION, *counts)
