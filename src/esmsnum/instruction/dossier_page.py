"""What instruction shows on the dossier page (registered on the dossiers app's extension point)."""

from esmsnum.core.extensions import contribute_to_dossier_detail
from esmsnum.domain.selection import DecisionGroup
from esmsnum.dossiers.models import Status

from . import permissions, selectors


@contribute_to_dossier_detail
def instruction_on_dossier_page(user, dossier) -> dict:
    letters = [letter for letter in selectors.letters_of(dossier) if permissions.can_download_letter(user, letter)]
    decision = selectors.current_decision(dossier) if dossier.status == Status.NOTIFIED else None
    return {
        "can_instruct_page": bool(permissions.can_view_instruction(user, dossier)),
        "letters": letters,
        "notified_decision": decision,
        "notified_decision_label": DecisionGroup(decision.group).label if decision else "",
    }
