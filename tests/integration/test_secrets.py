"""A database password never reaches a screen or a log: not in `init`'s confirmation, not in an
error line quoting the URL or the driver's message, not under --json, not for a URL that cannot
be parsed; neither does the SMTP password. The CLI runs in-process."""

from __future__ import annotations

import logging

import pytest

from engine_support import exit_code as cli

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

PASSWORD = "geheim-7Qx"





def _with_password(url: str) -> str:
    scheme, _, rest = url.partition("://")
    credentials, _, location = rest.rpartition("@")
    user = credentials.partition(":")[0] or "postgres"
    return f"{scheme}://{user}:{PASSWORD}@{location}"


def test_init_prints_the_url_with_the_password_masked(database_url, clean_env, capsys) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("a SQLite URL has no password")
    assert cli("--db", _with_password(database_url), "init") == 0  # the test server trusts local users
    out, err = capsys.readouterr()
    assert PASSWORD not in out + err
    assert ":***@" in out


@pytest.mark.parametrize("command", [("status",), ("status", "--json"), ("remind", "--json"), ("init",)])
def test_a_refused_connection_does_not_show_the_password(unused_smtp_port, clean_env, capsys, command) -> None:
    # The password is also the host name, so the driver's own message quotes it: only the
    # scrubber stands between it and the screen.
    url = f"postgresql+psycopg://zyklus:{PASSWORD}@127.0.0.1:{unused_smtp_port}/{PASSWORD}"
    assert cli("--db", url, *command) == 1
    out, err = capsys.readouterr()
    [line] = err.splitlines()
    assert line.startswith("Datenbank nicht erreichbar") and PASSWORD not in out + err


def test_a_host_that_quotes_the_password_is_masked(clean_env, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ZYKLUS_DB", f"postgresql+psycopg://zyklus:{PASSWORD}@{PASSWORD}.invalid/zyklus")
    assert cli("status", "--json") == 1
    [line] = capsys.readouterr().err.splitlines()
    assert PASSWORD not in line and "***.invalid" in line


def test_a_percent_encoded_password_is_masked_in_both_forms(clean_env, capsys) -> None:
    url = "postgresql+psycopg://zyklus:p%40ss%2Fw0rd@p@ss%2Fw0rd.invalid/zyklus"
    assert cli("--db", url, "status") == 1
    err = capsys.readouterr().err
    assert "p@ss/w0rd" not in err and "p%40ss%2Fw0rd" not in err


@pytest.mark.parametrize("url", [f"postgresql+psycopg://u:{PASSWORD}@host:notaport/db",
                                 f"nonsense+driver://u:{PASSWORD}@host/db", f"::{PASSWORD}::"])
def test_a_url_that_cannot_be_used_is_refused_without_the_password(url, clean_env, capsys) -> None:
    assert cli("--db", url, "status") == 1
    out, err = capsys.readouterr()
    assert len(err.splitlines()) == 1 and PASSWORD not in out + err


def test_a_password_in_the_config_file_url_is_masked_too(tmp_path, unused_smtp_port, clean_env, capsys) -> None:
    (tmp_path / "config.toml").write_text(
        f'[database]\nurl = "postgresql+psycopg://zyklus:{PASSWORD}@127.0.0.1:{unused_smtp_port}/{PASSWORD}"\n',
        encoding="utf-8")
    assert cli("status") == 1
    assert PASSWORD not in capsys.readouterr().err


def test_the_smtp_password_is_scrubbed_from_an_error_line(clean_env, capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("ZYKLUS_SMTP_PASSWORD", PASSWORD)
    assert cli("workflow", "show", PASSWORD) == 1  # quoted as an unknown workflow
    [line] = capsys.readouterr().err.splitlines()
    assert PASSWORD not in line and "'***'" in line


def test_log_records_are_scrubbed(clean_env, capsys, caplog, monkeypatch) -> None:
    monkeypatch.setenv("ZYKLUS_SMTP_PASSWORD", PASSWORD)
    cli("--help")  # the entry point installs the scrubber
    try:
        raise RuntimeError(f"login failed with {PASSWORD}")
    except RuntimeError:
        logging.getLogger("zyklus.test").exception("sweep failed for %s", PASSWORD)
    assert PASSWORD not in caplog.text and "sweep failed for ***" in caplog.text
    assert "login failed with ***" in caplog.text


def test_a_scrubbed_access_log_line_is_still_formatted_by_uvicorn(clean_env, capsys, monkeypatch) -> None:
    """uvicorn's access formatter unpacks the record's arguments (client, method, path, version,
    status); a scrubber that folded them into the message broke every access line with a
    "--- Logging error ---" traceback. Arguments are scrubbed one by one instead."""
    import io

    from uvicorn.logging import AccessFormatter

    monkeypatch.setenv("ZYKLUS_SMTP_PASSWORD", PASSWORD)
    cli("--help")  # the entry point installs the scrubber
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False))
    access = logging.getLogger("uvicorn.access.zyklus-test")
    access.addHandler(handler)
    access.propagate, previous_level = False, access.level
    access.setLevel(logging.INFO)
    try:
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:58650", "GET", f"/?token={PASSWORD}", "1.1", 303)
    finally:
        access.removeHandler(handler)
        access.setLevel(previous_level)
    assert stream.getvalue().splitlines() == ['127.0.0.1:58650 - "GET /?token=*** HTTP/1.1" 303 See Other']


def test_named_log_arguments_are_scrubbed_too(clean_env, capsys, caplog, monkeypatch) -> None:
    monkeypatch.setenv("ZYKLUS_SMTP_PASSWORD", PASSWORD)
    cli("--help")
    logging.getLogger("zyklus.test").warning("%(who)s asked %(times)d times", {"who": PASSWORD, "times": 3})
    assert "*** asked 3 times" in caplog.text and PASSWORD not in caplog.text
