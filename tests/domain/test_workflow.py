"""The workflow table: every state reachable, invalid transitions refused with a French reason."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esmsnum.domain import workflow
from esmsnum.domain.workflow import Action, State, TransitionRefused

ROLES = ["porteur", "instructor", "grades", "national", "admin"]
ACTIONS = sorted(workflow.ACTION_LABELS)


def test_states_and_labels_are_french_and_complete():
    assert workflow.STATES == (
        "draft", "filed", "under_instruction", "more_info_requested", "in_committee", "decided", "notified",
    )  # fmt: skip
    assert workflow.STATE_LABELS["more_info_requested"] == "Compléments demandés"
    for transition in workflow.TRANSITIONS:
        assert transition.source in workflow.STATES
        assert transition.target in workflow.STATES
        assert transition.source != transition.target
        assert transition.label[0].isupper()


def test_every_state_is_reachable_from_draft_and_notified_is_final():
    assert workflow.reachable_from(State.DRAFT) == set(workflow.STATES)
    assert workflow.reachable_from(State.NOTIFIED) == {State.NOTIFIED}


def test_the_main_path_and_the_information_loop():
    path = [
        (State.DRAFT, Action.FILE, "porteur", State.FILED),
        (State.FILED, Action.START_INSTRUCTION, "instructor", State.UNDER_INSTRUCTION),
        (State.UNDER_INSTRUCTION, Action.REQUEST_INFO, "instructor", State.MORE_INFO_REQUESTED),
        (State.MORE_INFO_REQUESTED, Action.SUBMIT_COMPLEMENTS, "porteur", State.UNDER_INSTRUCTION),
        (State.UNDER_INSTRUCTION, Action.SEND_TO_COMMITTEE, "instructor", State.IN_COMMITTEE),
        (State.IN_COMMITTEE, Action.DECIDE, "instructor", State.DECIDED),
        (State.DECIDED, Action.NOTIFY, "instructor", State.NOTIFIED),
    ]
    for source, action, role, target in path:
        assert workflow.check(source, action, role).target == target


def test_each_state_action_pair_is_unique():
    pairs = [(t.source, t.action) for t in workflow.TRANSITIONS]
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize(("state", "action"), list(itertools.product(workflow.STATES, ACTIONS)))
def test_pairs_outside_the_table_are_refused(state, action):
    in_table = any(t.source == state and t.action == action for t in workflow.TRANSITIONS)
    if in_table:
        assert workflow.find(state, action).action == action
    else:
        with pytest.raises(TransitionRefused, match="impossible : le dossier est à l'état"):
            workflow.find(state, action)


def test_roles_are_checked():
    with pytest.raises(TransitionRefused, match="Votre rôle ne permet pas"):
        workflow.check(State.DRAFT, Action.FILE, "instructor")
    with pytest.raises(TransitionRefused, match="Votre rôle ne permet pas"):
        workflow.check(State.FILED, Action.START_INSTRUCTION, "porteur")
    for role in ("national", "grades"):
        assert workflow.available(State.FILED, role) == []


def test_unknown_state_or_action():
    with pytest.raises(TransitionRefused, match="État inconnu"):
        workflow.find("archived", Action.FILE)
    with pytest.raises(TransitionRefused, match="Action inconnue"):
        workflow.find(State.DRAFT, "delete")


@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ROLES)), max_size=30))
def test_any_sequence_of_actions_stays_within_the_table(steps):
    state = State.DRAFT
    for action, role in steps:
        try:
            transition = workflow.check(state, action, role)
        except TransitionRefused:
            continue
        assert transition in workflow.TRANSITIONS
        assert role in transition.roles
        state = transition.target
    assert state in workflow.STATES


def test_editable_and_submitted_states():
    assert {State.DRAFT, State.MORE_INFO_REQUESTED} == workflow.EDITABLE_STATES
    assert State.DRAFT not in workflow.SUBMITTED_STATES
