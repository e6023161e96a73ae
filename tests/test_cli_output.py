"""What the commands print for people: data is printed as it is, never read as markup."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from adcensus.cli import app

runner = CliRunner()


def _messy(tmp_path: Path) -> Path:
    """Headers and cells that rich would read as markup or emoji codes."""
    path = tmp_path / "ads.csv"
    rows = [
        "Réf;:thumbs_up:;[bold]x[/bold];root:x:0;Téléphone",
        "A1;Léa;Léa, douce;[red]s[/red];06 39 98 10 01",
        "A2;Léa;Léa, discrète;:x:;06 39 98 10 01",
        "A3;Sofia;Sofia sur Lens;[red]s[/red];06 39 98 20 02",
        "A4;Nina;Nina à Arras;:x:;06 39 98 30 03",
        "A5;Zoé;Zoé à Calais;[red]s[/red];06 39 98 40 04",
        "A6;Zoé;Zoé, Calais;:x:;06 39 98 40 04",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_headers_and_cells_shaped_like_markup_are_printed_as_they_are(tmp_path: Path) -> None:
    out = tmp_path / "out"
    roles = ["--col", "name=:thumbs_up:", "--col", "text=[bold]x[/bold]", "--col", "site=root:x:0"]
    result = runner.invoke(app, ["dedupe", str(_messy(tmp_path)), "-o", str(out), *roles])
    assert result.exit_code == 0, result.stderr
    err = " ".join(result.stderr.split())
    for shape in ("':thumbs_up:'", "'[bold]x[/bold]'", "'root:x:0'", "[red]s[/red]", ":x:"):
        assert shape in err, shape
    assert "👍" not in err and "❌" not in err

    table = runner.invoke(app, ["tally", str(out), "--by", "root:x:0", "-f", "table"])
    assert table.exit_code == 0, table.stderr
    assert "root:x:0" in table.stdout and "[red]s[/red]" in table.stdout and ":x:" in table.stdout

    lists = runner.invoke(app, ["estimate", str(out), "--lists", "site"])
    assert lists.exit_code == 0, lists.stderr
    assert "persons on [red]s[/red]" in lists.stderr and "persons on :x:" in lists.stderr


def test_an_error_naming_a_header_shaped_like_markup_prints_it(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["dedupe", str(_messy(tmp_path)), "-o", str(tmp_path / "o"), "--col", "text=[b]y:x:"]
    )
    assert result.exit_code == 2
    assert "[b]y:x:" in result.stderr and "❌" not in result.stderr
