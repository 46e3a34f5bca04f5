"""The message catalogues: every key in German and English with the same placeholders, compiled,
and every key the code asks for present."""

from __future__ import annotations

import datetime as dt
import io
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from engine.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, _discover, format_date, people, t, tn
from engine.roles import ROLES

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"t": (1,), "tn": (1,), "m": (1,), "translation": (1,), "_": (1,), "ngettext": (1, 2)}
"""How code asks for text: ``t("key", lang, …)``, ``tn("key", n, lang, …)``, for errors ``m("key", lang, …)``
and, unformatted, ``translation("key", lang)``; the mail templates ask with ``_("key", …)`` and
``ngettext("key", "key", n, …)``. babel.cfg says the same to ``pybabel extract``."""


def po(lang: str):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        return read_po(handle, locale=lang)


CATALOGUES = {lang: po(lang) for lang in LANGUAGES}
KEYS = sorted({m.id if isinstance(m.id, str) else m.id[0] for m in CATALOGUES["de"] if m.id})


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def texts(lang: str, key: str) -> tuple[str, ...]:
    message = CATALOGUES[lang].get(key)
    assert message is not None, f"{lang}: {key} missing"
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_german_and_english_are_there() -> None:
    assert LANGUAGES[:2] == ("de", "en")
    assert len(KEYS) > 300


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_translates_exactly_the_german_keys(lang: str) -> None:
    keys = sorted({m.id if isinstance(m.id, str) else m.id[0] for m in CATALOGUES[lang] if m.id})
    assert keys == KEYS
    untranslated = [m.id for m in CATALOGUES[lang] if m.id and (m.fuzzy or not all(texts(lang, m.id
                    if isinstance(m.id, str) else m.id[0])))]
    assert untranslated == []


def test_every_key_has_the_same_placeholders_in_every_language() -> None:
    wrong = [f"{lang}: {key}" for key in KEYS for lang in LANGUAGES
             if len({frozenset(placeholders(s) - {"n"}) for s in texts(lang, key) + texts("de", key)}) > 1]
    assert wrong == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalogue_is_the_po_file(lang: str) -> None:
    """A .po edited without `pybabel compile -d engine/locale -D zyklus` would not be read."""
    compiled = io.BytesIO()
    write_mo(compiled, CATALOGUES[lang])
    same = compiled.getvalue() == (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").read_bytes()
    assert same, f"{lang}: the .mo is not the .po: run `pybabel compile -d engine/locale -D zyklus`"  # no byte diff: it took minutes


def test_every_message_formats_in_every_language() -> None:
    for key in KEYS:
        values = {name: "x" for text in texts("de", key) for name in placeholders(text)}
        plural = isinstance(CATALOGUES["de"].get(key).id, tuple)
        if plural:
            values.pop("n", None)
        for lang in LANGUAGES:
            assert (tn(key, 2, lang, **values) if plural else t(key, lang, **values)), (lang, key)


def test_every_key_the_code_uses_exists() -> None:
    """What `pybabel extract -F babel.cfg` finds; keys the code computes (``role.{r}``) have tests of
    their own families (e.g. every role has a label)."""
    methods = [("**/templates/**.j2", "jinja2"), ("**.py", "python")]
    used = [(message if isinstance(message, str) else message[0], filename)
            for folder in ("engine", "notifications", "zyklus")
            for filename, _, message, _, _ in extract_from_dir(ROOT / folder, method_map=methods, keywords=KEYWORDS)
            if not filename.startswith("web/")]  # the web app's own catalogue: tests/unit/test_web_i18n.py
    assert len(used) > 200  # the extraction found the calls
    assert any(name.endswith("report.html.j2") for _, name in used)  # templates included
    assert any(name.endswith("reminder.txt.j2") for _, name in used)  # the mail templates too
    assert sorted({f"{where}: {key}" for key, where in used if key not in KEYS}) == []


def test_a_key_no_catalogue_has_is_a_bug_not_a_text() -> None:
    with pytest.raises(KeyError):
        t("no.such.key", "en")


def test_plural_forms_follow_the_language_rule() -> None:
    assert [people(n, "de") for n in (1, 2)] == ["1 Person", "2 Personen"]
    assert [people(n, "en") for n in (1, 0)] == ["1 person", "0 people"]
    assert tn("duration.month", 1, "en") == "1 month"


def test_a_third_language_is_one_more_catalogue(tmp_path: Path) -> None:
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "fr" / "LC_MESSAGES" / f"{DOMAIN}.mo").write_bytes(b"")
    for lang in LANGUAGES:
        (tmp_path / lang / "LC_MESSAGES").mkdir(parents=True)
        (tmp_path / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").write_bytes(b"")
    assert _discover(tmp_path) == ("de", "en", "fr")


def test_every_role_has_a_label() -> None:
    for role in ROLES:
        assert f"role.{role}" in KEYS


def test_dates_in_german_and_english() -> None:
    assert format_date(dt.date(2027, 3, 9), "de") == "09.03.2027"
    assert format_date(dt.date(2027, 3, 9), "en") == "2027-03-09"
    assert format_date(None) == "–"
