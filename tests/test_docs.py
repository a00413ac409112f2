"""README and CLI stay in step: the commands the README teaches exist and CI runs its test command."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from geomap.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_gives_two_setup_commands_that_the_makefile_and_ci_run():
    assert "make map" in README and "make test" in README
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^map:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_geomap_command_in_the_readme_has_help():
    blocks = "\n".join(re.findall(r"```sh\n(.*?)```", README, re.S))
    commands = set(re.findall(r"^geomap ((?:border|gazetteer) \w+|\w+)", blocks, re.M))
    assert {"map", "geocode", "join", "border info", "gazetteer search"} <= commands
    for command in commands:
        result = CliRunner().invoke(app, [*command.split(), "--help"])
        assert result.exit_code == 0, command


def test_readme_border_figures_match_the_bundled_line():
    info = CliRunner().invoke(app, ["border", "info", "--json"]).output
    vertices = re.search(r'"vertices": (\d+)', info).group(1)
    length = re.search(r'"geodesic_length_km": ([\d.]+)', info).group(1)
    assert f"{int(vertices):,} vertices" in README
    assert f"{float(length):,.1f} km" in README
