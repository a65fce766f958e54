"""Every fact of the practice's article is in content/topics.yaml (checklist in tests/data)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

FACTS = yaml.safe_load((Path(__file__).parent / "data" / "seed_facts.yaml").read_text(encoding="utf-8"))["facts"]


def test_the_checklist_covers_every_topic(content):
    assert {fact["topic"] for fact in FACTS} >= set(content.topics)


@pytest.mark.parametrize("fact", FACTS, ids=[f["fact"][:60] for f in FACTS])
def test_fact_is_in_its_topic(fact, content):
    text = content.all_texts(fact["topic"]).lower()
    missing = [word for word in fact["require"] if word.lower() not in text]
    assert not missing, f"{fact['fact']!r}: {missing} not in {fact['topic']}"
