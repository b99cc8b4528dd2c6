"""The codes that templates compare with, as template-safe namespaces: ``State.DRAFT``, ``Role.PORTEUR``…

A class of constants or an enum is callable, and Django calls callables found in a template; these namespaces are
not. Pages get them from a context processor; documents rendered without a request (letters) add them themselves.
"""

from functools import cache
from types import SimpleNamespace
from typing import get_args


def _constants(cls) -> SimpleNamespace:
    return SimpleNamespace(**{name: value for name, value in vars(cls).items() if name.isupper()})


@cache
def constants() -> dict[str, SimpleNamespace]:
    from esmsnum.accounts.models import Role
    from esmsnum.domain import workflow
    from esmsnum.domain.contract import Guichet
    from esmsnum.domain.engine.wording import FAIL, PASS, WARN
    from esmsnum.domain.schedule import compute
    from esmsnum.domain.selection import DecisionGroup

    return {
        "State": _constants(workflow.State),
        "Action": _constants(workflow.Action),
        "Role": SimpleNamespace(**{member.name: member.value for member in Role}),
        "Finding": SimpleNamespace(PASS=PASS, WARN=WARN, FAIL=FAIL),
        "Group": SimpleNamespace(**{member.name: member.value for member in DecisionGroup}),
        "Guichet": SimpleNamespace(**{code.upper(): code for code in get_args(Guichet)}),
        "Tranche": SimpleNamespace(**{status.upper(): status for status in compute.STATUS_LABELS}),
    }
