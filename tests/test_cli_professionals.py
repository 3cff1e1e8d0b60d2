"""The professionals' survey from the command line: demo data, findings, survey and listing."""

from __future__ import annotations

import json

import pytest

from desktop.cli import main
from desktop.models.database import close_database


@pytest.fixture
def demo_db(tmp_path, capsys) -> str:
    db = str(tmp_path / "demo.sqlite")
    assert main(["demo", "--db", db, "--participants", "64", "--seed", "7"]) == 0
    close_database()
    capsys.readouterr()
    return db


def test_demo_fills_the_survey_like_the_pilot(demo_db, capsys):
    assert main(["findings", "--db", demo_db, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["professionals"]
    assert found["respondents"] >= 10 and found["partial"] < found["respondents"]
    top = [t["element"] for t in found["ranking"]["top_five"]]
    # the focus group's favourites lead, as in the factsheet; recognition trails
    assert {"positive_approach", "small_steps"} <= set(top[:3])
    assert "recognition" not in top
    likert = {item["item"]: item for item in found["likert"]}
    assert likert["workload"]["agree"] > 50  # the majority experienced a high workload
    assert all(item["n"] <= found["respondents"] for item in found["likert"])
    assert 40 < found["fidelity"]["overall_percent"] < 85  # room for improvement


def test_findings_text_shows_the_top_five_in_english(demo_db, capsys):
    assert main(["--lang", "en", "findings", "--db", demo_db]) == 0
    text = capsys.readouterr().out
    assert "Professionals' survey:" in text and "Top five (Borda points" in text
    assert "Fidelity:" in text and "Statements on implementation" in text


def test_survey_show_export_and_import(demo_db, tmp_path, capsys):
    assert main(["survey", "show", "--db", demo_db]) == 0
    shown = capsys.readouterr().out
    assert "top 5" in shown and "small_steps" in shown and "workload" in shown
    target = tmp_path / "survey.json"
    assert main(["survey", "export", str(target), "--db", demo_db]) == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    data["ranking"]["elements"][0]["label"]["en"] = "A positive first contact"
    data["ranking"]["elements"].append({"key": "peer_support",
                                        "label": {"nl": "Lotgenoten", "en": "Peer support"}})
    target.write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    assert main(["--lang", "en", "survey", "import", str(target), "--db", demo_db]) == 0
    shown = capsys.readouterr().out
    assert "A positive first contact" in shown and "peer_support" in shown
    # removing an element that has answers is refused, with one clear line
    del data["ranking"]["elements"][1]
    target.write_text(json.dumps(data), encoding="utf-8")
    assert main(["survey", "import", str(target), "--db", demo_db]) == 1
    error = capsys.readouterr().err
    assert "small_steps" in error and "antwoorden" in error and len(error.splitlines()) == 1


def test_professional_add_and_list(demo_db, capsys):
    assert main(["professional", "add", "PR-NEW", "--role", "mentor", "--site", "leiden",
                 "--db", demo_db]) == 0
    listed = capsys.readouterr().out
    assert "PR-NEW" in listed and "Mentor / klantmanager" in listed and "Leiden" in listed
    assert "geen enquête" in listed and "enquête volledig" in listed
    assert main(["professional", "add", "PR-NEW", "--db", demo_db]) == 1
    assert "bestaat al" in capsys.readouterr().err
    assert main(["professional", "add", "PR-X", "--site", "Utrecht", "--db", demo_db]) == 2
    assert "Utrecht" in capsys.readouterr().err
