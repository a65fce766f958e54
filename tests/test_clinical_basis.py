"""docs/clinical-basis.md is generated from content/triage.yaml and the vignettes, and kept in sync."""
from __future__ import annotations

from skill import paths
from skill.adapters.clinical_basis import play_all, render


def test_the_clinical_basis_is_up_to_date(content):
    expected = render(content, play_all(content))
    on_disk = (paths.ROOT / "docs" / "clinical-basis.md").read_text(encoding="utf-8")
    assert on_disk == expected, "docs/clinical-basis.md is out of date: run `make clinical-basis`"


def test_every_rule_has_a_reason_and_a_source_and_is_listed(content):
    on_disk = (paths.ROOT / "docs" / "clinical-basis.md").read_text(encoding="utf-8")
    for rule in content.triage.rules:
        assert rule.basis is not None, f"rule {rule.id} has no basis (why, source) in content/triage.yaml"
        assert f"| {rule.id} |" in on_disk
        assert " ".join(rule.basis.source.split()) in on_disk
