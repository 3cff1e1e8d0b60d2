"""Rewards from the command line: the demo's actions and their findings."""

from __future__ import annotations

import json

from desktop.cli import main


def test_demo_fills_actions_like_the_pilot(tmp_path, capsys):
    db = str(tmp_path / "demo.sqlite")
    assert main(["demo", "--db", db, "--participants", "64", "--seed", "7"]) == 0
    capsys.readouterr()
    assert main(["findings", "--db", db, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["rewards"]
    assert found["groups"] == ["beloning", "geen beloning"]
    reward, other = found["overall"]["groups"]
    assert reward["rewarded"] > 0 and other["rewarded"] == 0
    assert reward["not_done"] > 0 and other["not_done"] > 0  # open actions reported, not dropped
    assert 5 < reward["median_days"] < 60 and reward["q1"] <= reward["median_days"] <= reward["q3"]
    # as in the pilot: no significant difference between the groups
    assert found["overall"]["p"] > 0.05 and not found["overall"]["significant"]
    assert found["overall"]["log_rank_p"] is not None
    assert {t["action_type"] for t in found["action_types"]} >= {"debt_help_request",
                                                                  "budget_plan"}
    assert main(["--lang", "en", "findings", "--db", db]) == 0
    text = capsys.readouterr().out
    assert "Days per action (rewardable action types)" in text and "log-rank p=" in text


def test_a_log_rank_p_is_shown_even_when_mann_whitney_was_not_run():
    from desktop.cli import _reward_lines

    overall = {"groups": [], "u": None, "z": None, "p": None, "r": None,
               "log_rank_chi2": 4.1, "log_rank_p": 0.043, "test_note": "too_few_per_group"}
    lines = _reward_lines({"follow_up_until": "2019-05-31", "overall": overall})
    assert any("log-rank p=0.043" in line for line in lines)
    assert any("Mann-Whitney niet berekend: te weinig uitgevoerde acties" in line
               for line in lines)
