"""Team mode against the real throwaway PostgreSQL cluster: one clear line (nl and en) for each
reason a server cannot be used, the password kept in PostgreSQL's own password file (0600) and
the CLI giving the same figures on PostgreSQL as on SQLite."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import postgres
import pytest

from desktop import cli, i18n
from desktop.models.database import check_connection, close_database, open_database
from desktop.models.errors import DatabaseOpenError
from desktop.models.pgpass import pgpass_path, remember_password
from desktop.models.schema import Participant, database
from desktop.models.server import ServerAddress, parse_server_url, url_without_password
from desktop.models.services import shell_support, studies

ROOT = Path(__file__).resolve().parent.parent


def _refused(url: str) -> DatabaseOpenError:
    with pytest.raises(DatabaseOpenError) as caught:
        open_database(url)
    message = caught.value.message
    assert "\n" not in message and postgres.PASSWORD not in message
    assert database.obj is None or database.obj.is_closed()
    return caught.value


@pytest.fixture
def team_database(postgres_cluster):
    """An empty database the password role owns, so it may create Brugmeter's tables."""
    name = postgres_cluster.new_database_owned_by(postgres.PASSWORD_ROLE)
    yield name
    close_database()
    postgres_cluster.drop_database(name)


def _address(cluster, database: str, password: str = "") -> ServerAddress:
    return ServerAddress(cluster.socket_dir, postgres.PORT, database, postgres.PASSWORD_ROLE,
                         password)


def test_a_server_that_is_not_reachable(postgres_cluster, tmp_path):
    error = _refused("postgresql://someone@127.0.0.1:1/brugmeter")
    assert error.key == "error.server_unreachable"
    assert "127.0.0.1:1" in error.message and "niet bereikbaar" in error.message
    no_server = ServerAddress(str(tmp_path), 5432, "brugmeter", "someone")  # no socket there
    assert _refused(no_server.url()).key == "error.server_unreachable"
    i18n.set_language("en")
    assert "cannot be reached" in _refused("postgresql://someone@127.0.0.1:1/b").message


def test_a_wrong_password_and_a_missing_one(postgres_cluster, team_database):
    wrong = _address(postgres_cluster, team_database, "niet-het-wachtwoord")
    error = _refused(wrong.url(with_password=True))
    assert error.key == "error.server_password" and "wachtwoord" in error.message
    assert "niet-het-wachtwoord" not in error.message
    unknown_user = ServerAddress(postgres_cluster.socket_dir, postgres.PORT, team_database,
                                 "niemand", "x")
    assert _refused(unknown_user.url(with_password=True)).key == "error.server_password"
    missing = _refused(wrong.url())  # no password in the URL, none in the password file
    assert missing.key == "error.server_password_needed"
    i18n.set_language("en")
    assert _refused(wrong.url(with_password=True)).message.startswith("Wrong user name or pass")


def test_an_unknown_database_and_no_permission(postgres_cluster, team_database):
    right = _address(postgres_cluster, "bestaat_niet", postgres.PASSWORD)
    error = _refused(right.url(with_password=True))
    assert error.key == "error.server_unknown_database" and "bestaat_niet" in error.message
    # the shared test database: its tables belong to another role
    theirs = _address(postgres_cluster, postgres.SHARED, postgres.PASSWORD)
    assert _refused(theirs.url(with_password=True)).key == "error.server_no_permission"
    closed = postgres_cluster.new_database()
    postgres_cluster.execute(f"REVOKE CONNECT ON DATABASE {closed} FROM PUBLIC")
    try:
        shut = _address(postgres_cluster, closed, postgres.PASSWORD)
        error = _refused(shut.url(with_password=True))
        assert error.key == "error.server_no_permission" and closed in error.message
        i18n.set_language("en")
        assert "no access" in _refused(shut.url(with_password=True)).message
    finally:
        postgres_cluster.drop_database(closed)


def test_the_password_file_is_private_and_libpq_reads_it(postgres_cluster, team_database):
    address = _address(postgres_cluster, team_database, postgres.PASSWORD)
    path = remember_password(address)
    assert path == pgpass_path() == Path(os.environ["PGPASSFILE"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    remember_password(address)  # again: replaced, not doubled
    assert path.read_text().count(postgres.PASSWORD) == 1
    remembered = url_without_password(address.url(with_password=True))
    assert postgres.PASSWORD not in remembered
    open_database(remembered)  # the password comes from the file
    studies.create_study(studies.StudyInput(name="Team"))
    assert [study.name for study in studies.list_studies()] == ["Team"]


def test_a_password_with_colons_and_backslashes(postgres_cluster):
    secret = r"ge:heim\met:tekens"
    postgres_cluster.execute(
        "CREATE ROLE lastig LOGIN PASSWORD 'ge:heim\\met:tekens'",
        f"GRANT {postgres.PASSWORD_ROLE} TO lastig")
    name = postgres_cluster.new_database_owned_by("lastig")
    try:
        address = ServerAddress(postgres_cluster.socket_dir, postgres.PORT, name, "lastig",
                                secret)
        with pytest.raises(DatabaseOpenError):
            check_connection(address.url())
        remember_password(address)
        check_connection(address.url())  # read back by libpq, escapes and all
        assert parse_server_url(address.url(with_password=True)).password == secret
    finally:
        close_database()
        postgres_cluster.drop_database(name)


def test_a_failed_server_leaves_the_open_database_usable(study, postgres_cluster):
    with pytest.raises(DatabaseOpenError):
        shell_support.switch_database("postgresql://someone@127.0.0.1:1/brugmeter")
    assert studies.list_studies()[0].name == "Pilot Alphen"


def test_check_connection_does_not_touch_the_open_database(study, postgres_cluster,
                                                            team_database):
    open_now = database.obj
    check_connection(_address(postgres_cluster, team_database, postgres.PASSWORD)
                     .url(with_password=True))
    with pytest.raises(DatabaseOpenError) as error:
        check_connection(_address(postgres_cluster, team_database, "fout").url(
            with_password=True))
    assert error.value.key == "error.server_password"
    assert database.obj is open_now and studies.list_studies()[0].name == "Pilot Alphen"


def test_a_missing_driver_is_named(postgres_cluster):
    """A Python without psycopg2 (its import made to fail before anything loads it)."""
    code = ("import sys; sys.modules['psycopg2'] = None; from desktop.cli import main; "
            f"sys.exit(main(['findings', '--db', {postgres_cluster.url(postgres.SHARED)!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "psycopg2" in lines[0] and "niet geïnstalleerd" in lines[0]


def test_the_cli_gives_the_same_figures_on_postgresql_as_on_sqlite(postgres_database,
                                                                   postgres_cluster,
                                                                   tmp_path, capsys):
    url = postgres_cluster.url(postgres_database)
    file = tmp_path / "demo.sqlite"
    figures = []
    for target in (url, str(file)):
        assert cli.main(["demo", "--db", target, "--participants", "60", "--seed", "11"]) == 0
        capsys.readouterr()
        assert cli.main(["findings", "--db", target, "--json"]) == 0
        figures.append(json.loads(capsys.readouterr().out))
    on_postgresql, on_sqlite = figures
    assert on_postgresql == on_sqlite
    assert on_postgresql["response"]["participated"] == 60
    open_database(url)
    assert Participant.select().count() > 60  # the approached ones too


def test_the_cli_says_a_wrong_password_in_one_line(postgres_cluster, team_database, capsys):
    wrong = _address(postgres_cluster, team_database, "fout").url(with_password=True)
    assert cli.main(["findings", "--db", wrong]) == 1
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "Verkeerde gebruikersnaam of wachtwoord" in error
    assert "fout" not in error
    assert cli.main(["--lang", "en", "findings", "--db", "postgresql://x@127.0.0.1:1/b"]) == 1
    assert "cannot be reached" in capsys.readouterr().err


def test_a_connection_the_server_dropped_is_opened_again(postgres_cluster, postgres_database):
    """A server restart or an idle timeout ends the app's connection: the next read and the
    next save open a new one, instead of every action failing until the app is restarted."""
    open_database(postgres_cluster.url(postgres_database))
    studies.create_study(studies.StudyInput(name="Voor de onderbreking"))

    def drop() -> None:
        postgres_cluster.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE application_name = 'Brugmeter'", database=postgres_database)

    drop()
    assert [s.name for s in studies.list_studies()] == ["Voor de onderbreking"]
    drop()
    studies.create_study(studies.StudyInput(name="Na de onderbreking"))
    assert {s.name for s in studies.list_studies()} == {"Voor de onderbreking",
                                                        "Na de onderbreking"}
