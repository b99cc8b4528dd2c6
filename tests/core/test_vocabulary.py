"""One vocabulary (issue #10): each label of a verdict, finding status, project type, situation and hosting is written
once, in ``esmsnum.domain.vocabulary``; models, pages and the engine read it from there."""

from pathlib import Path

import pytest

import esmsnum
from esmsnum.domain import vocabulary
from esmsnum.dossiers import models, selectors

SRC = Path(esmsnum.__file__).resolve().parent
LABELS = [
    *vocabulary.VERDICT_LABELS.values(),
    *vocabulary.PROJECT_TYPE_LABELS.values(),
    *vocabulary.SITUATION_LABELS.values(),
    *vocabulary.HOSTING_LABELS.values(),
    "Non conforme",
    "Bloquant",
]


@pytest.mark.parametrize("label", LABELS)
def test_each_label_is_written_once_in_the_source(label):
    places = [
        str(path.relative_to(SRC))
        for path in [*SRC.rglob("*.py"), *SRC.rglob("*.html")]
        if "migrations" not in path.parts
        and path.name != "vocabulary.py"
        and (f'"{label}"' in path.read_text(encoding="utf-8") or f">{label}<" in path.read_text(encoding="utf-8"))
    ]
    assert places == []


def test_models_and_pages_use_the_vocabulary():
    assert dict(models.Verdict.choices) == vocabulary.VERDICT_LABELS
    assert dict(models.ProjectType.choices) == vocabulary.PROJECT_TYPE_LABELS
    assert dict(models.Situation.choices) == vocabulary.SITUATION_LABELS
    assert dict(models.Hosting.choices) == vocabulary.HOSTING_LABELS
    assert {status: style[1] for status, style in selectors.FINDING_STYLE.items()} == vocabulary.FINDING_STATUS_LABELS
    assert {verdict: style[1] for verdict, style in selectors.VERDICT_STYLE.items()} == vocabulary.VERDICT_LABELS
