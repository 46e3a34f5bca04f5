"""The command line's help catalogue (zyklus/cli/locale, domain ``cli``, msgids the German texts
of the code): every text the help can show has its English translation, the catalogue holds no
text the code no longer has (a German text that changed leaves its old entry behind, which is
how a stale translation shows), and the compiled .mo is the .po."""

from __future__ import annotations

import io

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from zyklus.cli.groups import command_of
from zyklus.cli.help import LOCALE, texts
from zyklus.cli.main import COMMANDS, command

LANGS = [folder.name for folder in sorted(LOCALE.iterdir()) if (folder / "LC_MESSAGES" / "cli.po").exists()]
SHOWN = {text: where for text, where in texts(command(), COMMANDS, command_of)}


def catalogue(lang: str):  # noqa: ANN201 - babel's Catalog
    return read_po((LOCALE / lang / "LC_MESSAGES" / "cli.po").open("rb"), locale=lang)


def test_english_is_there() -> None:
    assert "en" in LANGS
    assert len(SHOWN) > 250


@pytest.mark.parametrize("lang", LANGS)
def test_every_help_text_is_translated(lang: str) -> None:
    entries = catalogue(lang)
    missing = sorted(f"{where}: {text!r}" for text, where in SHOWN.items()
                     if entries.get(text) is None or not entries.get(text).string)
    assert missing == []


@pytest.mark.parametrize("lang", LANGS)
def test_no_entry_translates_a_text_the_code_no_longer_has(lang: str) -> None:
    stale = sorted(message.id for message in catalogue(lang) if message.id and message.id not in SHOWN)
    assert stale == [], "the German text changed or went: translate the new one, remove the old entry"


@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalogue_is_the_po_file(lang: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(lang))
    same = compiled.getvalue() == (LOCALE / lang / "LC_MESSAGES" / "cli.mo").read_bytes()
    assert same, f"{lang}: the .mo is not the .po: run `pybabel compile -d zyklus/cli/locale -D cli`"
