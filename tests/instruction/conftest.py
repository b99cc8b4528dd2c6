import datetime
from decimal import Decimal

import pytest

from esmsnum.dossiers.models import Status
from esmsnum.instruction.models import CommitteeSession
from tests.dossiers.factories import dossier_for, make_world

CAMPAIGN = "generalisation-2024"
EVALUATION = {
    "verdict": "eligible",
    "guichet": "regional",
    "essms_count": 2,
    "findings": [
        {"code": "min_essms", "status": "warn", "message": "2 ESSMS (idéalement 8)", "reference": "002 §4.2 D"},
        {"code": "same_solution", "status": "pass", "message": "Même logiciel pour tous", "reference": "002 §4.2 C"},
    ],
    "funding": {
        "total_eur": 42000.0,
        "lines": [
            {"code": "usage", "label": "Développement des usages", "basis": "2 ESSMS × 7 000 €", "amount_eur": 14000},
            {"code": "software", "label": "Équipement logiciel", "basis": "2 ESSMS × 14 000 €", "amount_eur": 28000},
        ],
    },
    "tranches": [
        {"code": "advance", "label": "Avance", "percent": 50, "amount_eur": 21000},
        {"code": "balance", "label": "Solde", "percent": 50, "amount_eur": 21000},
    ],
}


@pytest.fixture
def world(db):
    return make_world()


def make_dossier(world, status=Status.UNDER_INSTRUCTION, total="42000.00", **kwargs):
    dossier = dossier_for(world, status=status, campaign=CAMPAIGN, **kwargs)
    dossier.total_amount_eur = Decimal(total)
    dossier.evaluation = EVALUATION
    dossier.verdict = "eligible"
    dossier.guichet = "regional"
    dossier.essms_count = 2
    dossier.window = "regional_1"
    dossier.save()
    return dossier


@pytest.fixture
def dossier(world):
    return make_dossier(world)


@pytest.fixture
def session(world):
    return CommitteeSession.objects.create(
        region=world.reunion,
        campaign=CAMPAIGN,
        window_code="regional_1",
        date=datetime.date(2024, 6, 20),
        envelope_eur=Decimal("100000.00"),
    )
