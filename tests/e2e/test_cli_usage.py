"""A mistake in the call itself — a missing argument, an unknown option or command, a word where a
number belongs — is one line in the reader's language with where the help is, exit 2, and
nothing written: click's own four English lines (usage, hint, blank, error) are gone.

Each case names the whole line in German and in English, so a change of wording in click (the
two messages zyklus reads from click's text) fails here instead of slipping through in English.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine_support import exit_code as cli

CASES = [
    (("goal", "add", "16053000"),
     "Es fehlt das Argument key. Hilfe: zyklus goal add --help",
     "The argument key is missing. Help: zyklus goal add --help"),
    (("goal", "add", "16053000", "klima-1", "--as", "a@jena.example"),
     "Es fehlt die Option --title. Hilfe: zyklus goal add --help",
     "The option --title is missing. Help: zyklus goal add --help"),
    (("goal", "add", "16053000", "klima-1", "--bogus"),
     "Die Option --bogus gibt es nicht. Hilfe: zyklus goal add --help",
     "There is no option --bogus. Help: zyklus goal add --help"),
    (("goal", "add", "16053000", "klima-1", "--titel", "x"),
     "Die Option --titel gibt es nicht; gemeint ist vielleicht --title. Hilfe: zyklus goal add --help",
     "There is no option --titel; perhaps you meant --title. Help: zyklus goal add --help"),
    (("goal", "add", "16053000", "klima-1", "--title"),
     "Die Option --title braucht einen Wert. Hilfe: zyklus goal add --help",
     "The option --title needs a value. Help: zyklus goal add --help"),
    (("goal", "list", "16053000", "--json=ja"),
     "Die Option --json nimmt keinen Wert. Hilfe: zyklus goal list --help",
     "The option --json takes no value. Help: zyklus goal list --help"),
    (("status", "16053000", "16055000", "16051000"),
     "Zu viele Argumente: 16055000 16051000. Hilfe: zyklus status --help",
     "Unexpected arguments: 16055000 16051000. Help: zyklus status --help"),
    (("goll",),
     "Den Befehl goll gibt es nicht; gemeint ist vielleicht goal. Hilfe: zyklus --help",
     "There is no command goll; perhaps you meant goal. Help: zyklus --help"),
    (("goal", "verschieben"),
     "Den Befehl verschieben gibt es nicht. Hilfe: zyklus goal --help",
     "There is no command verschieben. Help: zyklus goal --help"),
    (("oparl", "accept", "16053000", "drei"),
     "candidate muss eine ganze Zahl sein. Hilfe: zyklus oparl accept --help",
     "candidate must be a whole number. Help: zyklus oparl accept --help"),
    (("meeting", "add", "16053000", "--duration", "zwei"),
     "--duration muss eine ganze Zahl sein. Hilfe: zyklus meeting add --help",
     "--duration must be a whole number. Help: zyklus meeting add --help"),
    (("--bogus", "status"),
     "Die Option --bogus gibt es nicht. Hilfe: zyklus --help",
     "There is no option --bogus. Help: zyklus --help"),
]


@pytest.mark.parametrize(("args", "german", "english"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_a_mistake_in_the_call_is_one_line_in_each_language(args: tuple[str, ...], german: str, english: str,
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            clean_env: None, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    for lang, line in (("de", german), ("en", english)):
        assert cli("--lang", lang, *args) == 2
        out, err = capsys.readouterr()
        assert (out, err) == ("", line + "\n")
    assert list(tmp_path.iterdir()) == []  # no database, no lock file


def test_the_language_of_the_environment_counts_before_the_options_are_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZYKLUS_LANG", "en")
    assert cli("--lang", "fr", "status") == 2
    assert capsys.readouterr().err == "Invalid value for --lang: de and en are allowed. Help: zyklus --help\n"
    monkeypatch.delenv("ZYKLUS_LANG")
    assert cli("--lang", "fr", "status") == 2
    assert capsys.readouterr().err == "Ungültiger Wert für --lang: erlaubt sind de und en. Hilfe: zyklus --help\n"


def test_typed_control_characters_are_shown_not_obeyed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       clean_env: None, capsys) -> None:
    """An escape sequence in a stray argument would otherwise clear the administrator's terminal."""
    monkeypatch.chdir(tmp_path)
    assert cli("status", "16053000", "\x1b[2J\nrm") == 2
    assert capsys.readouterr().err == "Zu viele Argumente: \\x1b[2J\\x0arm. Hilfe: zyklus status --help\n"


def test_a_bare_group_still_shows_its_help(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None,
                                           capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("goal") == 2
    out, err = capsys.readouterr()
    assert "Aufruf: zyklus goal" in out + err and "add" in out + err


@pytest.mark.parametrize("root", [("--db", "sqlite:///x.db", "--lang", "en"), ("--lang=en",),
                                  ("--now", "2027-03-01T09:00", "--lang=en", "--debug")])
def test_lang_among_the_root_options_counts_for_a_mistake_click_finds_first(
        root: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None, capsys) -> None:
    """An unknown root option or command is found before --lang is read; the entry point looks for
    it among the root's options itself (skipping their values)."""
    monkeypatch.chdir(tmp_path)
    assert cli(*root, "goll") == 2
    assert capsys.readouterr().err == "There is no command goll; perhaps you meant goal. Help: zyklus --help\n"
    assert cli(*root, "--bogus") == 2
    assert capsys.readouterr().err == "There is no option --bogus. Help: zyklus --help\n"
    assert cli("status", "--lang", "en", "x") == 2  # a subcommand's words are its own: no --lang there
    assert capsys.readouterr().err == "Die Option --lang gibt es nicht. Hilfe: zyklus status --help\n"
