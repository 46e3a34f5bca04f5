"""`zyklus remind` as cron runs it, with an override linked to the process's own environment.

The secret is in the environment of the `remind` process, so /proc/self/environ of that very
process holds it: the strongest form of the attack. Nothing of it may reach a mail, the
database or stderr; the shipped template is used and the refusal is printed.
"""

from __future__ import annotations

from pathlib import Path

from engine_support import cli_env, zyklus, zyklus_subprocess

AGS = "16051000"
ANNA = "anna.koch@erfurt.example"
SECRET = "fake-smtp-secret-cron-5b7e"


def test_a_sweep_refuses_a_link_to_its_own_environment(tmp_path: Path) -> None:
    overrides = tmp_path / "vorlagen" / "de"
    overrides.mkdir(parents=True)
    (overrides / "phase_entered.txt.j2").symlink_to("/proc/self/environ")
    (overrides / "phase_entered.subject.j2").write_text("Eigener Betreff: {{ phase_label }}", encoding="utf-8")
    (tmp_path / "config.toml").write_text('[general]\ntemplate_dir = "vorlagen"\n', encoding="utf-8")
    env = cli_env(ZYKLUS_DB=f"sqlite:///{tmp_path / 'zyklus.db'}", ZYKLUS_TEST_SECRET=SECRET)

    def ok(*args: str, run=zyklus) -> tuple[str, str]:  # noqa: ANN001
        result = run(*args, cwd=tmp_path, env=env)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result.stdout, result.stderr

    ok("init")
    ok("municipality", "add", AGS, "Erfurt", "--state", "TH", "--kind", "stadt")
    ok("person", "add", AGS, "--name", "Anna Koch", "--email", ANNA, "--role", "coordination")
    ok("cycle", "start", AGS, "--workflow", "kommune", "--on", "2027-03-01")

    # /proc/self/environ is the environment a process started with: the sweep runs in its own
    out, err = ok("remind", "--now", "2027-03-01T09:00", run=zyklus_subprocess)

    assert "1 gesendet" in out
    [warning] = [line for line in err.splitlines() if line.startswith("Warnung:")]
    assert warning.startswith("Warnung: eigene Vorlage fehlerhaft, Standardvorlage verwendet: phase_entered (de)")
    assert "führt aus dem Vorlagenordner hinaus" in warning and SECRET not in err
    assert err.count("phase_entered (de)") == 1, err  # said once, not again by the log
    [mail] = list((tmp_path / "mail" / "new").iterdir())
    content = mail.read_bytes()
    assert SECRET.encode() not in content
    assert "Subject: Neue Phase: Aufbau der Arbeitsstrukturen (Erfurt)".encode() in content  # shipped, all parts
    for stored in tmp_path.glob("zyklus.db*"):
        assert SECRET.encode() not in stored.read_bytes()
