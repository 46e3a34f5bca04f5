"""A broken administrator template must not stop the reminders of every municipality."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from notification_support import ANNA, add_erfurt, by_recipient, local, make_settings


def test_a_broken_override_falls_back_to_the_shipped_template_and_is_reported(
        tmp_path: Path, make_rig, smtp_port: int, smtp_handler) -> None:
    overrides = tmp_path / "templates" / "de"
    overrides.mkdir(parents=True)
    # an undefined variable (StrictUndefined) and a sandbox violation, as an administrator might write
    (overrides / "phase_entered.subject.j2").write_text("Neu: {{ no_such_variable }}", encoding="utf-8")
    (overrides / "phase_entered.txt.j2").write_text("{{ ''.__class__.__mro__ }}", encoding="utf-8")
    settings = make_settings(tmp_path, smtp_port=smtp_port, general={"template_dir": str(tmp_path / "templates")})
    rig = make_rig(settings, local(2027, 1, 4, 9))
    add_erfurt(rig.service, on=dt.date(2027, 1, 4), people=(ANNA,))

    report = rig.sweep()

    assert report.delivery["sent"] == 1
    [message] = by_recipient(smtp_handler)[ANNA]
    assert message["Subject"] == "Neue Phase: Aufbau der Arbeitsstrukturen (Erfurt)"  # the shipped subject
    assert len(report.template_errors) == 1 and "phase_entered (de)" in report.template_errors[0]
    assert rig.sweep().template_errors == []  # reported once per sweep, not accumulated forever


def test_a_working_override_is_used(tmp_path: Path, make_rig, smtp_port: int, smtp_handler) -> None:
    overrides = tmp_path / "templates" / "de"
    overrides.mkdir(parents=True)
    (overrides / "phase_entered.subject.j2").write_text("Stadt {{ municipality }}: {{ phase_label }}",
                                                        encoding="utf-8")
    settings = make_settings(tmp_path, smtp_port=smtp_port, general={"template_dir": str(tmp_path / "templates")})
    rig = make_rig(settings, local(2027, 1, 4, 9))
    add_erfurt(rig.service, on=dt.date(2027, 1, 4), people=(ANNA,))

    report = rig.sweep()

    assert report.template_errors == []
    [message] = by_recipient(smtp_handler)[ANNA]
    assert message["Subject"] == "Stadt Erfurt: Aufbau der Arbeitsstrukturen"


def test_an_edited_override_counts_from_the_next_sweep_without_a_restart(tmp_path: Path, make_rig, smtp_port: int,
                                                                        smtp_handler) -> None:
    overrides = tmp_path / "templates" / "de"
    overrides.mkdir(parents=True)
    subject = overrides / "phase_entered.subject.j2"
    subject.write_text("Erste Fassung: {{ phase_label }}", encoding="utf-8")
    settings = make_settings(tmp_path, smtp_port=smtp_port, general={"template_dir": str(tmp_path / "templates")})
    rig = make_rig(settings, local(2027, 1, 4, 9))
    add_erfurt(rig.service, on=dt.date(2027, 1, 4), people=(ANNA,))
    rig.sweep()
    subject.write_text("Zweite Fassung: {{ phase_label }}", encoding="utf-8")
    rig.service.add_municipality("16055000", "Weimar", state="TH", kind="stadt")
    rig.service.add_person("16055000", name="Wilma Weimar", email="wilma@weimar.example", roles=["coordination"])
    rig.service.start_cycle("16055000", workflow="kommune", on=dt.date(2027, 1, 4))

    rig.sweep()  # the same sweeper, as in a long-running `zyklus serve`

    subjects = [r.message["Subject"] for r in smtp_handler.received]
    assert subjects == ["Erste Fassung: Aufbau der Arbeitsstrukturen", "Zweite Fassung: Aufbau der Arbeitsstrukturen"]
