"""The dossier workflow as data: states, and the explicit table of allowed transitions.

Pure Python (no Django). The service ``esmsnum.dossiers.services.transition`` reads this table, checks the
object-level permissions and guards (deadline, required pieces...), applies the change and logs it.

    draft → filed → under_instruction ⇄ more_info_requested
                    under_instruction → in_committee → decided → notified
                    in_committee → under_instruction (withdrawn from the committee)
"""

from dataclasses import dataclass


class State:
    DRAFT = "draft"
    FILED = "filed"
    UNDER_INSTRUCTION = "under_instruction"
    MORE_INFO_REQUESTED = "more_info_requested"
    IN_COMMITTEE = "in_committee"
    DECIDED = "decided"
    NOTIFIED = "notified"


STATE_LABELS: dict[str, str] = {
    State.DRAFT: "Brouillon",
    State.FILED: "Déposé",
    State.UNDER_INSTRUCTION: "En instruction",
    State.MORE_INFO_REQUESTED: "Compléments demandés",
    State.IN_COMMITTEE: "En comité de sélection",
    State.DECIDED: "Décidé",
    State.NOTIFIED: "Notifié",
}
STATES: tuple[str, ...] = tuple(STATE_LABELS)

# States in which the porteur may edit its dossier (content and pieces).
EDITABLE_STATES = frozenset({State.DRAFT, State.MORE_INFO_REQUESTED})
# States an ARS sees (drafts belong to the porteur alone, as in Démarches Simplifiées).
SUBMITTED_STATES = frozenset(STATES) - {State.DRAFT}


class Action:
    FILE = "file"
    START_INSTRUCTION = "start_instruction"
    REQUEST_INFO = "request_info"
    SUBMIT_COMPLEMENTS = "submit_complements"
    RESUME_INSTRUCTION = "resume_instruction"
    SEND_TO_COMMITTEE = "send_to_committee"
    WITHDRAW_FROM_COMMITTEE = "withdraw_from_committee"
    DECIDE = "decide"
    NOTIFY = "notify"


# Roles as in esmsnum.accounts.models.Role (kept as plain strings here).
PORTEUR = "porteur"
INSTRUCTOR = "instructor"
ADMIN = "admin"


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    action: str
    roles: frozenset[str]
    label: str  # French label of the button
    comment_required: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(State.DRAFT, State.FILED, Action.FILE, frozenset({PORTEUR}), "Déposer le dossier"),
    Transition(
        State.FILED,
        State.UNDER_INSTRUCTION,
        Action.START_INSTRUCTION,
        frozenset({INSTRUCTOR, ADMIN}),
        "Passer en instruction",
    ),
    Transition(
        State.UNDER_INSTRUCTION,
        State.MORE_INFO_REQUESTED,
        Action.REQUEST_INFO,
        frozenset({INSTRUCTOR, ADMIN}),
        "Demander des compléments",
        comment_required=True,
    ),
    Transition(
        State.MORE_INFO_REQUESTED,
        State.UNDER_INSTRUCTION,
        Action.SUBMIT_COMPLEMENTS,
        frozenset({PORTEUR}),
        "Transmettre les compléments",
    ),
    Transition(
        State.MORE_INFO_REQUESTED,
        State.UNDER_INSTRUCTION,
        Action.RESUME_INSTRUCTION,
        frozenset({INSTRUCTOR, ADMIN}),
        "Reprendre l'instruction",
        comment_required=True,
    ),
    Transition(
        State.UNDER_INSTRUCTION,
        State.IN_COMMITTEE,
        Action.SEND_TO_COMMITTEE,
        frozenset({INSTRUCTOR, ADMIN}),
        "Inscrire au comité de sélection",
    ),
    Transition(
        State.IN_COMMITTEE,
        State.UNDER_INSTRUCTION,
        Action.WITHDRAW_FROM_COMMITTEE,
        frozenset({INSTRUCTOR, ADMIN}),
        "Retirer du comité",
        comment_required=True,
    ),
    Transition(
        State.IN_COMMITTEE, State.DECIDED, Action.DECIDE, frozenset({INSTRUCTOR, ADMIN}), "Enregistrer la décision"
    ),
    Transition(State.DECIDED, State.NOTIFIED, Action.NOTIFY, frozenset({INSTRUCTOR, ADMIN}), "Notifier le porteur"),
)

ACTION_LABELS: dict[str, str] = {t.action: t.label for t in TRANSITIONS}


class TransitionRefused(Exception):
    """A transition that the table does not allow; the message is in French."""


def find(source: str, action: str) -> Transition:
    """The transition for ``action`` from ``source``, or :class:`TransitionRefused` with the French reason."""
    if source not in STATE_LABELS:
        raise TransitionRefused(f"État inconnu : « {source} ».")
    if action not in ACTION_LABELS:
        raise TransitionRefused(f"Action inconnue : « {action} ».")
    for transition in TRANSITIONS:
        if transition.source == source and transition.action == action:
            return transition
    raise TransitionRefused(
        f"Action « {ACTION_LABELS[action]} » impossible : le dossier est à l'état « {STATE_LABELS[source]} »."
    )


def check(source: str, action: str, role: str) -> Transition:
    """Like :func:`find`, and also check that ``role`` may perform it."""
    transition = find(source, action)
    if role not in transition.roles:
        raise TransitionRefused(f"Votre rôle ne permet pas l'action « {transition.label} ».")
    return transition


def allows(source: str, action: str) -> bool:
    """The table has ``action`` from ``source`` (whatever the role): what permission functions read."""
    return any(t.source == source and t.action == action for t in TRANSITIONS)


def available(source: str, role: str) -> list[Transition]:
    """Transitions ``role`` may perform from ``source`` (in table order)."""
    return [t for t in TRANSITIONS if t.source == source and role in t.roles]


def reachable_from(source: str) -> set[str]:
    """Every state reachable from ``source`` (used by tests to check the table is connected)."""
    seen = {source}
    frontier = [source]
    while frontier:
        state = frontier.pop()
        for transition in TRANSITIONS:
            if transition.source == state and transition.target not in seen:
                seen.add(transition.target)
                frontier.append(transition.target)
    return seen
