"""Shared fixtures: offscreen Qt, a private data folder and a fresh real SQLite file per test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402

import pytest  # noqa: E402

from desktop import i18n  # noqa: E402
from desktop.models.database import close_database, open_database  # noqa: E402
from desktop.models.services import participants, studies  # noqa: E402


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    """Never touch the user's real data folder or settings; always start in Dutch."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("BRUGMETER_DATA_DIR", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / "config"))
    i18n.set_language("nl")
    yield folder
    close_database()
    i18n.set_language("nl")


@pytest.fixture
def db_path(tmp_path):
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
