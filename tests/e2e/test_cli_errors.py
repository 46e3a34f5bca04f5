"""Exit codes as a user meets them: bad input changes nothing and says so in one line (exit 1),
a refused transition lists every unmet guard (exit 3), wrong usage exits 2.

One database is initialised with `zyklus init` and filled in-process; every case then runs the
real CLI in its own process on its own copy of that file, a few at a time, and compares an SQL
dump of the copy before and after.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.clock import FixedClock
from engine_support import NOW, Member, cli_env, dump, make_service, record, setup_municipality, sqlite_url, zyklus

AGS = "16051000"  # Erfurt: cycle 1 in the application phase, nothing recorded
NO_CYCLE = "16055000"  # Weimar: registered, no cycle
ANNA = "anna.koch@erfurt.example"
SIGRID = "sigrid.steuerung@erfurt.example"
WEIMAR = "koordination@weimar.example"


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    expect: str
    """Text the single stderr line must contain."""
    config: str | None = None
    """Contents of a config file passed with --config."""


BAD_INPUT = [
    Case("unknown-ags-record", ("record", "16999999", "application", "--as", ANNA, "--set", "date=2027-01-04"),
         "16999999"),
    Case("ags-7-digits", ("municipality", "add", "1605100", "Erfurt-Nord", "--state", "TH", "--kind", "stadt"),
         "8 Ziffern"),
    Case("ags-9-digits", ("municipality", "add", "160510001", "Erfurt-Nord", "--state", "TH", "--kind", "stadt"),
         "8 Ziffern"),
    Case("ags-letters", ("municipality", "add", "1605100A", "Erfurt-Nord", "--state", "TH", "--kind", "stadt"),
         "8 Ziffern"),
    Case("duplicate-ags", ("municipality", "add", AGS, "Erfurt", "--state", "TH", "--kind", "stadt"),
         "bereits registriert"),
    Case("date-on-record", ("record", AGS, "application", "--as", ANNA, "--set", "date=2027-01-04",
                            "--on", "2027-02-30"), "2027-02-30"),
    Case("date-on-start", ("cycle", "start", NO_CYCLE, "--on", "2027-02-30"), "2027-02-30"),
    Case("date-field", ("record", AGS, "application", "--as", ANNA, "--set", "date=2027-02-30"), "2027-02-30"),
    Case("email-without-at", ("person", "add", AGS, "--name", "Carla Weiß", "--email", "carla.erfurt.example",
                              "--role", "core_team"), "E-Mail-Adresse"),
    Case("email-with-newline", ("person", "add", AGS, "--name", "Carla Weiß", "--email",
                                "carla@erfurt.example\nBcc: alle@example.org", "--role", "core_team"),
         "E-Mail-Adresse"),
    Case("name-with-newline", ("person", "add", AGS, "--name", "Carla\nWeiß", "--email", "carla@erfurt.example",
                               "--role", "core_team"), "Zeilenumbrüche"),
    Case("unknown-workflow", ("cycle", "start", NO_CYCLE, "--workflow", "gnk-bayern"), "gnk-bayern"),
    Case("unknown-fact", ("record", AGS, "council_decision", "--as", ANNA, "--set", "date=2027-03-01"),
         "council_decision"),
    Case("unknown-field", ("record", AGS, "application", "--as", ANNA, "--set", "date=2027-01-04",
                           "--set", "colour=red"), "colour"),
    Case("missing-field", ("record", AGS, "letter_of_intent", "--as", ANNA, "--set", "date=2027-01-10"),
         "signed_by"),
    Case("advance-without-cycle", ("advance", NO_CYCLE, "--as", WEIMAR), "kein Zyklus"),
    Case("advance-steering-group-only", ("advance", AGS, "--as", SIGRID), "Koordination"),
    Case("advance-unregistered", ("advance", AGS, "--as", "fremd@erfurt.example"), "nicht als Person registriert"),
    Case("malformed-config", ("status", AGS), "line 2, column", config='[database]\nurl = \n'),
    Case("password-in-config", ("status", AGS), "ZYKLUS_SMTP_PASSWORD",
         config='[smtp]\nhost = "mail.erfurt.example"\npassword = "geheim"\n'),
    Case("unknown-config-key", ("status", AGS), "[smtp] hostname", config='[smtp]\nhostname = "mail.example"\n'),
    Case("unknown-config-section", ("status", AGS), "[mailserver]", config='[mailserver]\nhost = "x"\n'),
    Case("unknown-state", ("municipality", "add", "16051001", "Erfurt-Nord", "--state", "XY", "--kind", "stadt"),
         "Bundesland"),
    Case("ags-of-another-land", ("municipality", "add", "05315000", "Köln", "--state", "TH", "--kind", "stadt"),
         "gehört nicht zu TH"),
    Case("german-date-where-iso-expected", ("record", AGS, "application", "--as", ANNA, "--set", "date=2027-01-04",
                                            "--on", "31.12.2027"), "JJJJ-MM-TT"),
    Case("name-with-carriage-return", ("person", "add", AGS, "--name", "Carla\rBcc: x@example.org", "--email",
                                       "carla@erfurt.example", "--role", "core_team"), "Zeilenumbrüche"),
    Case("huge-field-value", ("record", AGS, "application", "--as", ANNA, "--set", "date=2027-01-04",
                              "--set", "url=https://erfurt.example/" + "x" * 100_000), "url"),
    Case("huge-reason", ("advance", AGS, "--as", ANNA, "--reason", "x" * 100_000), "zu lang"),
]

USAGE = [
    Case("missing-as", ("advance", AGS), ""),
    Case("unknown-command", ("frobnicate",), ""),
]

READ_ONLY = [
    Case("municipality-list", ("municipality", "list", "--json"), ""),
    Case("person-list", ("person", "list", AGS, "--json"), ""),
    Case("status-all", ("status", "--json"), ""),
    Case("refused", ("advance", AGS, "--as", ANNA), ""),
]


@dataclass
class Run:
    result: subprocess.CompletedProcess[str]
    before: list[str]
    after: list[str]

    @property
    def stderr_lines(self) -> list[str]:
        return self.result.stderr.splitlines()


def seed(db: Path, workdir: Path) -> None:
    assert zyklus("--db", sqlite_url(db), "init", cwd=workdir).returncode == 0
    service = make_service(sqlite_url(db), FixedClock(NOW))
    people = [Member("Anna Koch", ANNA, ("coordination",)), Member("Ben Roth", "ben.roth@erfurt.example",
                                                                   ("coordination",)),
              Member("Sigrid Steuerung", SIGRID, ("steering_group",))]
    setup_municipality(service, AGS, "Erfurt", people=people)
    setup_municipality(service, NO_CYCLE, "Weimar", people=[Member("Koordination Weimar", WEIMAR,
                                                                   ("coordination",))], start=False)
    service.engine.dispose()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    root = tmp_path_factory.mktemp("cli-errors")
    seeded = root / "seeded.db"
    seed(seeded, root)
    before = dump(seeded)

    def run(case: Case) -> tuple[str, Run]:
        folder = root / case.id
        folder.mkdir()
        db = folder / "zyklus.db"
        shutil.copy(seeded, db)
        options = ["--db", sqlite_url(db)]
        if case.config is not None:
            (folder / "config.toml").write_text(case.config, encoding="utf-8")
            options += ["--config", str(folder / "config.toml")]
        result = zyklus(*options, *case.args, cwd=folder)
        return case.id, Run(result, before, dump(db))

    return dict(map(run, BAD_INPUT + USAGE + READ_ONLY))  # in-process: one after the other


@pytest.mark.parametrize("case", BAD_INPUT, ids=[c.id for c in BAD_INPUT])
def test_bad_input_exits_1_with_one_line_and_changes_nothing(runs: dict[str, Run], case: Case) -> None:
    run = runs[case.id]
    assert run.result.returncode == 1, (run.result.stdout, run.result.stderr)
    assert len(run.stderr_lines) == 1, run.result.stderr
    assert case.expect in run.stderr_lines[0]
    assert "Traceback" not in run.result.stderr + run.result.stdout
    assert run.result.stdout == ""
    assert run.after == run.before


@pytest.mark.parametrize("case", USAGE, ids=[c.id for c in USAGE])
def test_usage_errors_exit_2(runs: dict[str, Run], case: Case) -> None:
    run = runs[case.id]
    assert run.result.returncode == 2, run.result.stderr
    assert "Traceback" not in run.result.stderr
    assert "zyklus" in run.result.stderr  # click's usage hint
    assert run.after == run.before


def test_refused_advance_exits_3_and_lists_each_unmet_guard(runs: dict[str, Run]) -> None:
    run = runs["refused"]
    assert run.result.returncode == 3
    assert run.stderr_lines == [
        "Übergang von Bewerbung und Teilnahmebeschluss abgelehnt; es fehlt:",
        "  ✗ Nachweis „Bewerbung“ muss in diesem Zyklus erfasst sein.",
        "  ✗ Nachweis „Letter of Intent der Verwaltungsspitze“ muss in diesem Zyklus erfasst sein.",
        "  ✗ Nachweis „Ratsbeschluss zur Teilnahme“ mit Ergebnis „beschlossen“ oder „geändert beschlossen“ muss in "
        "diesem Zyklus erfasst sein.",
    ]
    assert run.result.stdout == ""
    assert run.after == run.before


def test_read_only_commands_change_nothing(runs: dict[str, Run]) -> None:
    import json

    for name in ("municipality-list", "person-list", "status-all"):
        assert runs[name].result.returncode == 0, runs[name].result.stderr
        assert runs[name].after == runs[name].before
    assert [m["ags"] for m in json.loads(runs["municipality-list"].result.stdout)] == [AGS, NO_CYCLE]
    people = {p["email"]: p for p in json.loads(runs["person-list"].result.stdout)}
    assert people[ANNA]["counts_in"] == ["coordination", "core_team", "steering_group"]
    assert people[SIGRID]["counts_in"] == ["steering_group"]
    overview = {s["ags"]: s for s in json.loads(runs["status-all"].result.stdout)}
    assert (overview[AGS]["cycle"], overview[AGS]["phase"]) == (1, "application")
    assert overview[NO_CYCLE]["cycle"] is None


def test_a_fact_recorded_in_process_is_seen_by_the_cli(tmp_path: Path) -> None:
    """The CLI and the service share the database: what one writes, the other reads."""
    db = tmp_path / "zyklus.db"
    seed(db, tmp_path)
    service = make_service(sqlite_url(db), FixedClock(NOW))
    record(service, "application", actor=ANNA)
    service.engine.dispose()
    result = zyklus("--db", sqlite_url(db), "advance", AGS, "--as", ANNA, cwd=tmp_path)
    assert result.returncode == 3
    assert "„Bewerbung“" not in result.stderr and "„Letter of Intent der Verwaltungsspitze“" in result.stderr


def test_a_database_that_was_never_initialised(tmp_path: Path) -> None:
    result = zyklus("--db", sqlite_url(tmp_path / "fresh.db"), "status", cwd=tmp_path, env=cli_env())
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "zyklus init" in result.stderr
