"""What every page's header needs: the menu entries the user may open, decided by the permission functions.

In the project's wiring (like the URLs), not in an app: it reads the permissions of several apps.
"""

from esmsnum.core import template_constants
from esmsnum.instruction.permissions import can_access_instruction
from esmsnum.usage.permissions import can_open_usage_space


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "nav_instruction": bool(can_access_instruction(user)),
        "nav_usage": bool(can_open_usage_space(user)),
    }


def vocabulary(request) -> dict:
    """The codes templates compare with (``{% if dossier.status == State.DRAFT %}``), never string literals."""
    return template_constants.constants()


# Skip links of every page (RGAA 12.7): the design system's base template lists them; without them the list is empty.
SKIPLINKS = [
    {"link": "#content", "label": "Contenu"},
    {"link": "#navigation", "label": "Menu"},
    {"link": "#footer", "label": "Pied de page"},
]


def skiplinks(request) -> dict:
    return {"skiplinks": SKIPLINKS}
