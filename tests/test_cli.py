"""The `brugmeter` command: demo, findings, and one clear line with a non-zero exit on errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from desktop.cli import main
from desktop.paths import INSTRUMENTS


def test_demo_then_findings_json_through_the_installed_command(tmp_path):
    db = tmp_path / "demo.sqlite"
    exe = shutil.which("brugmeter") or os.path.join(os.path.dirname(sys.executable), "brugmeter")
    written = subprocess.run([exe, "demo", "--db", str(db), "--participants", "64", "--seed", "7"],
                             capture_output=True, text=True, check=True)
    assert "64" in written.stdout and str(db) in written.stdout
    out = subprocess.run([exe, "findings", "--db", str(db), "--json"],
                         capture_output=True, text=True, check=True)
    findings = json.loads(out.stdout)
    assert findings["response"]["participated"] == 64
    assert findings["response"]["approached"] == 139
    assert findings["response"]["percent"] == pytest.approx(46.0)
    pillars = {p["pillar"]: p for p in findings["bridge"]["pillars"]}
    assert list(pillars) == ["gezinsstabiliteit", "sociaal_netwerk", "huisvesting", "opleiding",
                             "gezondheid", "schulden", "sparen", "inkomen"]
    for pillar in pillars.values():
        assert {"pillar", "n", "improved", "stable", "declined", "p", "p_holm", "r",
                "transitions"} <= set(pillar)
        transitions = pillar["transitions"]
        assert len(transitions) == 5 and all(len(row) == 5 for row in transitions)
        assert sum(map(sum, transitions)) == pillar["n"]
        shares = pillar["improved"] + pillar["stable"] + pillar["declined"]
        assert shares == pytest.approx(100, abs=0.2)
    # the seed's pattern: large groups improve on these, few on savings and education
    for key in ("huisvesting", "gezondheid", "sociaal_netwerk", "schulden", "inkomen"):
        assert pillars[key]["improved"] > 25 and pillars[key]["significant"]
    for key in ("sparen", "opleiding"):
        assert pillars[key]["improved"] < 15 and not pillars[key]["significant"]
    assert [m["moment"] for m in findings["flow"]] == ["intake", "m6", "m12"]
    assert findings["flow"][2]["measured"] < findings["flow"][1]["measured"] <= 64


def test_demo_is_reproducible_from_its_seed(tmp_path, capsys):
    results = []
    for name in ("a.sqlite", "b.sqlite"):
        args = ["demo", "--db", str(tmp_path / name), "--participants", "40", "--seed", "3"]
        assert main(args) == 0
        from desktop.models.database import close_database

        close_database()
        capsys.readouterr()
        assert main(["findings", "--db", str(tmp_path / name), "--json"]) == 0
        close_database()
        findings = json.loads(capsys.readouterr().out)
        results.append((findings["bridge"]["pillars"], findings["questionnaires"],
                        findings["professionals"], findings["rewards"]))
    assert results[0] == results[1]


def test_findings_as_text_in_english(tmp_path, capsys):
    db = str(tmp_path / "demo.sqlite")
    assert main(["demo", "--db", db, "--participants", "30"]) == 0
    capsys.readouterr()
    assert main(["--lang", "en", "findings", "--db", db]) == 0
    text = capsys.readouterr().out
    assert "Response:" in text and "Housing" in text and "Wilcoxon" in text


@pytest.mark.parametrize(("setup", "args", "words"), [
    (None, ["findings", "--db", "{tmp}/nope.sqlite"], "niet gevonden"),
    ("garbage", ["findings", "--db", "{tmp}/bad.sqlite"], "geen Brugmeter-database"),
    ("empty", ["findings", "--db", "{tmp}/empty.sqlite"], "nog geen studie"),
    ("demo", ["demo", "--db", "{tmp}/demo.sqlite"], "bevat al een studie"),
    (None, ["demo", "--db", "{tmp}/x.sqlite", "--participants", "0"], "--participants"),
    (None, ["--lang", "en", "findings", "--db", "{tmp}/nope.sqlite"], "Database file not found"),
])
def test_errors_are_one_line_with_a_non_zero_exit(tmp_path, capsys, setup, args, words):
    from desktop.models.database import close_database, open_database

    if setup == "garbage":
        (tmp_path / "bad.sqlite").write_bytes(b"not a database at all" * 100)
    elif setup == "empty":
        open_database(tmp_path / "empty.sqlite")
        close_database()
    elif setup == "demo":
        assert main(["demo", "--db", str(tmp_path / "demo.sqlite"), "--participants", "5"]) == 0
        close_database()
    capsys.readouterr()
    code = main([a.format(tmp=tmp_path) for a in args])
    err = capsys.readouterr().err
    assert code != 0
    assert words in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_demo_without_db_goes_to_the_data_folder(_private_data_dir, capsys):
    assert main(["demo", "--participants", "10"]) == 0
    assert (_private_data_dir / "demo.sqlite").exists()


@pytest.mark.parametrize("alpha", ["7", "0", "nan"])
def test_alpha_outside_zero_and_one_is_refused(tmp_path, capsys, alpha):
    assert main(["demo", "--db", str(tmp_path / "d.sqlite"), "--participants", "8"]) == 0
    from desktop.models.database import close_database

    close_database()
    capsys.readouterr()
    assert main(["findings", "--db", str(tmp_path / "d.sqlite"), "--alpha", alpha]) != 0
    assert "--alpha" in capsys.readouterr().err


def test_an_interrupted_demo_leaves_nothing_behind(tmp_path, monkeypatch, capsys):
    from desktop.models import demo
    from desktop.models.database import close_database, open_database
    from desktop.models.services.studies import list_studies

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(demo, "_assessments", broken)
    with pytest.raises(KeyboardInterrupt):
        main(["demo", "--db", str(tmp_path / "d.sqlite"), "--participants", "8"])
    close_database()
    open_database(tmp_path / "d.sqlite")
    assert list_studies() == []


def test_demo_fills_the_questionnaires_like_the_pilot(tmp_path, capsys):
    db = str(tmp_path / "demo.sqlite")
    assert main(["demo", "--db", db, "--participants", "64", "--seed", "7"]) == 0
    capsys.readouterr()
    assert main(["findings", "--db", db, "--json"]) == 0
    found = {q["instrument"]: q for q in json.loads(capsys.readouterr().out)["questionnaires"]}
    scarcity, quality = found["financial_scarcity"], found["quality_of_life"]
    # >90% high at intake against 10% of the norm group of N=1,115
    assert scarcity["high"]["intake"]["percent"] > 90
    assert scarcity["high"]["norm"] == {"n": 1115, "percent_high": 10.0, "is_default": True,
                                        "label": scarcity["high"]["norm"]["label"]}
    assert scarcity["scales"][0]["significant"] and scarcity["scales"][0]["n"] >= 20
    assert scarcity["largest_improvement"]["item"] == "fs04"  # powerlessness about money
    assert quality["worst_at_intake"]["item"] == "zorgen"  # worries weigh most at intake
    assert quality["largest_improvement"]["item"] == "zorgen"
    health = next(item for item in quality["items"] if item["item"] == "gezondheid")
    assert health["improvement"] > 0


def test_instrument_commands_import_list_and_set_the_norm(tmp_path, capsys):
    from desktop.models.database import close_database

    db = str(tmp_path / "demo.sqlite")
    assert main(["demo", "--db", db, "--participants", "20"]) == 0
    close_database()
    definition = json.loads((INSTRUMENTS / "quality_of_life.json").read_text("utf-8"))
    definition.update(key="wellbeing", name={"nl": "Welzijn", "en": "Well-being"})
    path = tmp_path / "welzijn.json"
    path.write_text(json.dumps(definition), "utf-8")
    capsys.readouterr()
    assert main(["instrument", "import", str(path), "--db", db]) == 0
    close_database()
    assert "'wellbeing' versie 1 (Welzijn) toegevoegd" in capsys.readouterr().out
    assert main(["instrument", "settings", "financial_scarcity", "--cutoff", "5,5",
                 "--norm-n", "2000", "--norm-percent", "12,5", "--db", db]) == 0
    close_database()
    listing = capsys.readouterr().out
    assert "wellbeing" in listing and "hoog bij ≥ 5.5; normgroep N=2000, 12.5%" in listing
    assert main(["instrument", "settings", "financial_scarcity", "--cutoff", "9",
                 "--db", db]) == 1
    close_database()
    assert "afkappunt" in capsys.readouterr().err
    assert main(["findings", "--db", db]) == 0
    close_database()
    text = capsys.readouterr().out
    assert "Financiële schaarste" in text and "Normgroep: 12.5% hoog (N=2000)" in text
    assert "Hoog (score ≥ 5.5)" in text
