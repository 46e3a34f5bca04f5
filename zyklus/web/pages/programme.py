"""*Handlungsprogramm*: the goals, the indicators with their values, targets, baseline and chart,
the measures with their status, and the forms that change them; *Bewertung und Bericht*: the
evaluation of a cycle and the sustainability report, in the browser and as a download.

What a person typed is read here, at the edge, into the door's types (engine/typed_input.py):
numbers in the page language's notation, the same rule as the CLI and the CSV import, so German
„4.000“ is four thousand here as everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, get_args
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from engine import typed_input as typed
from engine.errors import InvalidInput, NotFound, ZyklusError
from engine.i18n import Language, m, year_span
from engine.numbers import format_number, format_share
from engine.report.chart import trend_chart
from engine.report.render import GLYPHS
from zyklus.app.access import Action
from zyklus.app.dto import GoalLevel, IndicatorDTO
from zyklus.app.programme import ProgrammeArea, goal_tree
from zyklus.web.context import FIELD_LIMIT, FieldTooLong, checked_form, door, field, language, line_feeds, peek, render, said
from zyklus.web.i18n import gettext_for
from zyklus.web.pages.access import municipality_for
from zyklus.web.pages.forms import FieldRefused, cycle_number, form_date, read_at, web_day

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]

MEASURE_STATUSES = ("planned", "in_progress", "delayed", "done", "dropped")
"""In the order a measure usually goes through them (the engine accepts exactly these)."""
DIRECTIONS = ("increase", "decrease", "band")
"""An indicator's desired direction, as the engine stores it."""

def chart(indicator: IndicatorDTO, lang: Language) -> Markup:
    """The report's trend chart (one drawing for both), titled in the web's words with the unit;
    the values table beside it is its full text equivalent."""
    title = gettext_for(lang)[0]("web.programme.chart_title") % {"name": indicator.name, "unit": indicator.unit}
    baseline = (indicator.baseline.year, indicator.baseline.value) if indicator.baseline else None
    return trend_chart([(v.year, v.value) for v in indicator.values], title=title,
                       number=lambda value: format_number(value, indicator.decimals, lang),
                       targets=[(t.year, t.value) for t in indicator.targets], baseline=baseline,
                       band=indicator.band)


def _programme_page(request: Request, ags: str, *, status_code: int = 200,
                    form_error: dict[str, Any] | None = None) -> Response:
    principal, municipality = municipality_for(request, ags)
    lang = language(request)
    programme = door(request).programme
    try:
        indicators = programme.indicators(municipality.ags, lang=lang)
        goals, measures = programme.goals(municipality.ags, lang=lang), programme.measures(municipality.ags, lang=lang)
    except NotFound:
        indicators, goals, measures = None, [], []
    adopted = {i.catalogue_id for i in indicators or []}
    if form_error and form_error["item"]:
        known = {x.id for x in [*(indicators or []), *goals, *measures]}
        form_error["gone"] = form_error["item"] not in known  # its form is not on the page: say it on top
    return render(request, "programme.html.j2", status_code=status_code, municipality=municipality,
                  indicators=indicators, goals=goals, measures=measures, tree=goal_tree(goals, measures),
                  levels=GOAL_LEVELS, parent_levels=PARENT_LEVELS,
                  charts={i.id: chart(i, lang) for i in indicators or []},
                  indicator_names={i.id: i.name for i in indicators or []},
                  catalogue=[e for e in programme.catalogue(lang=lang) if e.id not in adopted],
                  statuses=MEASURE_STATUSES, directions=DIRECTIONS, form_error=form_error,
                  inherited=inherited_from_query(request),
                  can_record=principal.may(Action.RECORD, municipality.ags, municipality.state))


GOAL_LEVELS = get_args(GoalLevel)
PARENT_LEVELS = dict(zip(GOAL_LEVELS[1:], GOAL_LEVELS, strict=False))
"""The level a goal's parent has (the levels run top down); a Leitlinie has none."""


@router.get("/kommunen/{ags}/handlungsprogramm")
def programme_page(request: Request, ags: str) -> Response:
    return _programme_page(request, ags)


# -- the forms ---------------------------------------------------------------------------------------
# Each takes the door's programme area, the AGS, the actor, the form and the language, calls the
# door once and returns the form's id: the anchor to come back to, and where an error is shown.
Change = Callable[[ProgrammeArea, str, str, FormData, Language], "str | tuple[str, list[str]]"]
"""A form's change: the anchor to return to, or the anchor and the notes (``werte``) to show there."""


def _optional(form: FormData, name: str, limit: int | None = None) -> str | None:
    return (field(form, name, limit) if limit else field(form, name)).strip() or None


def _sent(form: FormData, name: str, limit: int | None = None) -> str | None:
    """An input of a form that changes an item: None when the form did not send it (the door
    leaves that field as it is), else what was typed, an empty text clearing the field."""
    if name not in form:
        return None
    return (field(form, name, limit) if limit else field(form, name)).strip()


NUMBER_LIMIT, YEAR_LIMIT = 40, 10
"""The longest number and year the forms read (the inputs' maxlength too): a longer one is refused."""


def _required(form: FormData, name: str, label: str, lang: Language, read: Callable[[str, Language], Any],
              limit: int) -> Any:
    """A year or a value the change cannot do without: left empty it is refused at its input with
    the engine's words for an empty field (as the CSV import says it), never passed on as None."""

    def value() -> Any:
        text = field(form, name, limit)
        if not text.strip():
            raise InvalidInput(m("text.empty", lang, field=gettext_for(lang)[0](label)))
        return read(text, lang)

    return read_at(name, value)


def _year(form: FormData, lang: Language) -> int:
    return _required(form, "year", "web.programme.year", lang, typed.year, YEAR_LIMIT)


def _value(form: FormData, lang: Language) -> float:
    return _required(form, "value", "web.programme.value", lang, typed.number, NUMBER_LIMIT)


def _record_value(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    key = field(form, "indicator", 64)
    p.record_value(ags, key, _year(form, lang), _value(form, lang), actor=actor,
                   source=_optional(form, "source"), reason=_optional(form, "reason"), lang=lang)
    return f"indikator-{key}"


def _delete_value(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    key = field(form, "indicator", 64)
    p.delete_value(ags, key, _year(form, lang), actor=actor, lang=lang)
    return f"indikator-{key}"


def _set_target(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    key = field(form, "indicator", 64)
    p.set_target(ags, key, _year(form, lang), _value(form, lang), actor=actor, lang=lang)
    return f"indikator-{key}"


def _delete_target(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    key = field(form, "indicator", 64)
    p.delete_target(ags, key, _year(form, lang), actor=actor, lang=lang)
    return f"indikator-{key}"


def _set_baseline(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    key = field(form, "indicator", 64)
    p.set_baseline(ags, key, _year(form, lang), _value(form, lang), actor=actor, lang=lang)
    return f"indikator-{key}"


def _add_goal(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    row = p.add_goal(ags, field(form, "key", 64), title=field(form, "title"),
                     theme_field=_optional(form, "theme"), level=field(form, "level", 20) or "strategic",
                     parent=_optional(form, "parent", 64),
                     target_year=read_at("target_year", lambda: typed.year(field(form, "target_year", YEAR_LIMIT), lang)),
                     sdg=read_at("sdg", lambda: typed.whole(field(form, "sdg", YEAR_LIMIT), lang)),
                     sdg_target=_optional(form, "sdg_target", 8), actor=actor, lang=lang)
    return f"ziel-{row.id}"


def _update_goal(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    """Title, theme field (offered for a goal without a parent: the goals below take their
    parent's), level and parent, target year, SDG and sub-target. A goal without a parent that is
    moved under one sends the theme field it had with it: that is the form's, not a wish, and the
    goal takes its new parent's; a theme typed anew must match the parent's."""
    key = field(form, "goal", 64)
    parent, theme = _sent(form, "parent", 64), _sent(form, "theme")
    if parent and theme is not None and theme == next((g.theme_field for g in p.goals(ags, lang=lang)
                                                       if g.id == key), None):
        theme = None
    p.update_goal(ags, key, title=_sent(form, "title"), theme_field=theme, level=_sent(form, "level", 20) or None,
                  parent=parent,
                  target_year=read_at("target_year", lambda: typed.year(_sent(form, "target_year", YEAR_LIMIT), lang, "")),
                  sdg=read_at("sdg", lambda: typed.whole(_sent(form, "sdg", YEAR_LIMIT), lang, "")),
                  sdg_target=_sent(form, "sdg_target", 8), reason=_optional(form, "reason"), actor=actor,
                  lang=lang)
    return f"ziel-{key}"


def _delete_goal(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    p.delete_goal(ags, field(form, "goal", 64), reason=_optional(form, "reason"), actor=actor, lang=lang)
    return "ziele"


def _delete_measure(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    p.delete_measure(ags, field(form, "measure", 64), reason=_optional(form, "reason"), actor=actor, lang=lang)
    return "massnahmen"


def _add_measure(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    p.add_measure(ags, field(form, "key", 64), title=field(form, "title"), actor=actor,
                  goal=_optional(form, "goal", 64), theme_field=_optional(form, "theme"),
                  responsible=_optional(form, "responsible"), planned_start=form_date(form, "start", lang),
                  planned_end=form_date(form, "end", lang),
                  costs=read_at("costs", lambda: typed.number(field(form, "costs", NUMBER_LIMIT), lang)),
                  staff=read_at("staff", lambda: typed.number(field(form, "staff", NUMBER_LIMIT), lang)), lang=lang)
    return "massnahmen"


def _set_status(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    key = field(form, "measure", 64)
    p.set_measure_status(ags, key, field(form, "status", 20), actor=actor, on=form_date(form, "on", lang),
                         note=_optional(form, "note"), lang=lang)
    return f"massnahme-{key}"


INDICATOR_FIELDS = ("name", "sdg", "unit", "direction", "decimals", "band_low", "band_high", "source", "goal",
                    "definition", "values_due", "publication_lag")
"""The form's inputs that are columns of an indicator CSV file (docs/indicators.md), read by the
same rule as `indicator add` and the import; the key is the column ``id``."""


def _add_indicator(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    raw: dict[str, str | None] = {name: _optional(form, name) for name in INDICATOR_FIELDS}
    raw["definition"] = line_feeds(raw["definition"] or "") or None
    added = p.add_indicator(ags, {"id": field(form, "key", 64), **raw}, actor=actor,
                            sdg_target=_optional(form, "sdg_target", 8), lang=lang)
    return f"indikator-{added.ids[0]}", _inherited_notes(added)


def _update_indicator(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    key = field(form, "indicator", 64)
    definition = _sent(form, "definition")
    values_due = _sent(form, "values_due", 10)
    p.update_indicator(ags, key, actor=actor, reason=_optional(form, "reason"), lang=lang,
                       name=_sent(form, "name"), unit=_sent(form, "unit"),
                       definition=None if definition is None else line_feeds(definition),
                       sdg=read_at("sdg", lambda: typed.whole(_sent(form, "sdg", YEAR_LIMIT), lang, "")),
                       sdg_target=_sent(form, "sdg_target", 8), direction=_sent(form, "direction", 20) or None,
                       band_low=read_at("band_low", lambda: typed.number(_sent(form, "band_low", NUMBER_LIMIT), lang)),
                       band_high=read_at("band_high", lambda: typed.number(_sent(form, "band_high", NUMBER_LIMIT), lang)),
                       values_due=values_due or None,
                       publication_lag=read_at("publication_lag",
                                           lambda: typed.whole(_sent(form, "publication_lag", YEAR_LIMIT), lang)))
    return f"indikator-{key}"


def _delete_indicator(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    p.delete_indicator(ags, field(form, "indicator", 64), reason=_optional(form, "reason"), actor=actor,
                       lang=lang)
    return "indikatoren"


def _update_measure(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    key = field(form, "measure", 64)

    def day(name: str) -> dt.date | str | None:
        text = _sent(form, name, 20)
        return read_at(name, lambda: web_day(text, lang, ""))

    p.update_measure(ags, key, actor=actor, reason=_optional(form, "reason"), lang=lang,
                     title=_sent(form, "title"), goal=_sent(form, "goal", 64),
                     theme_field=_sent(form, "theme"), responsible=_sent(form, "responsible"),
                     planned_start=day("start"), planned_end=day("end"),
                     costs=read_at("costs", lambda: typed.number(_sent(form, "costs", NUMBER_LIMIT), lang, "")),
                     staff=read_at("staff", lambda: typed.number(_sent(form, "staff", NUMBER_LIMIT), lang, "")),
                     progress=read_at("progress", lambda: typed.whole(_sent(form, "progress", YEAR_LIMIT), lang, "")))
    return f"massnahme-{key}"


def _link(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language, *, remove: bool) -> str:
    key = field(form, "measure", 64)
    p.link_measure(ags, key, field(form, "indicator", 64), actor=actor, remove=remove,
                   reason=_optional(form, "reason"), lang=lang)
    return f"massnahme-{key}"


def _link_measure(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    return _link(p, ags, actor, form, lang, remove=False)


def _unlink_measure(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    return _link(p, ags, actor, form, lang, remove=True)


def _adopt(p: ProgrammeArea, ags: str, actor: str, form: FormData, lang: Language) -> str:
    ids = [value for value in form.getlist("ids")[:100] if isinstance(value, str)]
    added = p.adopt(ags, ids, actor=actor, goal=_optional(form, "goal", 64), lang=lang)
    return "indikatoren", _inherited_notes(added)


def _inherited_notes(added: Any) -> list[str]:
    """``key:count:first:last`` per new indicator that takes over yearly values already on file
    under its key (a deleted indicator's): the page says so after the redirect, as the CLI does."""
    return [f"{item.id}:{item.count}:{item.first_year}:{item.last_year}" for item in added.inherited]


def inherited_from_query(request: Request) -> list[dict[str, Any]]:
    """The notes of :func:`_inherited_notes` back from the address; anything malformed is left out
    (the address is the reader's own, and only the page's wording depends on it)."""
    found = []
    for note in request.query_params.getlist("werte")[:100]:
        key, *numbers = note.split(":")
        if len(numbers) == 3 and all(n.isascii() and n.isdigit() and len(n) <= 6 for n in numbers) and 0 < len(key) <= 64:
            count, first, last = (int(n) for n in numbers)
            found.append({"key": key, "count": count, "years": year_span(first, last)})
    return found


CHANGES: dict[str, Change] = {
    "wert": _record_value, "wert-loeschen": _delete_value, "zielwert": _set_target,
    "zielwert-loeschen": _delete_target, "ausgangswert": _set_baseline, "ziel": _add_goal,
    "ziel-aendern": _update_goal, "ziel-loeschen": _delete_goal, "massnahme-loeschen": _delete_measure,
    "massnahme": _add_measure, "stand": _set_status, "uebernehmen": _adopt, "indikator": _add_indicator,
    "indikator-aendern": _update_indicator, "indikator-loeschen": _delete_indicator,
    "massnahme-aendern": _update_measure, "verknuepfen": _link_measure, "verknuepfung-loesen": _unlink_measure,
}
ADDING = ("ziel", "massnahme", "indikator", "uebernehmen")
"""The forms that add an item: one each on the page, whatever goal or indicator they name."""
ABOUT_MEASURE = ("verknuepfen", "verknuepfung-loesen")
"""The forms about a measure that name an indicator too: they belong to the measure's row."""
HIDDEN_INPUTS_ONLY = ("wert-loeschen", "zielwert-loeschen")
"""The forms that are one button: what they send is hidden, a refusal stands above the button."""


def form_item(change: str, form: FormData) -> str:
    """The indicator, measure or goal a form is about ('' for the forms that add one)."""
    if change in ADDING:
        return ""
    names = ("measure",) if change in ABOUT_MEASURE else ("indicator", "measure", "goal")
    return next((value for value in (peek(form, name, FIELD_LIMIT) for name in names) if value), "")


def form_id(change: str, form: FormData) -> str:
    """Which form on the page was sent: the change, and the item it is about."""
    item = form_item(change, form)
    return f"{change}-{item}" if item else change


_FIELD_BY_CODE = {
    "indicator.duplicate": "key", "goal.duplicate": "key", "measure.duplicate": "key", "indicator.key_invalid": "key",
    "indicator.sdg_invalid": "sdg", "goal.sdg_target_invalid": "sdg_target", "indicator.band_missing": "band_low",
    "indicator.band_unexpected": "band_low", "indicator.band_targets": "direction",
    "indicator.direction_invalid": "direction", "indicator.values_due_invalid": "values_due",
    "indicator.publication_lag_invalid": "publication_lag", "indicator.year_invalid": "target_year",
    "measure.dates": "end", "measure.progress_invalid": "progress", "measure.no_theme": "theme",
    "goal.no_theme": "theme", "goal.theme_differs": "theme", "goal.level_invalid": "level",
    "goal.parent_level": "parent", "goal.unknown": "goal", "goal.own_parent": "parent",
    "goal.parent_misfit": "parent", "goal.level_has_children": "level",
}
"""The input a door's refusal is about, by its code (where a form has that input)."""
_FIELD_BY_LABEL = {"--title": "title", "--name": "name", "name": "name", "--unit": "unit", "unit": "unit",
                   "--responsible": "responsible", "--theme": "theme", "theme_field": "theme", "--reason": "reason",
                   "definition": "definition", "source": "source", "--source": "source"}
"""The engine names the input of a text refusal (``text.empty`` and the others) by its option."""
_FIELD_BY_COLUMN = {"id": "key", "theme_field": "theme"}
"""An indicator definition's columns (engine/indicators/spec.py) that the form names otherwise."""


def field_of(exc: ZyklusError | FieldRefused, form: FormData) -> tuple[str | None, ZyklusError]:
    """The input of the sent form a refusal is about (None: the form as a whole), and the refusal."""
    if isinstance(exc, FieldRefused):
        return exc.name, exc.error
    if isinstance(exc, FieldTooLong):
        return (exc.name if exc.name in form else None), exc
    problems = getattr(exc, "field_problems", None)  # a definition's problems, each with its column
    if problems:
        name = _FIELD_BY_COLUMN.get(problems[0][0], problems[0][0])
    elif (exc.code or "").startswith("text."):
        name = _FIELD_BY_LABEL.get(str(exc.params.get("field")))
    elif exc.code == "goal.unknown" and exc.params.get("key") == peek(form, "parent").strip():
        name = "parent"  # the parent chosen went meanwhile
    else:
        name = _FIELD_BY_CODE.get(exc.code or "")
    return (name if name in form else None), exc


@router.post("/kommunen/{ags}/handlungsprogramm/{change}")
def change_programme(request: Request, ags: str, change: str, form: Form) -> Response:
    """Every form of the page: a refusal re-renders it with the message beside the form it
    belongs to and what was typed; success goes back to the changed item (post/redirect/get)."""
    principal, municipality = municipality_for(request, ags, Action.RECORD)
    run = CHANGES.get(change)
    if run is None:
        raise HTTPException(404)
    lang = language(request)
    try:
        anchor = run(door(request).programme, municipality.ags, principal.email, form, lang)
    except (ZyklusError, FieldRefused) as exc:
        name, error = field_of(exc, form)
        if change in HIDDEN_INPUTS_ONLY:
            name = None  # no input to show it at: the message opens the form
        values = {key: value for key, value in form.multi_items() if isinstance(value, str) and key != "csrf"}
        return _programme_page(request, ags, status_code=422, form_error={
            "form": form_id(change, form), "item": form_item(change, form), "field": name,
            "message": said(error, lang), "values": values})
    anchor, notes = (anchor, []) if isinstance(anchor, str) else anchor
    query = urlencode({"gespeichert": 1, "werte": notes}, doseq=True)
    return RedirectResponse(f"/kommunen/{municipality.ags}/handlungsprogramm?{query}#{anchor}", status_code=303)


# -- Bewertung und Bericht -----------------------------------------------------------------------------
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
              "frame-ancestors 'none'; base-uri 'none'")
"""The report is one self-contained document with its styles inline and no script: it may use
inline styles and data images, nothing else."""


@router.get("/kommunen/{ags}/bewertung")
def evaluation_page(request: Request, ags: str, zyklus: int | None = None) -> Response:
    return _evaluation_page(request, ags, zyklus)


def _evaluation_page(request: Request, ags: str, zyklus: int | None = None, *, status_code: int = 200,
                     form_error: dict[str, Any] | None = None) -> Response:
    principal, municipality = municipality_for(request, ags)
    lang = language(request)
    zyklus = cycle_number(zyklus, municipality.ags, lang)
    app = door(request)
    try:
        evaluation = app.programme.evaluate(municipality.ags, zyklus, lang)
    except NotFound as exc:
        if zyklus is not None:
            raise
        return render(request, "evaluation.html.j2", municipality=municipality, evaluation=None, cycles=[],
                      message=said(exc, lang))
    cycles = app.cycles.cycles(municipality.ags, lang)
    latest = zyklus is None or zyklus == max(c.number for c in cycles)
    return render(request, "evaluation.html.j2", status_code=status_code, municipality=municipality,
                  evaluation=evaluation, cycles=cycles, chosen=zyklus,
                  glyphs=GLYPHS, share=lambda value: format_share(value, lang),
                  indicators={i.id: i for i in app.programme.indicators(municipality.ags, evaluation.cycle, lang)},
                  goals=app.programme.goals(municipality.ags, evaluation.cycle, lang),
                  texts={t.kind: t.text for t in app.programme.report_texts(municipality.ags, evaluation.cycle, lang)},
                  can_write=latest and principal.may(Action.RECORD, municipality.ags, municipality.state),
                  form_error=form_error)


REPORT_TEXTS = ("foreword", "leitbild", "next_steps")
"""The whole-report texts, each with a form of its own; interpretations (``indicator:<key>``,
``goal:<key>``) share one form with a choice of what they interpret."""


@router.post("/kommunen/{ags}/bericht/texte")
def write_report_text(request: Request, ags: str, form: Form) -> Response:
    """A text of the report (the latest cycle's): the door checks the kind, the length and the
    characters; a refusal shows the page again with the message at its form and what was typed."""
    principal, municipality = municipality_for(request, ags, Action.RECORD)
    lang = language(request)
    kind = field(form, "kind", 100)
    text = field(form, "text")
    form_name = kind if kind in REPORT_TEXTS else "interpretation"
    try:
        door(request).programme.set_report_text(municipality.ags, kind, text, actor=principal.email, lang=lang)
    except ZyklusError as exc:
        return _evaluation_page(request, ags, status_code=422, form_error={
            "form": form_name, "message": said(exc, lang), "values": {"kind": kind, "text": text}})
    return RedirectResponse(f"/kommunen/{municipality.ags}/bewertung?gespeichert=1#text-{form_name}",
                            status_code=303)


def _report(request: Request, ags: str, zyklus: int | None, *, download: bool) -> Response:
    _principal, municipality = municipality_for(request, ags)
    lang = language(request)
    zyklus = cycle_number(zyklus, municipality.ags, lang)
    html = door(request).programme.report_html(municipality.ags, zyklus, lang)
    headers = {"Content-Security-Policy": REPORT_CSP, "Cache-Control": "no-store"}
    if download:
        suffix = f"-zyklus-{zyklus}" if zyklus is not None else ""
        headers["Content-Disposition"] = f'attachment; filename="bericht-{municipality.ags}{suffix}.html"'
    return HTMLResponse(html, headers=headers)


@router.get("/kommunen/{ags}/bericht")
def report_page(request: Request, ags: str, zyklus: int | None = None) -> Response:
    return _report(request, ags, zyklus, download=False)


@router.get("/kommunen/{ags}/bericht.html")
def report_download(request: Request, ags: str, zyklus: int | None = None) -> Response:
    return _report(request, ags, zyklus, download=True)


@router.get("/kommunen/{ags}/bericht.pdf")
def report_pdf(request: Request, ags: str, zyklus: int | None = None) -> Response:
    """The same report as a tagged PDF to print or send to the council (needs the ``pdf`` extra)."""
    _principal, municipality = municipality_for(request, ags)
    lang = language(request)
    zyklus = cycle_number(zyklus, municipality.ags, lang)
    pdf = door(request).programme.report_pdf(municipality.ags, zyklus, lang)
    suffix = f"-zyklus-{zyklus}" if zyklus is not None else ""
    return Response(pdf, media_type="application/pdf", headers={
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="bericht-{municipality.ags}{suffix}.pdf"'})
