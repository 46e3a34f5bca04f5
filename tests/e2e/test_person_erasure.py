"""`zyklus person forget` as an operator runs it, on a default install (mails go to the maildir):
afterwards the address and the name are nowhere — not in other people's mails (whose "next
steps" quote ``--as`` the coordinator's address), digests, history, facts or calendar entries,
not in the maildir, and on SQLite not even in the bytes of the database files.

The commands run in-process (typer's app through ``zyklus.main.run``) with a config.toml whose
maildir lies in tmp_path; time travels with ``--now``.
"""

from __future__ import annotations

import email
import email.policy
import json
import quopri
import re
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from zyklus.main import run

pytestmark = pytest.mark.both_databases  # the database under the CLI/web is part of what is tested

AGS = "16051000"
ANNA = "anna.koehler@erfurt.example"
NAME = "Anna Köhler"
BEN, CARLA, OB = "ben.roth@erfurt.example", "carla.weiss@erfurt.example", "ob@erfurt.example"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ZYKLUS_DB", "ZYKLUS_NOW", "ZYKLUS_CONFIG", "ZYKLUS_LANG", "ZYKLUS_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


class Cli:
    def __init__(self, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.config = tmp_path / "config.toml"
        self.config.write_text('[mail]\nmaildir = "mail"\nmessage_id_domain = "zyklus.test"\n', encoding="utf-8")
        self.maildir = tmp_path / "mail"
        self.url = database_url
        self.capsys = capsys

    def __call__(self, now: str, *args: str, code: int = 0) -> str:
        try:
            exit_code = run(["--db", self.url, "--config", str(self.config), "--now", now, *args])
        except SystemExit as done:  # click ends a successful command this way
            exit_code = int(done.code or 0)
        out = self.capsys.readouterr()
        assert exit_code == code, out.err
        return out.out if code == 0 else out.err


def needles() -> list[bytes]:
    """The address and the name as they may stand in a file: as typed (any case), UTF-8,
    JSON-escaped, quoted-printable. Base64 is decoded by the maildir check instead."""
    forms = {ANNA, "Anna.Koehler@Erfurt.example", NAME, json.dumps(NAME)[1:-1]}
    encoded = {form.encode("utf-8").lower() for form in forms}
    encoded.add(quopri.encodestring(NAME.encode("utf-8")).lower())
    return sorted(encoded)


def found_in(data: bytes) -> list[bytes]:
    lowered = data.lower()
    return [needle for needle in needles() if needle in lowered]


def maildir_findings(maildir: Path) -> dict[str, list[bytes]]:
    """Every file under the maildir, raw and with every header and part decoded."""
    findings: dict[str, list[bytes]] = {}
    for file in (f for f in maildir.rglob("*") if f.is_file()):
        raw = file.read_bytes()
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
        decoded = [raw]
        for part in message.walk():
            decoded += [str(make_header(decode_header(str(v)))).encode("utf-8") for v in part.values()]
            if not part.is_multipart():
                payload = part.get_payload(decode=True) or b""
                decoded += [payload, re.sub(rb"\r?\n[ \t]", b"", payload)]  # iCalendar folds lines
        if hit := sorted({n for chunk in decoded for n in found_in(chunk)}):
            findings[str(file.relative_to(maildir))] = hit
    return findings


def database_findings(url: str, tmp_path: Path) -> dict[str, list[bytes]]:
    if url.startswith("sqlite"):
        db = Path(url.removeprefix("sqlite:///"))
        files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
        return {f.name: hit for f in files if f.exists() and (hit := found_in(f.read_bytes()))}
    return postgres_findings(url)


def postgres_findings(url: str) -> dict[str, list[bytes]]:
    """Every text, JSON and bytea column of every table, as information_schema lists them."""
    engine = create_engine(url)
    findings: dict[str, list[bytes]] = {}
    with engine.connect() as conn:
        columns = conn.execute(text(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'bytea')"
        )).all()
        for table, column, data_type in columns:
            value = (f"replace(convert_from(\"{column}\", 'UTF8'), E'\\r\\n ', '')" if data_type == "bytea"
                     else f"CAST(\"{column}\" AS text)")
            for needle in needles():
                hits = conn.execute(text(f'SELECT count(*) FROM "{table}" WHERE lower({value}) LIKE :n'),
                                    {"n": "%" + needle.decode("utf-8").replace("\\", "\\\\") + "%"}).scalar_one()
                if hits:
                    findings.setdefault(f"{table}.{column}", []).append(needle)
    engine.dispose()
    return findings


def test_forget_leaves_the_address_and_name_nowhere(database_url: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    z = Cli(database_url, tmp_path, capsys)
    z("2027-01-04T08:00", "init")
    z("2027-01-04T08:00", "municipality", "add", AGS, "Erfurt", "--state", "TH", "--kind", "stadt")
    z("2027-01-04T08:00", "person", "add", AGS, "--name", NAME, "--email", "Anna.Koehler@Erfurt.example",
      "--role", "coordination")
    z("2027-01-04T08:00", "person", "add", AGS, "--name", "Ben Roth", "--email", BEN, "--role", "coordination")
    z("2027-01-04T08:00", "person", "add", AGS, "--name", "Carla Weiß", "--email", CARLA, "--role", "core_team",
      "--digest")
    z("2027-01-04T08:00", "person", "add", AGS, "--name", "Büro OB", "--email", OB, "--role", "mayor_office")
    z("2027-01-04T08:00", "cycle", "start", AGS, "--workflow", "gnk-thueringen", "--on", "2027-01-04")
    z("2027-01-04T09:00", "remind")  # the phase's first mails, to Anna and Ben
    z("2027-01-11T09:00", "record", AGS, "letter_of_intent", "--as", "ANNA.KOEHLER@erfurt.EXAMPLE",
      "--set", f"signed_by=OB; i. A. {NAME}", "--set", "date=2027-01-10")
    z("2027-01-11T09:00", "deadline", "set", AGS, "2027-04-30", "--as", ANNA, "--reason", f"{NAME} ist im Urlaub")
    z("2027-05-20T09:00", "remind")  # 20 days overdue: the core team (digest) and the mayor's office are told
    z("2027-05-21T09:00", "remind")  # Carla's digest
    mails_to = {addr: [f for f in z.maildir.rglob("*") if f.is_file() and addr in f.read_text("utf-8", "replace")]
                for addr in (BEN, CARLA, OB)}
    assert all(mails_to.values()), mails_to
    assert database_findings(database_url, tmp_path) and maildir_findings(z.maildir)  # the checks can fail
    assert set(maildir_findings(z.maildir)) >= {str(f.relative_to(z.maildir)) for f in mails_to[OB]}

    said = z("2027-05-21T10:00", "person", "forget", ANNA)

    pseudonym = re.search(r"person-[0-9a-f]{10}", said).group(0)  # type: ignore[union-attr]
    assert database_findings(database_url, tmp_path) == {}
    assert maildir_findings(z.maildir) == {}
    # what happened stays on record, pointing to nobody; the others' mails are still there
    history = json.loads(z("2027-05-21T10:00", "history", AGS, "--json"))
    assert {row["actor"] for row in history if row["kind"] in ("fact", "deadline")} == {pseudonym}
    ob_mails = [f.read_bytes() for f in mails_to[OB]]
    assert ob_mails and all(pseudonym.encode() in mail for mail in ob_mails)
    assert "keiner Kommune" in z("2027-05-21T10:00", "person", "export", ANNA, code=1)
    assert "keiner Kommune" in z("2027-05-21T10:00", "person", "forget", "Anna.Koehler@erfurt.example", code=1)
