"""A broken administrator template must not stop the reminders of every municipality."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from notification_support import ANNA, JOHN, KAI, OLGA, add_erfurt, by_recipient, local, make_settings, parts


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


SECRET = "fake-smtp-secret-3f9a1c"


def test_a_link_to_a_secret_outside_the_folder_is_refused_and_the_secret_never_mailed(
        tmp_path: Path, make_rig, smtp_port: int, smtp_handler, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZYKLUS_TEST_SECRET", SECRET)
    secrets = tmp_path / "geheim.env"  # a file the service can read, as an env file next to the config
    secrets.write_text(f"ZYKLUS_TEST_SECRET={os.environ['ZYKLUS_TEST_SECRET']}\n", encoding="utf-8")
    overrides = tmp_path / "templates" / "de"
    overrides.mkdir(parents=True)
    (overrides / "phase_entered.txt.j2").symlink_to(secrets)
    (overrides / "phase_entered.html.j2").symlink_to("/proc/self/environ")
    (overrides / "phase_entered.subject.j2").write_text("Eigener Betreff {{ phase_label }}", encoding="utf-8")
    settings = make_settings(tmp_path, smtp_port=smtp_port, general={"template_dir": str(tmp_path / "templates")})
    rig = make_rig(settings, local(2027, 1, 4, 9))
    add_erfurt(rig.service, on=dt.date(2027, 1, 4), people=(ANNA, JOHN))

    report = rig.sweep()

    assert report.delivery["sent"] == 2
    for received in smtp_handler.received:
        assert SECRET.encode() not in received.message.as_bytes()
    assert all(SECRET not in row.text + row.html + row.subject for row in rig.outbox())
    [message] = by_recipient(smtp_handler)[ANNA]
    assert message["Subject"] == "Neue Phase: Aufbau der Arbeitsstrukturen (Erfurt)"  # the whole mail is shipped
    assert parts(message)[0].startswith("Guten Tag Anna Koordination,")
    [problem] = report.template_errors
    assert "phase_entered (de)" in problem and "führt aus dem Vorlagenordner hinaus" in problem and SECRET not in problem


def test_a_division_by_zero_in_one_kind_of_mail_costs_only_those_mails(
        tmp_path: Path, make_rig, smtp_port: int, smtp_handler) -> None:
    overrides = tmp_path / "templates" / "de"
    overrides.mkdir(parents=True)
    # fine for the coordinators' overdue mail, a division by zero in the escalation to the others
    (overrides / "reminder.txt.j2").write_text(
        "{% if kind == 'escalation' %}{{ days_left // 0 }}{% endif %}Eigene Erinnerung ({{ kind }}): "
        "{{ phase_label }} seit {{ -days_left }} Tagen überfällig.", encoding="utf-8")
    settings = make_settings(tmp_path, smtp_port=smtp_port, general={"template_dir": str(tmp_path / "templates")})
    rig = make_rig(settings, local(2026, 12, 15, 9))
    add_erfurt(rig.service, on=dt.date(2026, 12, 15))
    rig.sweep()
    rig.at(local(2027, 3, 22)).sweep()
    smtp_handler.received.clear()

    report = rig.at(local(2027, 3, 29)).sweep()  # 14 days overdue: overdue and escalation in one sweep

    mails = by_recipient(smtp_handler)
    assert set(mails) == {ANNA, JOHN, KAI, OLGA} and report.delivery["sent"] == 4
    own = "Eigene Erinnerung (overdue): Aufbau der Arbeitsstrukturen seit 14 Tagen überfällig."
    assert parts(mails[ANNA][0])[0].strip() == own
    for escalated in (KAI, OLGA):  # the shipped escalation, for these mails only
        assert mails[escalated][0]["Subject"] == \
            "Eskalation: Aufbau der Arbeitsstrukturen seit 14 Tagen überfällig (Erfurt)"
        assert "weil Sie als Ansprechperson für Eskalationen hinterlegt sind" in parts(mails[escalated][0])[0]
    [problem] = report.template_errors  # one line, however many mails it cost
    assert "reminder (de)" in problem and "ZeroDivisionError" in problem


def test_nested_loops_in_an_override_do_not_stop_the_sweep(tmp_path: Path, make_rig, smtp_port: int,
                                                          smtp_handler) -> None:
    overrides = tmp_path / "templates" / "de"
    overrides.mkdir(parents=True)
    (overrides / "phase_entered.txt.j2").write_text(
        "{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}", encoding="utf-8")
    settings = make_settings(tmp_path, smtp_port=smtp_port, general={"template_dir": str(tmp_path / "templates")})
    rig = make_rig(settings, local(2027, 1, 4, 9))
    add_erfurt(rig.service, on=dt.date(2027, 1, 4), people=(ANNA,))

    report = rig.sweep()

    assert report.delivery["sent"] == 1
    assert parts(by_recipient(smtp_handler)[ANNA][0])[0].startswith("Guten Tag Anna Koordination,")
    [problem] = report.template_errors
    assert "loop iterations" in problem or "output larger" in problem
