"""The README is the newcomer's contract: its two commands come first and it lists every `esmsnum` command."""

from pathlib import Path

import click

from esmsnum.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _command_paths(group: click.Group, prefix: str = "esmsnum") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, path))
        else:
            paths.append(path)
    return paths


def test_readme_opens_with_run_and_test():
    first_block = README.split("```")[1]
    assert "make run" in first_block
    assert "make test" in first_block


def test_readme_lists_every_esmsnum_command():
    missing = [path for path in _command_paths(main) if f"`{path}" not in README]
    assert not missing, f"commandes absentes du README : {missing}"
