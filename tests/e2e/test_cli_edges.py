"""Values at the edges of every type, files that are not what their name says, configuration
mistakes: each is refused with one line on stderr and exit 1 (2 for usage), never a traceback,
and leaves the database and the folder exactly as they were.

The CLI runs in this process (``zyklus.main.run``, the console script's own entry point), each
case on its own copy of one seeded SQLite file, in its own folder.
"""

from __future__ import annotations

import codecs
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.clock import FixedClock
from engine_support import NOW, Member, dump, make_service, setup_municipality, sqlite_url
from engine_support import exit_code as cli

AGS = "16051000"
ANNA = "anna.koch@erfurt.example"


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    expect: str
    """Text the single stderr line must contain."""
    config: str | None = None
    exit_code: int = 1


def _rec(*extra: str) -> tuple[str, ...]:
    return ("record", AGS, "application", "--as", ANNA, *extra)


DATES = [
    Case("date-year-0", _rec("--set", "date=0000-01-01"), "0000-01-01"),
    Case("date-year-9999", _rec("--set", "date=9999-12-31"), "1900 bis 2199"),
    Case("date-year-10000", _rec("--set", "date=10000-01-01"), "10000-01-01"),
    Case("date-feb-30", _rec("--set", "date=2027-02-30"), "2027-02-30"),
    Case("date-unpadded", _rec("--set", "date=2027-1-1"), "2027-1-1"),
    Case("date-arabic-digits", _rec("--set", "date=٢٠٢٧-٠١-٠١"), "JJJJ-MM-TT"),
    Case("on-year-1", _rec("--set", "date=2027-01-04", "--on", "0001-01-01"), "1900 bis 2199"),
    Case("deadline-at-calendar-end", ("deadline", "set", AGS, "9999-12-31", "--as", ANNA, "--reason", "x"),
         "1900 bis 2199"),
    # walkthrough #19: a deadline before the phase began (04.01.2027) or before today is refused
    Case("deadline-before-phase", ("deadline", "set", AGS, "2026-12-01", "--as", ANNA, "--reason", "x"),
         "Die Frist 01.12.2026 liegt vor dem Beginn der aktuellen Phase (04.01.2027)."),
    Case("deadline-in-the-past", ("--now", "2027-02-01T09:00", "deadline", "set", AGS, "2027-01-20", "--as", ANNA,
                                  "--reason", "x"), "Die Frist 20.01.2027 liegt in der Vergangenheit"),
    Case("deadline-in-the-past-en", ("--lang", "en", "--now", "2027-02-01T09:00", "deadline", "set", AGS,
                                     "2027-01-31", "--as", ANNA, "--reason", "x"),
         "The deadline 2027-01-31 is in the past (today is 2027-02-01)."),
    Case("start-at-calendar-end", ("cycle", "start", "16055000", "--on", "9999-12-31"), "1900 bis 2199"),
    Case("now-year-9999", ("--now", "9999-12-31T23:00", "advance", AGS, "--as", ANNA), "1900 bis 2199"),
    Case("now-year-9999-remind", ("remind", "--now", "9999-12-31T23:00"), "1900 bis 2199"),
    Case("now-huge-offset", ("--now", "2027-01-01T00:00+99:00", "status"), "ISO 8601"),
    Case("now-number", ("--now", "99999999999", "status"), "ISO 8601"),
    Case("simulate-calendar-end", ("workflow", "simulate", "gnk-thueringen", "--start", "9999-12-01"), "1900 bis 2199"),
]

NUMBERS = [
    Case("value-1e309", ("indicator", "record", AGS, "x", "2024", "1e309", "--as", ANNA), "1e309"),
    Case("value-nan", ("indicator", "record", AGS, "x", "2024", "nan", "--as", ANNA), "nan"),
    Case("value-inf", ("indicator", "record", AGS, "x", "2024", "inf", "--as", ANNA), "inf"),
    Case("value-ambiguous", ("indicator", "target", AGS, "x", "2030", "12.5", "--as", ANNA),
         "„12.5“ ist keine Zahl in deutscher Schreibweise"),
    Case("value-ambiguous-en", ("--lang", "en", "indicator", "record", AGS, "x", "2024", "-12,5", "--as", ANNA),
         "'-12,5' is not a number in English notation"),
    Case("year-10-400", ("indicator", "record", AGS, "x", "1" + "0" * 400, "1", "--as", ANNA), "Jahr"),
    Case("outbox-id-2-63", ("outbox", "retry", str(2**63)), "9223372036854775807"),
    Case("outbox-id-10-400", ("outbox", "retry", "1" + "0" * 400), "9223372036854775807"),
    Case("outbox-id-0", ("outbox", "retry", "0"), "9223372036854775807"),
    Case("cycle-number-2-63", ("evaluate", AGS, "--cycle", str(2**63)), "--cycle"),
    Case("outbox-id-negative", ("outbox", "retry", "-1"), "Die Option -1 gibt es nicht", exit_code=2),
]

IDS_AND_TEXT = [
    Case("ags-arabic-digits", ("status", "١٦٠٥١٠٠٠"), "8 Ziffern"),
    Case("ags-fullwidth-digits", ("municipality", "add", "１６０５１００１", "X", "--state", "TH"), "8 Ziffern"),
    Case("ags-short", ("status", "1605100"), "8 Ziffern"),
    Case("name-nul", ("municipality", "add", "16051001", "X\x00Y", "--state", "TH"), "Steuerzeichen"),
    Case("name-max-plus-one", ("municipality", "add", "16051001", "X" * 201, "--state", "TH"), "201"),
    Case("name-10-mb", ("municipality", "add", "16051001", "X" * 10_000_000, "--state", "TH"), "zu lang"),
    Case("person-name-nul", ("person", "add", AGS, "--name", "A\x00B", "--email", "a@b.example",
                             "--role", "core_team"), "Steuerzeichen"),
    Case("field-nul", _rec("--set", "date=2027-01-04", "--set", "url=https://x.example/\x00"), "url"),
    Case("reason-nul", ("advance", AGS, "--as", ANNA, "--reason", "a\x00b"), "Steuerzeichen"),
    Case("goal-title-nul", ("goal", "add", AGS, "g1", "--title", "a\x00b", "--theme", "Klima", "--as", ANNA),
         "Steuerzeichen"),
    Case("from-unknown-phase", ("advance", AGS, "--as", ANNA, "--from", "aplication"), "keine Phase"),
    Case("from-other-phase", ("advance", AGS, "--as", ANNA, "--from", "setup"), "nicht in 'setup'"),
    Case("from-nul", ("advance", AGS, "--as", ANNA, "--from", "appli\x00cation"), "Steuerzeichen"),
]

FILES = [
    Case("import-directory", ("indicator", "import", AGS, "folder.csv", "--as", ANNA), "folder.csv"),
    Case("import-missing", ("indicator", "import", AGS, "missing.csv", "--as", ANNA), "missing.csv"),
    Case("import-empty", ("indicator", "import", AGS, "empty.csv", "--as", ANNA), "empty.csv ist leer"),
    Case("import-binary", ("indicator", "import", AGS, "binary.csv", "--as", ANNA), "keine Textdatei"),
    Case("import-utf16-broken", ("indicator", "import", AGS, "broken16.csv", "--as", ANNA), "keine Textdatei"),
    Case("workflow-deeply-nested", ("workflow", "show", "nested.toml"), "nested.toml"),
    Case("workflow-not-toml", ("workflow", "show", "binary.toml"), "nicht UTF-8"),
    Case("workflow-huge", ("workflow", "show", "huge.toml"), "größer als 1 MB"),
    Case("db-is-a-text-file", ("--db", "sqlite:///text.txt", "status"), "keine zyklus-Datenbank"),
    Case("db-is-a-text-file-init", ("--db", "sqlite:///text.txt", "init"), "keine zyklus-Datenbank"),
    Case("db-is-a-directory", ("--db", "sqlite:///folder.csv", "status"), "Datenbank"),
    Case("db-is-empty", ("--db", "sqlite:///empty.db", "status"), "zyklus init"),
    Case("db-does-not-exist", ("--db", "sqlite:///nowhere/zyklus.db", "status"), "zyklus init"),
    Case("db-url-garbage", ("--db", "::nope::", "status"), "Datenbank-URL"),
]

CONFIG = [
    Case("cfg-string-for-number", ("status",), "[smtp] port: erwartet wird ganze Zahl", '[smtp]\nport = "587"\n'),
    Case("cfg-bool-for-number", ("status",), "[smtp] concurrency", "[smtp]\nconcurrency = true\n"),
    Case("cfg-number-for-bool", ("status",), "[smtp] validate_certs", "[smtp]\nvalidate_certs = 1\n"),
    Case("cfg-list-for-table", ("status",), "[smtp]: muss eine Tabelle", "smtp = [1, 2]\n"),
    Case("cfg-table-for-value", ("status",), "[smtp] host", "[smtp.host]\nname = 'x'\n"),
    Case("cfg-date-for-number", ("status",), "gefunden: Datum/Uhrzeit (2027-01-01)", "[smtp]\nport = 2027-01-01\n"),
    Case("cfg-port-0", ("status",), "[smtp] port: 0 liegt nicht zwischen 1 und 65535", "[smtp]\nport = 0\n"),
    Case("cfg-port-65536", ("status",), "[smtp] port", "[smtp]\nport = 65536\n"),
    Case("cfg-client-attempts-0", ("status",), "[web] client_attempts: 0 liegt nicht zwischen 1 und 100000",
         "[web]\nclient_attempts = 0\n"),
    Case("cfg-timeout-0", ("status",), "[smtp] timeout", "[smtp]\ntimeout = 0\n"),
    Case("cfg-timeout-inf", ("status",), "[smtp] timeout: inf", "[smtp]\ntimeout = inf\n"),
    Case("cfg-concurrency-0", ("status",), "[smtp] concurrency", "[smtp]\nconcurrency = 0\n"),
    Case("cfg-batch-0", ("status",), "[mail] batch_size", "[mail]\nbatch_size = 0\n"),
    Case("cfg-send-hour-24", ("status",), "[scheduler] send_hour", "[scheduler]\nsend_hour = 24\n"),
    Case("cfg-attempts-0", ("status",), "[mail] max_attempts", "[mail]\nmax_attempts = 0\n"),
    Case("cfg-retry-huge", ("status",), "[mail] retry_base_seconds", f"[mail]\nretry_base_seconds = {10**30}\n"),
    Case("cfg-retry-max-below-base", ("status",), "[mail] retry_max_seconds",
         "[mail]\nretry_base_seconds = 600\nretry_max_seconds = 60\n"),
    Case("cfg-interval-0", ("status",), "[scheduler] interval_seconds", "[scheduler]\ninterval_seconds = 0\n"),
    Case("cfg-retention-negative", ("status",), "[mail] retention_days", "[mail]\nretention_days = -1\n"),
    Case("cfg-busy-timeout-0", ("status",), "[database] busy_timeout_seconds",
         "[database]\nbusy_timeout_seconds = 0\n"),
    Case("cfg-language", ("status",), "[general] language: 'fr'", '[general]\nlanguage = "fr"\n'),
    Case("cfg-security", ("status",), "[smtp] security", '[smtp]\nsecurity = "ssl"\n'),
    Case("cfg-timezone", ("status",), "[general] timezone", '[general]\ntimezone = "Europe/Erfurt"\n'),
    Case("cfg-sender-control", ("status",), "[smtp] sender: darf keine", '[smtp]\nsender = "a@b.example\\r\\nBcc: x"\n'),
    Case("cfg-domain-space", ("status",), "[mail] message_id_domain", '[mail]\nmessage_id_domain = "a b"\n'),
    Case("cfg-path-nul", ("status",), "[mail] maildir: darf keine", '[mail]\nmaildir = "ma\\u0000il"\n'),
    Case("cfg-workflow-dirs-string", ("status",), "[general] workflow_dirs", '[general]\nworkflow_dirs = "x"\n'),
    Case("cfg-workflow-dir-missing", ("status",), "[general] workflow_dirs: Verzeichnis",
         '[general]\nworkflow_dirs = ["gibt-es-nicht"]\n'),
    Case("cfg-template-dir-missing", ("status",), "[general] template_dir", '[general]\ntemplate_dir = "fehlt"\n'),
    Case("cfg-unknown-key", ("status",), "[mail] retention: unbekannter Schlüssel", "[mail]\nretention = 3\n"),
    Case("cfg-not-toml", ("status",), "kein gültiges TOML", "this is = not toml [[\n"),
    Case("cfg-deeply-nested", ("status",), "zu tief verschachtelt", "a = " + "[" * 5000 + "]" * 5000 + "\n"),
    Case("cfg-bad-db-url", ("status",), "[database] url", '[database]\nurl = "::nope"\n'),
]

CASES = DATES + NUMBERS + IDS_AND_TEXT + FILES + CONFIG


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("seed") / "seeded.db"
    service = make_service(sqlite_url(db), FixedClock(NOW))
    setup_municipality(service, AGS, "Erfurt", people=[Member("Anna Koch", ANNA, ("coordination",))])
    service.add_municipality("16055000", "Weimar", state="TH", kind="stadt")
    service.engine.dispose()
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return db





def _folder_content(folder: Path) -> set[str]:
    """Every file below ``folder`` except SQLite's transient -wal/-shm companions."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if not p.name.endswith(("-wal", "-shm"))}


def _prepare(folder: Path, seeded: Path, case: Case) -> list[str]:
    shutil.copy(seeded, folder / "zyklus.db")
    (folder / "folder.csv").mkdir()
    (folder / "text.txt").write_text("kein SQLite\n" * 100, encoding="utf-8")
    (folder / "empty.db").write_bytes(b"")
    (folder / "empty.csv").write_bytes(b"")
    (folder / "binary.csv").write_bytes(bytes(range(256)) * 40)
    (folder / "binary.toml").write_bytes(bytes(range(256)) * 40)
    (folder / "broken16.csv").write_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8")
    (folder / "huge.toml").write_text('name = "huge"\n' + "# x\n" * 400_000, encoding="utf-8")
    (folder / "nested.toml").write_text('name = "x"\na = ' + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    options = [] if any(a.startswith("--db") for a in case.args) else ["--db", sqlite_url(folder / "zyklus.db")]
    if case.config is not None:
        (folder / "config.toml").write_text(case.config, encoding="utf-8")
        options += ["--config", str(folder / "config.toml")]
    return options


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_an_edge_value_is_refused_in_one_line_and_changes_nothing(
        case: Case, seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    options = _prepare(tmp_path, seeded, case)
    before, files_before = dump(tmp_path / "zyklus.db"), _folder_content(tmp_path)

    code = cli(*options, *case.args)

    out, err = capsys.readouterr()
    assert code == case.exit_code, (out, err)
    assert "Traceback" not in out + err
    assert dump(tmp_path / "zyklus.db") == before
    assert _folder_content(tmp_path) == files_before  # no database, maildir or lock file appeared
    lines = err.splitlines()
    assert len(lines) == 1 and out == "", (out, err)
    assert case.expect in lines[0]
    assert len(lines[0]) < 400


def test_a_missing_config_file_named_by_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        clean_env: None, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZYKLUS_CONFIG", str(tmp_path / "weg.toml"))
    assert cli("status") == 1
    [line] = capsys.readouterr().err.splitlines()
    assert "weg.toml" in line and "nicht gefunden" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("value", "line"), [("fr", "ZYKLUS_LANG: „fr“ – erlaubt sind de und en."),
                                             ("en\x1b[2J", "ZYKLUS_LANG: „en\\x1b[2J“ – erlaubt sind de und en.")])
def test_a_language_the_environment_names_but_zyklus_lacks_is_refused(
        value: str, line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None, capsys) -> None:
    """It used to fall back to German unseen, while `--lang fr` was refused."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZYKLUS_LANG", value)
    assert cli("status") == 1
    assert capsys.readouterr().err == line + "\n"
    assert list(tmp_path.iterdir()) == []


def test_config_errors_speak_english_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                clean_env: None, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text("[smtp]\nport = 70000\n", encoding="utf-8")
    assert cli("--lang", "en", "status") == 1
    assert capsys.readouterr().err == "config.toml: [smtp] port: 70000 is not between 1 and 65535\n"


def test_the_shipped_config_file_is_valid(monkeypatch: pytest.MonkeyPatch, clean_env: None) -> None:
    from zyklus.config import load_settings

    settings = load_settings(str(Path(__file__).resolve().parents[2] / "config.toml"))
    assert settings.busy_timeout == 5


@pytest.mark.parametrize("config", ["[smtp]\nport = 0\n", "[mail]\nmaildir = 7\n", ""])
@pytest.mark.parametrize("command", [("remind",), ("status",), ("municipality", "add", "16051000", "Erfurt")])
def test_a_refused_command_in_a_fresh_folder_creates_no_file(config: str, command: tuple[str, ...], tmp_path: Path,
                                                             monkeypatch, clean_env, capsys) -> None:
    """No zyklus.db, no mail/ folder, no lock file: only `init` creates the database."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")

    assert cli(*command) == 1

    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]
    [line] = capsys.readouterr().err.splitlines()
    assert ("config.toml: [" in line) if config else ("zyklus init" in line)
