"""The soak runner itself (`make soak` runs it for 60 s with 50 listeners): a short run finds no
errors and no lost positions, and a run without a store does count every position as lost, so
the figure `make soak` prints can fail."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import soak  # noqa: E402


def test_a_short_soak_through_the_skill_in_threads(tmp_path):
    tally = soak.soak_threads(listeners=3, seconds=2, folder=tmp_path)
    assert tally.rounds >= 3 and tally.errors == [] and tally.lost == 0


def test_without_a_store_every_position_is_lost(tmp_path):
    tally = soak.soak_threads(listeners=2, seconds=1, folder=tmp_path, store=None)
    assert tally.rounds >= 1 and tally.lost == tally.rounds
