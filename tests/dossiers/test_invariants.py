"""The dossier keeps its invariants: its status changes only through the transition service; services write
allow-listed fields; permissions read the workflow table; one error base and one ``require()``."""

import pathlib

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from esmsnum.domain import workflow
from esmsnum.dossiers import services
from esmsnum.dossiers.errors import DossierError, ServiceError, require
from esmsnum.dossiers.models import Dossier, Status, StatusChangeRefused
from esmsnum.dossiers.permissions import Permission
from esmsnum.dossiers.services.content import DOSSIER_FIELDS
from esmsnum.instruction.services import InstructionError
from esmsnum.usage.services import UsageError

from .factories import dossier_for, make_world

pytestmark = pytest.mark.django_db
SRC = pathlib.Path(__file__).parents[2] / "src" / "esmsnum"


@pytest.fixture
def world(settings):
    settings.ESMSNUM_CLOCK = "2024-05-20T10:00:00+04:00"
    return make_world()


def test_a_plain_save_cannot_change_the_status(world):
    dossier = dossier_for(world)
    dossier.status = Status.FILED
    dossier.filed_at = dossier.created_at
    with transaction.atomic(), pytest.raises(StatusChangeRefused):
        dossier.save()
    with transaction.atomic(), pytest.raises(StatusChangeRefused):
        dossier.save(update_fields=["status", "filed_at"])
    assert Dossier.objects.get(pk=dossier.pk).status == Status.DRAFT
    assert issubclass(StatusChangeRefused, IntegrityError)


def test_a_bulk_update_cannot_change_the_status(world):
    dossier = dossier_for(world)
    with pytest.raises(ValueError, match="transition du circuit"):
        Dossier.objects.filter(pk=dossier.pk).update(status=Status.FILED)


def test_saves_that_leave_the_status_alone_still_work(world):
    dossier = dossier_for(world)
    dossier.title = "Nouveau titre"
    dossier.save()
    dossier.refresh_from_db()
    assert dossier.title == "Nouveau titre"


def test_the_transition_service_changes_the_status_and_later_saves_work(world):
    dossier = dossier_for(world, status=Status.FILED)
    services.transition(dossier, workflow.Action.START_INSTRUCTION, world.users.instructor)
    assert dossier.status == Status.UNDER_INSTRUCTION
    dossier.title = "En instruction"
    dossier.save()  # the refreshed instance knows its new status
    assert Dossier.objects.get(pk=dossier.pk).status == Status.UNDER_INSTRUCTION


def test_only_the_transition_service_passes_allow_status_change():
    users = sorted(
        str(path.relative_to(SRC)) for path in SRC.rglob("*.py") if "allow_status_change" in path.read_text()
    )
    assert users == ["dossiers/models.py", "dossiers/services/workflow.py"]


def test_the_dossier_allow_list_is_what_the_porteur_edits():
    excluded = {
        "id", "campaign", "region", "porteur", "status", "filed_at", "window", "evaluation", "evaluated_at",
        "verdict", "guichet", "essms_count", "total_amount_eur", "created_by", "created_at", "updated_at",
        "creation_token",
    }  # fmt: skip
    assert set(DOSSIER_FIELDS) == {f.name for f in Dossier._meta.concrete_fields} - excluded


def test_update_dossier_writes_only_the_allowed_fields(world):
    dossier = dossier_for(world)
    with pytest.raises(DossierError, match="Champs non modifiables : status"):
        services.update_dossier(dossier, by=world.users.porteur, changes={"status": Status.FILED})


@pytest.mark.parametrize(
    ("status", "action"),
    [(state, action) for state in workflow.STATES for action in workflow.ACTION_LABELS],
)
def test_permissions_follow_the_workflow_table(world, status, action):
    """An action the table does not offer from a state is refused by the object permission too."""
    from esmsnum.dossiers.permissions import can_perform

    dossier = Dossier(status=status, porteur=world.porteur_org, region=world.reunion)
    user = world.users.porteur if action in (workflow.Action.FILE, workflow.Action.SUBMIT_COMPLEMENTS) else None
    user = user or world.users.instructor
    if not workflow.allows(status, action) and action in (
        workflow.Action.FILE,
        workflow.Action.SUBMIT_COMPLEMENTS,
        workflow.Action.DECIDE,
    ):
        assert not can_perform(user, dossier, action)


def test_one_error_base_and_one_require():
    assert issubclass(DossierError, ServiceError)
    assert issubclass(InstructionError, ServiceError)
    assert issubclass(UsageError, ServiceError)
    require(Permission(True))
    with pytest.raises(DossierError, match="non"):
        require(Permission(False, "non"))
    with pytest.raises(PermissionDenied, match="refusé"):
        require(Permission(False, "refusé"), PermissionDenied)
    copies = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if "def _require(" in p.read_text())
    assert copies == []
