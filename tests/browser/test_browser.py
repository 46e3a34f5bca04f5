"""The web app in a real browser: a coordinator's whole first cycle through the generated forms,
the guard refusing implementation without a council resolution, the advisor's filtered
Übersicht, a stranger's not-found page, a keyboard-only walk, and axe-core (WCAG 2.1 A/AA), the
390 px reflow check and screenshots on every page reached.

All tests of this file share one server (module fixture) and so stay on one xdist worker
(``--dist loadfile``); each test has its own browser context, so its own session.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from browser_support import SCREENSHOTS, Server, free_port, start_server, stop_server
from engine_support import FACT_VALUES, structure
from oparl_server import OParlServer

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "Nachhaltig-2027!"
ERFURT, WEIMAR, JENA = "16051000", "16055000", "16053000"
ANNA = "anna.koordination@erfurt.de"
WERNER = "koordination0@weimar.de"
JUDITH = "koordination0@jena.de"
ADVISOR = "beratung@zukunft-thueringen.example"
ADMIN = "it@landkreis.example"

# What a coordinator types for each fact: the engine's test values, with dates on or before the
# server's today (11.01.2027), as a real coordinator records what already happened.
TYPED: dict[str, dict[str, str]] = {
    **FACT_VALUES,
    "application": {**FACT_VALUES["application"], "date": "2027-01-04"},
    "participation_resolution": {**FACT_VALUES["participation_resolution"], "date": "2027-01-07"},
    "council_resolution": {**FACT_VALUES["council_resolution"], "date": "2027-01-08"},
    "report_published": {**FACT_VALUES["report_published"], "date": "2027-01-10"},
}
PHASE_FACTS: dict[str, tuple[str, ...]] = {
    "application": ("application", "letter_of_intent", "participation_resolution"),
    "setup": ("public_information",),
    "inventory": ("inventory_report",),
    "strategy": ("workshop",) * 4 + ("action_programme",),
    "implementation": ("monitoring_report",),
    "evaluation": ("evaluation", "report_published"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Erfurt (whole working structure, cycle 1 in the application phase), Weimar (application)
    and Jena (already in the setup phase), a coordinator each and an advisor for Thüringen. The
    config.toml of the server's folder (read by the server and by ``server.cli``) points the
    mails' links at the server and leaves them in the maildir ``mail/`` (no SMTP host)."""
    workdir = tmp_path_factory.mktemp("browser")
    db = f"sqlite:///{workdir / 'zyklus.db'}"
    port = free_port()  # known before the server starts: the mails link to it ([web] public_url)
    (workdir / "config.toml").write_text(f'[web]\npublic_url = "http://127.0.0.1:{port}"\n', encoding="utf-8")
    prepare = Server(url="", db=db, workdir=workdir, log=workdir / "server.log")
    prepare.cli("init")
    for ags, name, domain in ((ERFURT, "Erfurt", "erfurt.de"), (WEIMAR, "Weimar", "weimar.de"),
                              (JENA, "Jena", "jena.de")):
        prepare.cli("municipality", "add", ags, name, "--state", "TH", "--kind", "stadt")
        people = structure() if domain == "erfurt.de" else structure(coordination=1, core_team=0, steering_group=0,
                                                                      domain=domain)
        for member in people:
            prepare.cli("person", "add", ags, "--name", member.name, "--email", member.email,
                        *(f"--role={role}" for role in member.roles))
        prepare.cli("cycle", "start", ags, "--workflow", "gnk-thueringen", "--on", "2027-01-04")
    for fact in PHASE_FACTS["application"]:
        prepare.cli("record", JENA, fact, "--as", JUDITH, *(f"--set={k}={v}" for k, v in TYPED[fact].items()))
    prepare.cli("advance", JENA, "--as", JUDITH, "--reason", "Teilnahme beschlossen")
    prepare.cli("account", "add", ADVISOR, "--name", "Beratung Thüringen", "--advisor-state", "TH")
    prepare.cli("run", "add", "gnk-th-2027", "--name", "GNK Thüringen, 3. Durchgang",
                "--organiser", "Zukunftsfähiges Thüringen e.V.")
    for ags in (ERFURT, JENA):
        prepare.cli("run", "join", "gnk-th-2027", ags, "--on", "2027-01-04")
    prepare.cli("run", "event", "add", "gnk-th-2027", "tagung-1", "--on", "2027-03-17", "--place", "Erfurt",
                "--topic", "Auftakt")
    prepare.cli("run", "advisor", "add", "gnk-th-2027", ADVISOR)
    prepare.cli("account", "add", ADMIN, "--name", "IT Landkreis", "--admin")
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    process, url, log = start_server(workdir, db, port)
    try:
        yield Server(url=url, db=db, workdir=workdir, log=log)
    finally:
        stop_server(process)


# -- what every page reached is checked for ---------------------------------------------------------
def check_page(page, name: str) -> None:  # noqa: ANN001 - playwright's Page
    """axe-core's WCAG 2.1 A/AA rules at 1280 px, no horizontal scrolling at 390 px (tables scroll
    inside their .table-wrap), and a screenshot at both widths."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.map(n => n.target.join(' ') + ' – ' + n.failureSummary)}));
    }""", WCAG)
    assert result == [], f"axe on {name} ({page.url}):\n" + json.dumps(result, ensure_ascii=False, indent=2)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate("""() => {
        const width = window.innerWidth;
        const wide = [...document.querySelectorAll('body *')].filter(e => !e.closest('.table-wrap'))
            .filter(e => e.getBoundingClientRect().right > width + 0.5)
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));
        return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
    }""")
    assert overflow["scroll"] <= overflow["width"], f"{name} scrolls sideways at 390 px: {overflow}"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def plan_programme(server: Server) -> None:
    """The programme's tree for the inventory's two theme fields, typed on the command line: the
    structure guard of the strategy phase wants a Leitlinie, goals and a measure with resources."""
    for n, theme in enumerate(("Klima und Energie", "Mobilität"), 1):
        server.cli("goal", "add", ERFURT, f"ll-{n}", "--title", f"Leitlinie {theme}", "--theme", theme,
                   "--level", "guideline", "--as", ANNA)
        server.cli("goal", "add", ERFURT, f"sz-{n}", "--title", f"Strategisches Ziel {theme}", "--parent", f"ll-{n}",
                   "--as", ANNA)
        server.cli("goal", "add", ERFURT, f"oz-{n}", "--title", f"Operatives Ziel {theme}", "--parent", f"sz-{n}",
                   "--level", "operative", "--target-year", "2030", "--as", ANNA)
        server.cli("measure", "add", ERFURT, f"m-{n}", "--title", f"Maßnahme {theme}", "--goal", f"oz-{n}",
                   "--costs", "25000", "--as", ANNA)


def add_own_indicator_and_link_it(page) -> None:  # noqa: ANN001
    """An own indicator through its form: a parity band typed upside down is refused at its
    lower bound, corrected it is added; then the measure's forms, opened, link it."""
    form = page.locator("form[action$='/handlungsprogramm/indikator']")
    for name, value in (("key", "frauen-rat"), ("name", "Frauenanteil im Stadtrat"), ("unit", "%"), ("sdg", "5"),
                        ("sdg_target", "5.5"), ("band_low", "55"), ("band_high", "50")):
        form.locator(f"[name={name}]").fill(value)
    form.locator("[name=direction]").select_option("band")
    form.get_by_role("button").click()
    expect(page.locator("#error-indikator")).to_be_visible()
    expect(page.locator("#indikator-band_low")).to_have_attribute("aria-invalid", "true")
    check_page(page, "programme-indicator-error")
    page.locator("form[action$='/handlungsprogramm/indikator'] [name=band_low]").fill("50")
    page.locator("form[action$='/handlungsprogramm/indikator']").get_by_role("button").click()
    expect(page.locator("#indikator-frauen-rat")).to_contain_text("50")
    row = page.locator("#massnahme-m-1")
    row.locator("summary", has_text="Maßnahme ändern").click()
    row.locator("summary", has_text="Verknüpfte Indikatoren").click()
    row.locator("[name=indicator]").select_option("frauen-rat")
    check_page(page, "programme-measure-forms")
    row.get_by_role("button", name="Verknüpfen").click()
    expect(page.locator("#massnahme-m-1")).to_contain_text("Verknüpfung mit Frauenanteil im Stadtrat lösen")


def hold_a_workshop(page) -> None:
    """The coordinator plans this morning's steering-group workshop on the municipality page (the
    agenda over two lines, sent by the browser with CRLF), then on the meeting's own page records
    who came, and a refused form shows its error at the field."""
    form = page.locator("section[aria-labelledby=sitzungen] form")
    form.locator("[name=group]").select_option("steering_group")
    form.locator("[name=starts_at]").fill("2027-01-11T08:00")
    form.locator("[name=place]").fill("Rathaus, Raum 101")
    form.locator("[name=agenda]").fill("1. Leitlinien\n2. Ziele")
    form.get_by_role("button").click()
    page.wait_for_url(re.compile(r"sitzung=1"))
    page.locator("section[aria-labelledby=sitzungen] table a").first.click()
    page.wait_for_url(re.compile(r"/sitzungen/[0-9]+$"))
    expect(page.locator("p.text").first).to_have_text("1. Leitlinien\n2. Ziele")
    check_page(page, "meeting")
    attendance = page.locator("section[aria-labelledby=teilnahme] form")
    attendance.locator("[name=count]").fill("12")
    attendance.locator("input[name=people]").first.check()
    attendance.get_by_role("button").click()
    page.wait_for_url(re.compile(r"erledigt=teilnahme"))
    expect(page.locator("p.notice")).to_be_visible()
    page.locator("section[aria-labelledby=ergebnisse] form").get_by_role("button").click()  # no results typed
    expect(page.locator("#ergebnisse-results-error")).to_be_visible()
    check_page(page, "meeting-form-error")


def accept_the_resolution_from_the_council_system(page, server: Server) -> None:
    """The council information system (the OParl fixture server, the council's meeting moved to
    08.01.2027) is read by the CLI's sync; the coordinator accepts the adopted paper on the
    Ratsinformation page instead of typing the resolution."""
    with OParlServer() as council_system:
        council_system.find(f"{council_system.base}/oparl/v1/meeting/2")["start"] = "2027-01-08T17:00:00+01:00"
        server.cli("oparl", "add", ERFURT, council_system.system_url)
        server.cli("oparl", "sync", ERFURT)
    page.get_by_role("link", name="Ratsinformation").click()
    page.wait_for_url(re.compile(r"/ratsinformation$"))
    check_page(page, "council-information")
    page.get_by_role("button", name="DS 0815/27 als Beschluss annehmen").click()
    page.wait_for_url(re.compile(r"angenommen="))
    expect(page.locator("p.notice")).to_be_visible()
    check_page(page, "council-information-accepted")
    page.goto(f"{server.url}/kommunen/{ERFURT}")


def set_password(page, server: Server, email: str, *, check: str | None = None) -> None:  # noqa: ANN001
    """The mailed link's page: choose the password (twice), land on the login form."""
    page.goto(server.password_link(email))
    if check:
        check_page(page, check)
    page.get_by_label("Neues Passwort").fill(PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(PASSWORD)
    page.get_by_role("button", name="Passwort speichern").click()
    expect(page.locator("p.notice")).to_be_visible()


def log_in(page, server: Server, email: str, *, check: str | None = None) -> None:  # noqa: ANN001
    page.goto(server.url + "/anmelden")
    if check:
        check_page(page, check)
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/(kommunen|uebersicht)"))


def record(page, fact: str) -> None:  # noqa: ANN001
    """Fill the form under the checklist item of ``fact`` (f_<field>) and send it."""
    form = page.locator(f"#fakt-{fact} form")
    for name, value in TYPED[fact].items():
        control = form.locator(f"[name=f_{name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)  # by value or by the label shown
        else:
            control.fill(value)  # a date input takes the ISO date a person picks or types
    form.get_by_role("button").click()
    page.wait_for_url(re.compile(rf"erfasst={fact}"))


def advance(page) -> None:  # noqa: ANN001
    phase_before = page.locator(".facts dd").first.inner_text()
    page.locator("section[aria-labelledby=weiter] form").first.get_by_role("button").click()
    page.wait_for_url(re.compile(r"weiter="))
    assert page.locator(".facts dd").first.inner_text() != phase_before


def phase_label(page) -> str:  # noqa: ANN001
    return page.locator(".facts dd").first.inner_text()


# -- the scenarios ---------------------------------------------------------------------------------
def test_coordinator_runs_a_whole_cycle_into_the_second(server: Server, context) -> None:  # noqa: ANN001
    page = context.new_page()
    page.goto(server.url + "/passwort-vergessen")
    check_page(page, "forgot-password")
    set_password(page, server, ANNA, check="password-link")
    log_in(page, server, ANNA, check="login")
    assert page.url == f"{server.url}/kommunen/{ERFURT}"  # one municipality: straight to it
    assert phase_label(page) == "Bewerbung und Teilnahmebeschluss"
    check_page(page, "municipality-application")

    # A form error: the participation resolution without its body and reference.
    form = page.locator("#fakt-participation_resolution form")
    form.locator("[name=f_date]").fill("2027-01-07")
    form.get_by_role("button").click()
    expect(page.locator("#error-participation_resolution")).to_be_visible()
    check_page(page, "municipality-form-error")

    for phase in ("application", "setup", "inventory", "strategy"):
        if phase == "strategy":
            plan_programme(server)
            page.goto(f"{server.url}/kommunen/{ERFURT}/handlungsprogramm")
            expect(page.locator("#ziel-oz-1")).to_contain_text("Operatives Ziel")
            check_page(page, "programme-tree")
            add_own_indicator_and_link_it(page)
            page.goto(f"{server.url}/kommunen/{ERFURT}")
            hold_a_workshop(page)  # a held workshop counts for the guard: one workshop fact fewer
            page.goto(f"{server.url}/kommunen/{ERFURT}")
        for fact in PHASE_FACTS[phase][1:] if phase == "strategy" else PHASE_FACTS[phase]:
            record(page, fact)
        advance(page)
    assert phase_label(page) == "Formeller Beschluss (Rat)"
    check_page(page, "municipality-council-resolution")

    # The guard: no implementation without the council resolution of this cycle.
    page.locator("section[aria-labelledby=weiter] form").first.get_by_role("button").click()
    expect(page.locator("#advance-error")).to_contain_text("Ratsbeschluss")
    assert phase_label(page) == "Formeller Beschluss (Rat)"
    check_page(page, "municipality-advance-refused")

    accept_the_resolution_from_the_council_system(page, server)
    advance(page)
    for fact in PHASE_FACTS["implementation"]:
        record(page, fact)
    advance(page)
    for fact in PHASE_FACTS["evaluation"]:
        record(page, fact)
    check_page(page, "municipality-evaluation")
    advance(page)
    assert "2 (gnk-thueringen)" in page.locator(".facts").inner_text()
    check_page(page, "municipality-cycle-2")

    page.get_by_role("link", name="Verlauf").first.click()
    page.wait_for_url(re.compile(r"/verlauf$"))
    assert page.locator("table tbody tr").count() > 20
    check_page(page, "history")
    page.get_by_role("link", name="Barrierefreiheit").click()
    check_page(page, "accessibility")


def mailed_links(server: Server, to: str) -> list[str]:
    """The links into the app in the plain text of the mails in the maildir addressed to ``to``."""
    links = []
    for path in sorted((server.workdir / "mail" / "new").iterdir()):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if to in str(message["To"]):
            text = message.get_body(preferencelist=("plain",)).get_content()
            links += re.findall(rf"{re.escape(server.url)}/kommunen/[0-9]+#fakt-[a-z_]+", text)
    return links


def test_coordinator_follows_a_reminder_mails_link_and_records_the_fact(server: Server, context) -> None:  # noqa: ANN001
    """Weimar entered the application phase on the server's today: the morning sweep mails its
    coordinator the reminder, whose first step links to the form of the application."""
    set_password(context.new_page(), server, WERNER)
    server.cli("remind")  # the sweep `zyklus serve` would run, at the server's now
    links = mailed_links(server, WERNER)
    assert links and links[0] == f"{server.url}/kommunen/{WEIMAR}#fakt-application", links

    page = context.new_page()
    page.goto(links[0])  # not signed in: the login page first, then back to the page linked
    assert "/anmelden" in page.url
    page.get_by_label("E-Mail-Adresse").fill(WERNER)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{server.url}/kommunen/{WEIMAR}")
    expect(page.locator("#fakt-application form")).to_be_visible()
    record(page, "application")
    expect(page.locator("p.notice")).to_be_visible()
    assert page.locator("#fakt-application").count() == 0  # no longer missing


def test_advisor_filters_the_overview_by_phase(server: Server, context) -> None:  # noqa: ANN001
    page = context.new_page()
    set_password(page, server, ADVISOR)
    log_in(page, server, ADVISOR)
    assert page.url.endswith("/uebersicht")
    check_page(page, "overview")
    page.get_by_label("Phase").select_option("setup")
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url(re.compile(r"phase=setup"))
    names = page.locator("tbody th[scope=row] a").all_inner_texts()
    assert names == ["Jena"]
    assert all("Aufbau der Arbeitsstrukturen" in cell for cell in
               page.locator("tbody tr td:nth-child(2)").all_inner_texts())
    assert page.get_by_label("Phase").input_value() == "setup"  # the form shows the filter in force
    check_page(page, "overview-filtered")
    page.reload()  # the URL alone keeps the view
    assert page.locator("tbody th[scope=row] a").all_inner_texts() == ["Jena"]
    page.get_by_role("link", name="Programmdurchläufe").click()  # the run the advisor accompanies
    page.get_by_role("link", name="GNK Thüringen, 3. Durchgang").click()
    assert page.locator("tbody th[scope=row] a").all_inner_texts()[:2] == ["Erfurt", "Jena"]
    check_page(page, "run")
    # the run's advisor keeps its conferences: a new one, then the attendance at the first
    new = page.locator("#neue-tagung")
    new.get_by_label("Kennung des Termins").fill("tagung-2")
    new.get_by_label("Datum").fill("2027-09-15")
    new.get_by_label("Thema").fill("Leitlinien")
    new.get_by_role("button").click()
    page.wait_for_url(re.compile(r"gespeichert=1#tagung-tagung-2"))
    page.locator("#tagung-tagung-1 summary").click()
    attend = page.locator("#anwesenheit-tagung-1")
    attend.get_by_label("Kommune").select_option(JENA)
    attend.get_by_label("Anzahl der Teilnehmenden").fill("")
    attend.get_by_role("button").click()  # no count: the form comes back with the message at the field
    expect(page.locator("#anwesenheit-tagung-1-count-error")).to_have_text("Bitte die Zahl der Teilnehmenden angeben.")
    check_page(page, "run-refused")
    page.locator("#anwesenheit-tagung-1").get_by_label("Anzahl der Teilnehmenden").fill("2")
    page.locator("#anwesenheit-tagung-1").get_by_role("button").click()
    page.wait_for_url(re.compile(r"gespeichert=1#tagung-tagung-1"))
    expect(page.locator("#tagung-tagung-1")).to_contain_text(f"{JENA}: 2 Personen")
    check_page(page, "run-kept")


def test_administrator_adds_a_run_and_is_refused_the_award_before_the_resolution(server: Server, context) -> None:  # noqa: ANN001
    """The administrator's forms of the runs: a new run with its conference plan, Weimar taken in,
    and the label's checklist, whose award is refused while the council resolution is missing."""
    page = context.new_page()
    set_password(page, server, ADMIN)
    log_in(page, server, ADMIN)
    page.goto(server.url + "/programmdurchlaeufe")
    check_page(page, "runs-admin")
    form = page.locator("#neuer-durchgang")
    form.get_by_label("Kennung").fill("gnk-th-2029")
    form.get_by_label("Name").fill("GNK Thüringen, 4. Durchgang")
    form.get_by_label("Beginn").fill("2027-01-04")
    form.get_by_label("Ende").fill("2027-01-11")
    form.get_by_role("button").click()
    page.wait_for_url(re.compile(r"/programmdurchlaeufe/gnk-th-2029\?angelegt=1"))
    assert page.locator("#konferenzen-caption + thead + tbody th").count() == 4  # the variant's plan
    join = page.locator("#teilnahme")
    join.get_by_label("AGS der Kommune").fill(WEIMAR)
    join.get_by_role("button").click()
    page.wait_for_url(re.compile(r"gespeichert=1#teilnehmende"))
    check_page(page, "run-admin")
    expect(page.locator("#checkliste-caption")).to_contain_text("11.01.2027")
    page.locator("#auszeichnung-form").get_by_role("button").click()
    result = page.locator("#auszeichnung-ergebnis")
    expect(result).to_contain_text("Weimar: nicht ausgezeichnet, es fehlt: Ratsbeschluss")
    check_page(page, "run-award-refused")


def test_another_municipalitys_coordinator_gets_not_found(server: Server, context) -> None:  # noqa: ANN001
    page = context.new_page()
    set_password(page, server, WERNER)
    log_in(page, server, WERNER)
    answer = page.goto(f"{server.url}/kommunen/{ERFURT}")
    assert answer is not None and answer.status == 404
    assert "Erfurt" not in page.content()
    check_page(page, "not-found")
    stranger_view = page.locator("main").inner_text()
    unknown = page.goto(f"{server.url}/kommunen/16099999")
    assert unknown is not None and unknown.status == 404
    assert page.locator("main").inner_text().replace("16099999", ERFURT) == stranger_view  # indistinguishable


def focused(page) -> dict[str, str]:  # noqa: ANN001
    """What has the keyboard focus, and whether it is drawn (an outline of at least 2 px)."""
    return page.evaluate("""() => {
        const e = document.activeElement, s = getComputedStyle(e);
        return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name') || '',
                text: (e.innerText || '').trim().slice(0, 60), outline: s.outlineStyle,
                width: parseFloat(s.outlineWidth)};
    }""")


def tab_to(page, predicate, limit: int = 80) -> dict[str, str]:  # noqa: ANN001
    """Press Tab until ``predicate`` holds for the focused element; every stop shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        assert now["outline"] != "none" and now["width"] >= 2, f"focus not visible on {now}"
        if predicate(now):
            return now
    raise AssertionError(f"Tab never reached the element (last: {now})")


def test_keyboard_only_sign_in_and_record(server: Server, context) -> None:  # noqa: ANN001
    page = context.new_page()
    set_password(page, server, JUDITH)
    page.goto(server.url + "/anmelden")
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "Zum Inhalt springen" and skip["outline"] != "none"
    assert page.locator("a.skip").bounding_box()["x"] >= 0  # shown on screen while focused
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "inhalt"
    tab_to(page, lambda e: e["id"] == "email")
    page.keyboard.type(JUDITH)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}/kommunen/{JENA}")
    assert phase_label(page) == "Aufbau der Arbeitsstrukturen"

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link again
    tab_to(page, lambda e: e["name"] == "f_channel")
    page.keyboard.type("Amtsblatt")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "f_channel"
    tab_to(page, lambda e: e["tag"] == "button" and e["text"].startswith("Erfassen"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"erfasst=public_information"))
    expect(page.locator("p.notice")).to_be_visible()
    assert page.locator("#fakt-public_information").count() == 0


def test_the_report_reads_well_on_a_phone_and_a_desktop(server: Server, context) -> None:  # noqa: ANN001
    """Jena's report with everything a published one has: foreword, Leitbild, the evaluation's
    summary, a goal and an indicator with their interpretation, the chart, next steps. At 390 px
    and 1280 px nothing scrolls sideways (here also not inside a table) and axe finds nothing."""
    as_judith = ("--as", JUDITH)
    server.cli("goal", "add", JENA, "klima-1", "--title", "Emissionen der Haushalte senken", "--theme",
               "Klima und Energie", *as_judith)
    server.cli("indicator", "adopt", JENA, "thg-haushalte", "--goal", "klima-1", *as_judith)
    server.cli("indicator", "target", JENA, "thg-haushalte", "2030", "5,5", *as_judith)
    for year, value in (("2019", "8,0"), ("2020", "7,8"), ("2021", "7,5"), ("2022", "7,3"), ("2023", "7,0"),
                        ("2024", "6,8")):
        server.cli("indicator", "record", JENA, "thg-haushalte", year, value, "--source",
                   "https://jena.example/klimaschutz/bisko-bilanz-2025.pdf", *as_judith)
    server.cli("measure", "add", JENA, "m-pv", "--title", "PV auf Schuldächern", "--goal", "klima-1", *as_judith)
    for kind, text in (("foreword", "Liebe Jenaerinnen und Jenaer,\n\n<script>alert(1)</script> wir berichten."),
                       ("goal:klima-1", "Die Sanierungsförderung wirkt."),
                       ("indicator:thg-haushalte", "Der Rückgang kommt vor allem von der Fernwärme."),
                       ("next_steps", "Im nächsten Zyklus: Mobilität und Wärmewende.")):
        server.cli("report", "text", JENA, kind, "--text", text, *as_judith)
    server.cli("record", JENA, "evaluation", "--set", "summary=Die Emissionen sinken schneller als geplant.",
               *as_judith)
    page = context.new_page()
    set_password(page, server, JUDITH)
    log_in(page, server, JUDITH)
    page.goto(f"{server.url}/kommunen/{JENA}/bewertung")  # the Leitbild typed in the browser, as she would
    check_page(page, "evaluation-texts")
    page.get_by_label("Leitbild", exact=True).fill("Jena ist 2035 klimaneutral, sozial und lebenswert.")
    page.locator("#text-leitbild").get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status").first).to_contain_text("Gespeichert")
    page.goto(f"{server.url}/kommunen/{JENA}/bericht")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nachhaltigkeitsbericht Jena")
    expect(page.locator("#foreword")).to_contain_text("<script>alert(1)</script> wir berichten.")
    expect(page.locator("#leitbild")).to_contain_text("Jena ist 2035 klimaneutral, sozial und lebenswert.")
    expect(page.locator("#evaluation")).to_contain_text("Die Emissionen sinken schneller als geplant.")
    page.add_script_tag(path=str(AXE))
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        violations = page.evaluate("""async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}));
        }""", WCAG)
        assert violations == [], f"axe on the report at {width} px: {violations}"
        overflow = page.evaluate("""() => ({scroll: document.documentElement.scrollWidth, width: innerWidth,
            wide: [...document.querySelectorAll('body *')].filter(e => !e.closest('.sr-only'))  // clipped to 1 px
                .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
                .map(e => e.tagName.toLowerCase() + '.' + e.className).slice(0, 10)})""")
        assert overflow["scroll"] <= overflow["width"] and overflow["wide"] == [], f"{width} px: {overflow}"
        page.screenshot(path=str(SCREENSHOTS / f"report-{width}.png"), full_page=True)
