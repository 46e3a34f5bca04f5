"""The help of `zyklus` and of every group lists every command with its whole line.

`zyklus --help` lists the commands from the entry point's table (zyklus.cli.main.COMMANDS)
without importing their modules (issue 16, goal 2); these tests hold that table to the commands
the modules really register, so a command added, renamed or reworded cannot drift from it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_support import cli_env, zyklus

from zyklus.cli.groups import PlainGroup, command_of, commands_of, summary
from zyklus.cli.main import COMMANDS

MODULES = sorted({module for module, _ in COMMANDS.values()})


def _groups(prefix: tuple[str, ...], command: object) -> list[tuple[tuple[str, ...], PlainGroup]]:
    """Every group below ``command`` (itself included) with the words that reach it."""
    if not isinstance(command, PlainGroup):
        return []
    found = [(prefix, command)]
    for name, sub in command.commands.items():
        found += _groups((*prefix, name), sub)
    return found


GROUPS = [found for name, (module, _) in COMMANDS.items() for found in _groups((name,), command_of(module, name))]


def flat(text: str) -> str:
    """Help text without its white space: where its lines break (also after a hyphen, as in
    „XLSX-Datei“) is the terminal's business, which words it shows is not."""
    return "".join(text.split())


@pytest.mark.parametrize("module", MODULES)
def test_the_table_names_exactly_the_commands_each_module_registers(module: str) -> None:
    assert set(commands_of(module)) == {name for name, (owner, _) in COMMANDS.items() if owner == module}


@pytest.mark.parametrize("name", COMMANDS)
def test_the_table_gives_each_command_the_line_of_its_own_help(name: str) -> None:
    module, line = COMMANDS[name]
    assert line == summary(command_of(module, name))


def test_the_help_lists_every_command_with_its_whole_line(tmp_path: Path) -> None:
    result = zyklus("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = [line.split()[0] for line in result.stdout.split("Befehle:\n", 1)[1].splitlines() if line[2:3] != " "]
    assert listed == list(COMMANDS)
    for _, line in COMMANDS.values():
        assert flat(line) in flat(result.stdout)  # click would cut „Programmdurchgänge (z.“ at the full stop
    assert "--db" in result.stdout and flat("Datenbank-URL (überschreibt config.toml und ZYKLUS_DB).") in flat(result.stdout)


@pytest.mark.parametrize("words", [words for words, _ in GROUPS], ids=" ".join)
def test_each_group_lists_its_commands_with_their_whole_lines(tmp_path: Path, words: tuple[str, ...]) -> None:
    group = dict(GROUPS)[words]
    result = zyklus(*words, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert flat(group.help or "") in flat(result.stdout)
    for name, command in group.commands.items():
        assert f"  {name} " in result.stdout
        assert flat(summary(command)) in flat(result.stdout)


def test_the_help_speaks_english_when_asked(tmp_path: Path) -> None:
    from zyklus.cli.help import say

    result = zyklus("--lang", "en", "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: zyklus [OPTIONS] COMMAND [ARGS]...\n")
    assert "\nOptions:\n" in result.stdout and "\nCommands:\n" in result.stdout
    assert "Show this message and exit." in result.stdout and flat("[env var: ZYKLUS_NOW]") in flat(result.stdout)
    for _, line in COMMANDS.values():
        assert flat(say(line, "en")) in flat(result.stdout) and say(line, "en") != line
    assert "Datenbank" not in result.stdout


@pytest.mark.parametrize("words", [("goal", "add"), ("indicator", "value", "import"), ("meeting", "add")])
def test_a_commands_help_is_all_english_when_asked(tmp_path: Path, words: tuple[str, ...]) -> None:
    """In English every line is English: the command's text, each parameter's, click's brackets."""
    from zyklus.cli.help import say, text_of

    result = zyklus(*words, "--help", cwd=tmp_path, env=cli_env(ZYKLUS_LANG="en"))
    assert result.returncode == 0, result.stderr
    shown = flat(result.stdout)
    assert result.stdout.startswith(f"Usage: zyklus {' '.join(words)} [OPTIONS]")
    leaf = command_of(COMMANDS[words[0]][0], words[0])
    for word in words[1:]:
        leaf = leaf.commands[word]
    assert flat(say(text_of(leaf), "en")) in shown and say(text_of(leaf), "en") != text_of(leaf)
    for param in leaf.params:
        if param.help:
            assert flat(say(param.help, "en")) in shown, param.name
    assert "[required]" in result.stdout and "erforderlich" not in result.stdout and "Aufruf" not in result.stdout


def test_click_s_brackets_are_german_by_default(tmp_path: Path) -> None:
    result = zyklus("goal", "add", "--help", cwd=tmp_path)
    assert result.stdout.startswith("Aufruf: zyklus goal add [OPTIONEN] {ags} {key}\n")
    assert "[erforderlich]" in result.stdout and "[Standard: strategic]" in result.stdout
    assert "Diese Hilfe zeigen und beenden." in result.stdout and "[required]" not in result.stdout
