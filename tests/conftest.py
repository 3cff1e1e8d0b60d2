"""Shared fixtures: offscreen Qt, a private data folder and a fresh real database per test.

Every test that uses the `db` fixture (directly or through `study`/`participant`/`db_path`)
runs twice, on a SQLite file and on a database of a throwaway PostgreSQL cluster
(tests/postgres.py), except the GUI tests (test_gui_*.py) and tests marked `sqlite_only`
(about SQLite files themselves). Outside CI a missing PostgreSQL skips its half, and the last
line of the run says so; with BRUGMETER_REQUIRE_POSTGRES=1 (make test, CI) it fails the run.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402

import postgres  # noqa: E402
import pytest  # noqa: E402

from desktop import i18n  # noqa: E402
from desktop.models.database import close_database, open_database  # noqa: E402
from desktop.models.services import participants, studies  # noqa: E402

BACKENDS = ("sqlite", "postgresql")
REQUIRE_POSTGRES = os.environ.get("BRUGMETER_REQUIRE_POSTGRES") == "1"
_postgres_missing: list[str] = []  # why the cluster could not start, if it could not


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only(reason): about SQLite files themselves; not run on PostgreSQL")
    config.addinivalue_line(
        "markers", "postgresql_only: needs the throwaway PostgreSQL cluster")


def pytest_generate_tests(metafunc):
    """Both backends for the service layer; GUI tests and SQLite-file tests on SQLite only."""
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("postgresql_only"):
        metafunc.parametrize("backend", ["postgresql"], indirect=True)
        return
    sqlite_only = (metafunc.module.__name__.split(".")[-1].startswith("test_gui_")
                   or metafunc.definition.get_closest_marker("sqlite_only") is not None)
    if not sqlite_only:  # else the `backend` fixture's default: SQLite, the test's id unchanged
        metafunc.parametrize("backend", list(BACKENDS), indirect=True)


@pytest.fixture
def backend(request) -> str:
    """Which database the test runs on: "sqlite" or "postgresql"."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres_cluster():
    """The session's throwaway cluster, started on first use, stopped at the end (a skip or
    failure is remembered by pytest for the session's other tests)."""
    try:
        cluster = postgres.start_cluster()
    except postgres.PostgresMissingError as error:
        _postgres_missing.append(str(error))
        _skip_or_fail(str(error))
    yield cluster
    cluster.stop()


def _skip_or_fail(reason: str) -> None:
    if REQUIRE_POSTGRES:
        pytest.fail(f"PostgreSQL required (BRUGMETER_REQUIRE_POSTGRES=1): {reason}",
                    pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture
def postgres_database(postgres_cluster):
    """The name of a migrated, empty database in the throwaway cluster (emptied for each test,
    ids from 1)."""
    return postgres_cluster.emptied()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    """After pytest's own summary line: say plainly that the PostgreSQL half did not run."""
    result = yield
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if _postgres_missing and reporter is not None:
        verdict = "failed (BRUGMETER_REQUIRE_POSTGRES=1)" if REQUIRE_POSTGRES else "skipped"
        reporter.write_line(f"PostgreSQL tests {verdict}: {_postgres_missing[0]}",
                            red=REQUIRE_POSTGRES, yellow=not REQUIRE_POSTGRES, bold=True)
    return result


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    """Never touch the user's real data folder, settings or password file; start in Dutch."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("BRUGMETER_DATA_DIR", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / "config"))
    monkeypatch.setenv("PGPASSFILE", str(folder / "pgpass"))
    i18n.set_language("nl")
    yield folder
    close_database()
    i18n.set_language("nl")


@pytest.fixture
def db_path(backend, tmp_path, request):
    """Where the test's database lives: a SQLite file, or a PostgreSQL URL (a str, which the
    CLI's --db takes the same way)."""
    if backend == "postgresql":
        name = request.getfixturevalue("postgres_database")
        return request.getfixturevalue("postgres_cluster").url(name)
    return tmp_path / "study.sqlite"


@pytest.fixture
def db(db_path):
    database = open_database(db_path)
    yield database
    close_database()


@pytest.fixture
def study(db) -> studies.StudyInfo:
    """A study with two sites and the three default moments, in Dutch."""
    study_id = studies.create_study(
        studies.StudyInput(
            name="Pilot Alphen",
            organisation="Hogeschool Utrecht",
            municipality="Alphen aan den Rijn",
            period_start=dt.date(2017, 12, 1),
            period_end=dt.date(2019, 5, 31),
            sites=["Alphen aan den Rijn", "Leiden"],
        )
    )
    return studies.get_study(study_id)


@pytest.fixture
def participant(study) -> participants.ParticipantRecord:
    pid = participants.add_participant(
        study.id,
        participants.ParticipantInput("AL-001", study.sites[0].id, "consented",
                                      dt.date(2018, 1, 8)),
    )
    return participants.get_participant(pid)


@pytest.fixture
def out(tmp_path):
    """An empty folder for written files (the database lives in tmp_path itself)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def shown_errors(monkeypatch) -> list[BaseException]:
    """The errors a GUI test's windows show to the user, collected instead of shown."""
    from desktop.views import error_dialog

    shown: list[BaseException] = []
    monkeypatch.setattr(error_dialog, "show_error", lambda parent, error: shown.append(error))
    return shown
