"""Concurrent decisions on PostgreSQL never exceed the envelope (issue #13: 120,000 € committed on 50,000 €).

Three instructors decide group A at the same moment in a region that has no decision yet. Each request runs in its
own thread and database connection; a barrier releases them together. Only what fits in the envelope succeeds.
SQLite serialises every writer by itself (one write transaction at a time), so the test is for PostgreSQL, which CI
runs: ``.ci/run`` runs the whole suite against it.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from esmsnum.audit.models import AuditEntry
from esmsnum.dossiers.models import Status
from esmsnum.instruction import services
from esmsnum.instruction.models import CommitteeDecision, CommitteeSession

from .conftest import make_dossier

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="verrous de lignes : PostgreSQL (lancé par CI)"),
]


def test_three_simultaneous_group_a_decisions_fill_the_envelope_once(world):
    session = CommitteeSession.objects.create(
        region=world.reunion,
        campaign="generalisation-2024",
        window_code="regional_1",
        date="2024-06-20",
        envelope_eur=Decimal("50000.00"),
    )
    dossiers = [make_dossier(world, status=Status.IN_COMMITTEE, total="40000.00") for _ in range(3)]
    barrier = threading.Barrier(len(dossiers))
    outcomes: list[str] = []

    def decide(dossier):
        try:
            barrier.wait(timeout=10)
            services.decide(dossier, by=world.users.instructor, session=session, group="A", amount="40000")
            outcomes.append("ok")
        except services.InstructionError as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(dossier,)) for dossier in dossiers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("ok") == 1, outcomes
    assert all("dépasserait l'enveloppe régionale" in outcome for outcome in outcomes if outcome != "ok")
    committed = sum(d.amount_granted_eur for d in CommitteeDecision.objects.filter(group="A"))
    assert committed == Decimal("40000.00")
    assert not CommitteeDecision.objects.filter(override=True).exists()
    assert not AuditEntry.objects.filter(field="envelope_override").exists()
