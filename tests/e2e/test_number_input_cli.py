"""Numbers on the command line as a German user types them, and as zyklus prints them: „4.000“
is stored as four thousand (not 4), „1.100“ as eleven hundred, a negative value needs no
``--``, and an ambiguous one is refused in one line without changing anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.clock import FixedClock
from engine_support import AGS, COORDINATOR, NOW, make_service, setup_municipality, sqlite_url
from engine_support import exit_code as cli


@pytest.fixture
def db(tmp_path: Path, clean_env: None, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    url = sqlite_url(tmp_path / "zyklus.db")
    service = make_service(url, FixedClock(NOW))
    setup_municipality(service)
    service.engine.dispose()
    assert cli("--db", url, "indicator", "add", AGS, "saldo", "--name", "Wanderungssaldo", "--sdg", "11",
               "--unit", "Personen", "--direction", "increase", "--decimals", "0", "--as", COORDINATOR) == 0
    return url


def _values(db: str, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    import json

    capsys.readouterr()
    assert cli("--db", db, "indicator", "list", AGS, "--json") == 0
    return json.loads(capsys.readouterr().out)[0]


def test_zyklus_reads_back_what_it_prints(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("--db", db, "indicator", "target", AGS, "saldo", "2030", "4.000", "--as", COORDINATOR) == 0
    assert capsys.readouterr().out == "saldo: Zielwert 4.000 für 2030 gespeichert.\n"
    assert cli("--db", db, "indicator", "record", AGS, "saldo", "2024", "1.100", "--as", COORDINATOR) == 0
    assert "1.100" in capsys.readouterr().out
    indicator = _values(db, capsys)
    assert indicator["targets"] == [{"year": 2030, "value": 4000.0}]
    assert [v["value"] for v in indicator["values"]] == [1100.0]


@pytest.mark.parametrize("typed", ["-250", "−250"])
def test_a_negative_value_needs_no_double_dash(db: str, typed: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("--db", db, "indicator", "record", AGS, "saldo", "2024", typed, "--as", COORDINATOR) == 0
    assert [v["value"] for v in _values(db, capsys)["values"]] == [-250.0]
    assert cli("--db", db, "indicator", "baseline", AGS, "saldo", "2020", "-1.250", "--as", COORDINATOR) == 0
    assert _values(db, capsys)["baseline"] == {"year": 2020, "value": -1250.0}


def test_an_ambiguous_number_is_refused_in_one_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert cli("--db", db, "indicator", "record", AGS, "saldo", "2024", "12.5", "--as", COORDINATOR) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line == ("„12.5“ ist keine Zahl in deutscher Schreibweise: 1.234,5 oder 1234,5 oder −5 "
                    "(der Punkt trennt nur Tausendergruppen, das Komma die Nachkommastellen).")
    assert _values(db, capsys)["values"] == []
    assert cli("--db", db, "--lang", "en", "indicator", "record", AGS, "saldo", "2024", "4,000.5",
               "--as", COORDINATOR) == 0
    assert [v["value"] for v in _values(db, capsys)["values"]] == [4000.5]
