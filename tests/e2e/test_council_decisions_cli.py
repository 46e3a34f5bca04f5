"""`zyklus record … --set result=…` as a coordinator types it, on SQLite and PostgreSQL: a
rejected or deferred resolution keeps the cycle in the council-resolution phase (the status says
„vertagt am …“), an adopted one lets it advance; gnk-nrw's application to LAG 21; a county's
member municipalities as AGS, and the warning while the inventory misses one of them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


from engine.clock import FixedClock
from engine_support import AGS, COORDINATOR, NOW, cli_env, drive_to, make_service, setup_municipality, zyklus


def _cli(url: str, tmp_path: Path, now: str | None = None):  # noqa: ANN202
    env = cli_env(ZYKLUS_DB=url, **({"ZYKLUS_NOW": now} if now else {}))

    def run(*args: str):  # noqa: ANN202
        return zyklus(*args, cwd=tmp_path, env=env)
    return run


RESOLUTION = ("--set", "date=2027-03-15", "--set", "body=Stadtrat", "--set", "reference=DS 0371/27",
              "--set", "agenda_item=TOP 4.2", "--set", "committees=Umweltausschuss; Hauptausschuss",
              "--set", "votes_yes=30", "--set", "votes_no=12", "--set", "abstentions=1")


def test_deferred_and_rejected_keep_the_phase_and_adopted_opens_implementation(database_url: str,
                                                                               tmp_path: Path) -> None:
    service = make_service(database_url, FixedClock(NOW))
    setup_municipality(service)
    entered = drive_to(service, "council_resolution")
    service.engine.dispose()
    day = lambda n: (entered + dt.timedelta(days=n)).isoformat()  # noqa: E731
    cli = _cli(database_url, tmp_path, now=f"{day(41)}T09:00")  # what is recorded has happened by then

    for n, result in enumerate(("rejected", "deferred"), start=1):
        recorded = cli("record", AGS, "council_resolution", "--as", COORDINATOR, *RESOLUTION,
                       "--set", f"result={result}", "--on", day(n))
        assert recorded.returncode == 0, recorded.stderr
        refused = cli("advance", AGS, "--as", COORDINATOR, "--on", day(n))
        assert refused.returncode == 3 and "Traceback" not in refused.stderr  # 3: refused by a guard
    status = cli("status", AGS)
    assert ("✗ Ratsbeschluss: vertagt am 15.03.2027. Nachweis „Ratsbeschluss“ mit Ergebnis „beschlossen“ oder "
            "„geändert beschlossen“ muss in diesem Zyklus erfasst sein.") in " ".join(status.stdout.split())
    data = json.loads(cli("status", AGS, "--json").stdout)
    assert data["phase"] == "council_resolution"
    [unmet] = [g for g in data["unmet"] if g["id"] == "resolution"]
    assert {f["name"]: f for f in unmet["fields"]}["result"]["choice_labels"]["deferred"] == "vertagt"

    bad = cli("record", AGS, "council_resolution", "--as", COORDINATOR, *RESOLUTION, "--set", "result=vielleicht")
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1 and "result" in bad.stderr
    assert cli("record", AGS, "council_resolution", "--as", COORDINATOR, *RESOLUTION, "--set", "result=adopted",
               "--on", day(40)).returncode == 0
    advanced = cli("advance", AGS, "--as", COORDINATOR, "--on", day(41))
    assert advanced.returncode == 0, advanced.stderr
    assert json.loads(cli("status", AGS, "--json").stdout)["phase"] == "implementation"


def _start(cli, ags: str, name: str, kind: str, workflow: str, people: int = 2) -> None:  # noqa: ANN001
    assert cli("municipality", "add", ags, name, "--state", "NW" if ags.startswith("05") else "TH",
               "--kind", kind).returncode == 0
    for i in range(people):
        assert cli("person", "add", ags, "--name", f"Koordination {i}", "--email", f"k{i}@{ags}.example",
                   "--role", "coordination").returncode == 0
    started = cli("cycle", "start", ags, "--workflow", workflow, "--on", "2027-01-04")
    assert started.returncode == 0, started.stderr


def test_gnk_nrw_begins_with_the_application_to_lag_21(database_url: str, tmp_path: Path) -> None:
    cli = _cli(database_url, tmp_path)
    assert cli("init").returncode == 0
    _start(cli, "05711000", "Bielefeld", "stadt", "gnk-nrw")
    data = json.loads(cli("status", "05711000", "--json").stdout)
    assert data["phase"] == "application"
    assert [g["id"] for g in data["unmet"]] == ["application", "memorandum", "selected"]
    me = "k0@05711000.example"
    for fact, values in (("application", ("date=2019-05-20",)), ("memorandum_of_understanding",
                         ("signed_by=Oberbürgermeister", "date=2019-05-20")), ("selection", ("date=2019-06-14",))):
        args = [a for v in values for a in ("--set", v)]
        assert cli("record", "05711000", fact, "--as", me, *args, "--on", "2027-01-20").returncode == 0
    advanced = cli("advance", "05711000", "--as", me, "--on", "2027-01-21")
    assert advanced.returncode == 0, advanced.stderr
    assert json.loads(cli("status", "05711000", "--json").stdout)["phase"] == "setup"


def test_a_countys_members_are_ags_and_the_inventory_warns_until_it_covers_all(database_url: str,
                                                                               tmp_path: Path) -> None:
    cli = _cli(database_url, tmp_path)
    assert cli("init").returncode == 0
    county = "16067000"  # Landkreis Gotha
    _start(cli, county, "Landkreis Gotha", "landkreis", "landkreis")
    me = f"k0@{county}.example"
    bad = cli("record", county, "county_members", "--as", me, "--set", "members=16067029, Gotha")
    assert bad.returncode == 1 and "Gotha" in bad.stderr and "Traceback" not in bad.stderr
    assert cli("record", county, "county_members", "--as", me, "--set", "members=16067029 16067072 16067082",
               "--on", "2027-01-10").returncode == 0
    service = make_service(database_url, FixedClock(NOW))
    for i in range(2, 6):
        service.add_person(county, name=f"Kernteam {i}", email=f"k{i}@{county}.example", roles=["core_team"])
    service.engine.dispose()
    assert cli("record", county, "public_information", "--as", me, "--set", "channel=Presse",
               "--on", "2027-01-10").returncode == 0
    advanced = cli("advance", county, "--as", me, "--on", "2027-01-11")
    assert advanced.returncode == 0, advanced.stderr
    assert cli("record", county, "inventory_report", "--as", me, "--set", "title=Bestandsaufnahme",
               "--set", "theme_fields=Klima", "--set", "members_covered=16067029,16067072",
               "--on", "2027-02-01").returncode == 0
    data = json.loads(cli("status", county, "--json").stdout)
    assert {g["id"]: g["severity"] for g in data["unmet"]} == {"all_members": "warn"}
    [warning] = data["unmet"]
    assert warning["message"].endswith("fehlen 1 von 3 aus „Kreisangehörige Kommunen“: 16067082")
