"""What the topology adopts is checked in AWS before anything registers: a user reads the
place in the file and the fix, and the command exits 2 with nothing touched."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from peerstack._cli.app import app
from tests.helpers.paths import EXAMPLES_DIR


def test_swapping_an_adopted_links_sides_is_refused_with_where_and_how(tmp_path: Path) -> None:
    old = EXAMPLES_DIR / "adopt-peering.yaml"
    text = old.read_text()
    assert "requester: core\n    accepter: warehouse" in text
    new = tmp_path / "swapped.yaml"
    new.write_text(
        text.replace(
            "requester: core\n    accepter: warehouse", "requester: warehouse\n    accepter: core"
        )
    )
    result = CliRunner().invoke(
        app, ["up", str(new), "--emulate", "--from", str(old)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 2, result.output
    assert f"{new}:" in result.stderr
    assert "peerings[0].existing.peering_id" in result.stderr
    assert "was requested by 'core'" in result.stderr
    assert "hint: write `requester: core` and `accepter: warehouse`" in result.stderr
    assert "1 problem found reading AWS before the deploy; nothing was changed." in result.stderr
