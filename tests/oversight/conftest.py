"""Fixtures of the oversight tests."""

import pytest


@pytest.fixture
def drain_tallies(db):
    """drain_tallies() -> how many cases it took: brings the summary tables up to date now, as the
    beat task (oversight.tasks.drain_tallies) would within TALLY_DRAIN_INTERVAL_SECONDS."""
    from oversight.services import tally_drain_all

    return tally_drain_all
