"""The web app's catalogue (zyklus/web/locale, domain ``web``): every key the pages use exists in
German and English with the same placeholders, and the compiled .mo is the .po."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from zyklus.web.i18n import DOMAIN, LOCALE_DIR, gettext_for

WEB = Path(__file__).resolve().parents[2] / "zyklus" / "web"
LANGS = ("de", "en")
CATALOGUES = {lang: read_po((LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb"), locale=lang)
              for lang in LANGS}
_KEY_ARGUMENT = re.compile(r'_key="(web\.[a-z0-9_.]+)"')


def used_keys() -> set[str]:
    """``_("web.…")`` and ``ngettext("web.…", …)`` in the templates, and the ``*_key="web.…"``
    arguments pages pass to them."""
    found = {message[0] if isinstance(message, tuple) else message for _, _, message, _, _ in extract_from_dir(
        WEB, method_map=[("templates/**.j2", "jinja2")], keywords={"_": None, "ngettext": (1, 2)})}
    for module in WEB.rglob("*.py"):
        found |= set(_KEY_ARGUMENT.findall(module.read_text(encoding="utf-8")))
    return {key for key in found if isinstance(key, str) and not key.endswith(".")}


def test_every_key_the_pages_use_is_translated() -> None:
    keys = used_keys()
    assert len(keys) > 100
    missing = sorted(f"{lang}: {key}" for key in keys for lang in LANGS
                     if CATALOGUES[lang].get(key) is None or not CATALOGUES[lang].get(key).string)
    assert missing == []


def _texts(message) -> str:  # noqa: ANN001 - a plural entry has one text per form
    return " ".join(message.string) if isinstance(message.string, tuple) else message.string


def test_placeholders_are_the_same_in_both_languages() -> None:
    names = re.compile(r"%\((\w+)\)s")
    wrong = [message.id for message in CATALOGUES["de"] if message.id and
             set(names.findall(_texts(message))) != set(names.findall(_texts(CATALOGUES["en"].get(message.id))))]
    assert wrong == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalogue_is_the_po_file(lang: str) -> None:
    """A .po edited without `pybabel compile -d zyklus/web/locale -D web` would not be read."""
    compiled = io.BytesIO()
    write_mo(compiled, CATALOGUES[lang])
    same = compiled.getvalue() == (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").read_bytes()
    assert same, f"{lang}: the .mo is not the .po: run `pybabel compile -d zyklus/web/locale -D web`"  # no byte diff: it took minutes


def test_an_unknown_key_is_a_bug_not_a_text() -> None:
    with pytest.raises(KeyError):
        gettext_for("en")[0]("web.no.such.key")
