"""E-mail addresses wherever one enters the command line: what would be misdelivered (or read as
two addresses) is refused with one line, exit 1, and the database unchanged; the same address in
another letter case is the same person, for registering, `--as`, export and forget.

The commands run in-process (``zyklus.main.run``) on a copy of one seeded SQLite file per case;
the copy's SQL dump before and after shows that nothing changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from engine_support import NOW, Member, dump, make_service, setup_municipality, sqlite_url

from engine.clock import FixedClock
from engine_support import exit_code

AGS = "16051000"
ANNA = "anna.koch@erfurt.example"

BAD_ADDRESSES = {
    "comma-two-addresses": "carla@erfurt.example,ben@erfurt.example",
    "semicolon": "carla@erfurt.example;ben@erfurt.example",
    "comma-in-local-part": "carla,weiss@erfurt.example",
    "display-name": "Carla Weiß <carla@erfurt.example>",
    "angle-brackets": "<carla@erfurt.example>",
    "quoted-local-part": '"carla weiss"@erfurt.example',
    "space": "carla weiss@erfurt.example",
    "tab": "carla\t@erfurt.example",
    "line-feed-header-injection": "carla@erfurt.example\nBcc: alle@example.org",
    "carriage-return": "carla@erfurt.example\r",
    "two-at-signs": "carla@weiss@erfurt.example",
    "missing-domain": "carla@",
    "missing-local-part": "@erfurt.example",
    "dotless-domain": "carla@erfurt",
    "ip-literal": "carla@[192.0.2.10]",
    "reserved-domain": "carla@rathaus.local",
    "non-ascii-local-part": "jürgen@erfurt.example",
    "too-long": "c" * 65 + "@erfurt.example",
}


def _person_add(address: str) -> list[str]:
    return ["person", "add", AGS, "--name", "Carla Weiß", "--email", address, "--role", "core_team"]


ENTRY_POINTS = {
    "person-add": _person_add,
    "record-as": lambda a: ["record", AGS, "application", "--as", a, "--set", "date=2027-01-04"],
    "advance-as": lambda a: ["advance", AGS, "--as", a],
    "deadline-as": lambda a: ["deadline", "set", AGS, "2027-05-31", "--as", a, "--reason", "Ratssitzung"],
    "person-export": lambda a: ["person", "export", a],
    "person-forget": lambda a: ["person", "forget", a],
}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ZYKLUS_DB", "ZYKLUS_NOW", "ZYKLUS_CONFIG", "ZYKLUS_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZYKLUS_NOW", "2027-01-11T09:00")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("addresses") / "seeded.db"
    service = make_service(sqlite_url(db), FixedClock(NOW))
    setup_municipality(service, AGS, "Erfurt", people=[Member("Anna Koch", ANNA, ("coordination",)),
                                                      Member("Ben Roth", "ben.roth@erfurt.example",
                                                             ("coordination",))])
    service.engine.dispose()
    return db


@pytest.fixture
def db(seeded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "zyklus.db"
    shutil.copy(seeded, copy)
    return copy


def zyklus(db: Path, *args: str, config: Path | None = None) -> int:
    options = ["--db", sqlite_url(db)] + (["--config", str(config)] if config else [])
    return exit_code(*options, *args)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("address", BAD_ADDRESSES.values(), ids=BAD_ADDRESSES)
def test_a_bad_address_is_refused_in_one_line_and_changes_nothing(db: Path, capsys: pytest.CaptureFixture[str],
                                                                  entry: str, address: str) -> None:
    before = dump(db)

    code = zyklus(db, *ENTRY_POINTS[entry](address))

    out = capsys.readouterr()
    assert code == 1, out
    assert out.out == "" and len(out.err.splitlines()) == 1, out.err
    assert "Ungültige E-Mail-Adresse" in out.err and "Traceback" not in out.err
    assert dump(db) == before


def test_the_refusal_is_in_english_with_lang_en(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert zyklus(db, "--lang", "en", *_person_add("Carla <carla@erfurt.example>")) == 1
    assert capsys.readouterr().err.startswith("Invalid e-mail address 'Carla <carla@erfurt.example>'")


def test_the_same_address_in_another_case_is_the_same_person(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = dump(db)
    assert zyklus(db, *_person_add("Anna.Koch@Erfurt.EXAMPLE")) == 1
    assert "bereits registriert" in capsys.readouterr().err
    assert dump(db) == before

    assert zyklus(db, "record", AGS, "application", "--as", "ANNA.KOCH@erfurt.example", "--set", "date=2027-01-04") == 0
    capsys.readouterr()
    assert zyklus(db, "person", "export", "Anna.Koch@ERFURT.example") == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["email"] == ANNA and [f["type"] for f in exported["facts_recorded"]] == ["application"]


def test_a_new_address_is_stored_in_lower_case_and_forgotten_in_any_case(db: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert zyklus(db, *_person_add("Carla.Weiss@Erfurt.Example")) == 0
    capsys.readouterr()
    assert zyklus(db, "person", "list", AGS, "--json") == 0
    assert "carla.weiss@erfurt.example" in {p["email"] for p in json.loads(capsys.readouterr().out)}

    assert zyklus(db, "person", "forget", "CARLA.WEISS@erfurt.example") == 0
    capsys.readouterr()
    assert zyklus(db, "person", "list", AGS, "--json") == 0
    assert {p["email"] for p in json.loads(capsys.readouterr().out)} == {ANNA, "ben.roth@erfurt.example"}


SENDERS = {
    "two-senders": "zyklus@erfurt.example, noreply@erfurt.example",
    "semicolon": "zyklus@erfurt.example;noreply@erfurt.example",
    "no-domain": "zyklus@",
    "display-name-and-two-addresses": "Zyklus <zyklus@localhost>, noreply@erfurt.example",
    "dotless-domain": "zyklus@relay",
    "line-break": "zyklus@erfurt.example\\nBcc: alle@example.org",
}


@pytest.mark.parametrize("sender", SENDERS.values(), ids=SENDERS)
def test_a_bad_smtp_sender_is_refused_before_any_command(db: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str], sender: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[smtp]\nhost = "mail.erfurt.example"\nsender = "{sender}"\n', encoding="utf-8")
    before = dump(db)

    code = zyklus(db, *_person_add("carla@erfurt.example"), config=config)

    err = capsys.readouterr().err
    assert code == 1 and len(err.splitlines()) == 1 and "[smtp] sender" in err, err
    assert dump(db) == before


@pytest.mark.parametrize("sender", ["Nachhaltigkeit Erfurt <noreply@erfurt.example>", "zyklus@localhost",
                                    "Zyklus <zyklus@rathaus.local>"])
def test_a_sender_with_a_display_name_or_a_local_domain_is_accepted(db: Path, tmp_path: Path, sender: str,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[smtp]\nhost = "127.0.0.1"\nsender = "{sender}"\n', encoding="utf-8")
    assert zyklus(db, "person", "list", AGS, config=config) == 0, capsys.readouterr().err
