"""`zyklus indicator catalogue` in-process (typer's CliRunner): filtered by SDG and type, as a table
and as JSON with the whole profile; a wrong filter is one line and a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zyklus.main import app
from zyklus.main import run as run_cli

CLEAN_ENV = {"ZYKLUS_DB": None, "ZYKLUS_NOW": None, "ZYKLUS_CONFIG": None, "ZYKLUS_LANG": None, "COLUMNS": "200"}


@pytest.fixture
def run(tmp_path: Path):
    runner = CliRunner()
    db = ["--db", f"sqlite:///{tmp_path / 'zyklus.db'}"]
    assert runner.invoke(app, [*db, "init"], env=CLEAN_ENV).exit_code == 0

    def invoke(*args: str, code: int = 0):
        result = runner.invoke(app, [*db, *args], env=CLEAN_ENV)
        assert result.exit_code == code, (result.output, result.exception)
        return result
    return invoke


def test_the_catalogue_as_json_filtered_by_type_and_sdg(run) -> None:
    everything = json.loads(run("indicator", "catalogue", "--json").stdout)
    assert len(everything) >= 70 and {e["sdg"] for e in everything} == set(range(1, 18))
    type_one = json.loads(run("indicator", "catalogue", "--type", "i", "--json").stdout)
    assert type_one and {e["type"] for e in type_one} == {"I"} and len(type_one) < len(everything)
    [own_climate] = [e for e in json.loads(run("indicator", "catalogue", "--sdg", "13", "--type", "own", "--json").stdout)
                     if e["id"] == "thg-haushalte"]
    assert own_climate["sdg_target"] == "13.2" and own_climate["levels"] == ["kommune"]
    parity = next(e for e in everything if e["id"] == "frauenanteil-rat")
    assert (parity["direction"], parity["band"], parity["publication_lag"], parity["interval"]) == ("band", [50.0, 50.0], 1, 5)
    assert parity["citation_url"].startswith("https://") and parity["direction_basis"].startswith("Paritätsziel")
    water = next(e for e in everything if e["id"] == "trinkwasserverbrauch")
    assert water["unit"] == "l je Einwohner:in und Tag" and water["definition"].startswith("Wasserabgabe")


def test_the_table_in_english_names_type_sub_target_and_the_parity_value(run) -> None:
    table = run("--lang", "en", "indicator", "catalogue", "--sdg", "5").stdout
    for key in ("frauenanteil-rat", "beschaeftigung-frauen-maenner", "frauen-fuehrung-verwaltung"):
        assert key in table  # whole, as `indicator adopt` takes it
    assert "5.5 · I" in table and "5.5 · own" in table and "→ 50.0" in table and "→ 100.0" in table
    assert "kinderarmut" not in table  # SDG 1
    english = json.loads(run("--lang", "en", "indicator", "catalogue", "--sdg", "5", "--json").stdout)
    assert english[0]["name"] == "Share of women in the council" and "parity" in english[0]["definition"]
    german = run("indicator", "catalogue", "--sdg", "1", "--type", "I").stdout
    assert "1.2 · I · BNK" in german and "sgb-quote" in german and "sinkend" in german


@pytest.mark.parametrize(("args", "words"), [
    (("--sdg", "18"), "18"),
    (("--sdg", "fünf"), "fünf"),
    (("--type", "III"), "I, II, own"),
])
def test_a_wrong_filter_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                    args: tuple[str, ...], words: str) -> None:
    """Through the entry point a shell calls (run), which turns a refusal into one line and exit 1."""
    for name in ("ZYKLUS_DB", "ZYKLUS_CONFIG", "ZYKLUS_LANG", "ZYKLUS_NOW"):
        monkeypatch.delenv(name, raising=False)
    db = ["--db", f"sqlite:///{tmp_path / 'zyklus.db'}"]
    assert CliRunner().invoke(app, [*db, "init"], env=CLEAN_ENV).exit_code == 0
    capsys.readouterr()

    assert run_cli([*db, "indicator", "catalogue", *args]) == 1

    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and err.count("\n") == 1


def test_an_own_indicator_names_its_publication_lag(run) -> None:
    ags, anna = "16051000", "anna@erfurt.example"
    run("municipality", "add", ags, "Erfurt")
    run("person", "add", ags, "--name", "Anna Koch", "--email", anna, "--role", "coordination")
    run("person", "add", ags, "--name", "Ben Roth", "--email", "ben@erfurt.example", "--role", "core_team")
    run("person", "add", ags, "--name", "Carla Weiß", "--email", "carla@erfurt.example", "--role", "core_team")
    run("cycle", "start", ags, "--workflow", "kommune", "--on", "2027-01-04")
    run("indicator", "add", ags, "frauen-ortsbeirat", "--name", "Frauen im Ortsbeirat", "--sdg", "5", "--unit", "%",
        "--direction", "korridor", "--band-low", "50", "--band-high", "50", "--publication-lag", "0", "--as", anna)
    refused = run("indicator", "add", ags, "rad", "--name", "Rad", "--sdg", "11", "--unit", "%",
                  "--direction", "steigend", "--publication-lag", "11", "--as", anna, code=1)
    assert "11" in str(refused.exception) and "0 bis 10" in str(refused.exception)
    [row] = json.loads(run("indicator", "list", ags, "--json").stdout)
    assert (row["id"], row["direction"], row["band"], row["publication_lag"]) == (
        "frauen-ortsbeirat", "band", [50.0, 50.0], 0)
