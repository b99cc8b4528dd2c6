"""The ``esmsnum`` command line: a thin layer over the services (no business rule here).

Each command group lives in its own module and is registered in :data:`GROUPS`; commands that need the database
call :func:`setup_django` first.
"""

import importlib
import os
import sys
from pathlib import Path

import click

GROUPS = [
    "esmsnum.cli.manage",
    "esmsnum.cli.demo",
    "esmsnum.cli.finess",
    "esmsnum.cli.campaigns",
    "esmsnum.cli.usage",
    "esmsnum.cli.payments",
    "esmsnum.cli.backup",
    "esmsnum_bench.cli",
    "esmsnum_bench.evaluate",  # joins the bench group above (or brings its own while it is absent)
    "esmsnum_bench.usage",  # idem
]


def setup_django() -> None:
    """Configure Django once (settings from the environment; embedded SQLite under ./var by default)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esmsnum.config.settings")
    import django
    from django.conf import settings

    if not settings.configured or not getattr(setup_django, "_done", False):
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        django.setup()
        setup_django._done = True  # type: ignore[attr-defined]


class InputError(click.ClickException):
    """A refusal worded in French for the person at the terminal: exit status 2, no traceback."""

    exit_code = 2


class _Main(click.Group):
    """The ``esmsnum`` group: a database that does not answer is a French message and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            from django.db import InterfaceError, OperationalError

            if isinstance(exc, OperationalError | InterfaceError):
                raise InputError(
                    "la base de données ne répond pas (vérifiez DATABASE_URL et que le serveur est démarré) : "
                    + str(exc).strip().splitlines()[0][:200]
                ) from None
            raise


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(package_name="esmsnum")
def main() -> None:
    """Plateforme ESMS numérique : référentiel FINESS, campagnes, dossiers, indicateurs d'usage."""


for _module in GROUPS:
    try:
        _mod = importlib.import_module(_module)
    except ModuleNotFoundError as exc:  # a group not written yet
        if exc.name != _module:
            raise
        continue
    for _command in _mod.COMMANDS:
        main.add_command(_command)


def run() -> None:  # pragma: no cover - console entry point alias
    sys.exit(main())
