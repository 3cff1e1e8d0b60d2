"""Goal-action plans: action types, validation of actions, and the rewards findings."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal

import pytest
from scipy import stats

from desktop.models.errors import ValidationError
from desktop.models.schema import Action, AuditEntry
from desktop.models.services import actions, participants
from desktop.models.services.actions import ActionInput, ActionRow, ActionTypeInfo
from reports.findings import study_findings
from reports.rewards import follow_up_end, reward_findings


@pytest.fixture
def types(study) -> dict[str, actions.ActionTypeInfo]:
    return {kind.key: kind for kind in actions.action_types(study.id)}


def test_a_study_starts_with_the_template_types(types):
    assert types["debt_help_request"].rewardable and not types["budget_plan"].rewardable
    assert types["debt_help_request"].text("en") == "Apply for debt counselling"


def test_an_action_is_stored_audited_and_read_back(participant, types):
    action_id = actions.add_action(participant.id, ActionInput(
        types["debt_help_request"].id, "15-1-2018", "2018-02-01", "schulden", "cadeaubon",
        "10,50", "eerste stap"))
    (stored,) = actions.participant_actions(participant.id)
    assert (stored.id, stored.agreed_on, stored.done_on, stored.days) == (
        action_id, dt.date(2018, 1, 15), dt.date(2018, 2, 1), 17)
    assert (stored.reward_kind, stored.reward_value, stored.pillar) == (
        "cadeaubon", Decimal("10.50"), "schulden")
    assert stored.action_type == "Schuldhulpverlening aanvragen"
    assert stored.action_type_id == types["debt_help_request"].id and stored.rewardable
    actions.update_action(action_id, ActionInput(types["debt_help_request"].id, "2018-01-15"),
                          expected_version=1)
    assert actions.participant_actions(participant.id)[0].done_on is None
    with pytest.raises(ValidationError, match="gewijzigd"):
        actions.update_action(action_id, ActionInput(types["budget_plan"].id, "2018-01-15"),
                              expected_version=1)
    fields = {e.field for e in AuditEntry.select().where(
        (AuditEntry.table == "action") & (AuditEntry.action == "update"))}
    assert {"done_on", "reward_kind", "reward_value"} <= fields


@pytest.mark.parametrize(("kind", "data", "field", "key"), [
    ("budget_plan", {"agreed_on": "2018-03-01", "done_on": "2018-02-01"}, "done_on",
     "error.done_before_agreed"),
    ("budget_plan", {"agreed_on": "2999-01-01"}, "agreed_on", "error.date_future"),
    ("budget_plan", {"agreed_on": "2018-03-01", "done_on": "2999-01-01"}, "done_on",
     "error.date_future"),
    ("budget_plan", {"agreed_on": "2017-01-01"}, "agreed_on", "error.action_before_inclusion"),
    ("budget_plan", {"agreed_on": None}, "agreed_on", "error.date_required"),
    ("budget_plan", {"agreed_on": "2018-03-01", "done_on": "2018-03-02",
                     "reward_kind": "cadeaubon"}, "reward_kind", "error.reward_not_rewardable"),
    ("debt_overview", {"agreed_on": "2018-03-01", "reward_kind": "cadeaubon"}, "done_on",
     "error.reward_not_done"),
    ("debt_overview", {"agreed_on": "2018-03-01", "done_on": "2018-03-02",
                       "reward_value": "25"}, "reward_kind", "error.reward_kind_required"),
    ("debt_overview", {"agreed_on": "2018-03-01", "done_on": "2018-03-02",
                       "reward_kind": "bon", "reward_value": "-5"}, "reward_value",
     "error.reward_value"),
    ("debt_overview", {"agreed_on": "2018-03-01", "reward_value": "veel"}, "reward_value",
     "error.number_invalid"),
    ("debt_overview", {"agreed_on": "2018-03-01", "pillar": "geluk"}, "pillar",
     "error.pillar_unknown"),
    (None, {"agreed_on": "2018-03-01"}, "action_type", "error.action_type_unknown"),
])
def test_impossible_actions_are_refused_and_nothing_is_stored(participant, types, kind, data,
                                                              field, key):
    with pytest.raises(ValidationError) as error:
        actions.add_action(participant.id,
                           ActionInput(types[kind].id if kind else 999, **data))
    assert (error.value.field, error.value.key) == (field, key)
    assert Action.select().count() == 0


def test_the_message_for_a_reward_on_a_non_rewardable_type_names_it(participant, types):
    with pytest.raises(ValidationError) as error:
        actions.add_action(participant.id, ActionInput(
            types["budget_plan"].id, "2018-03-01", "2018-03-02", reward_kind="cadeaubon"))
    assert "'Budgetplan opstellen' is geen belonende actiesoort" in error.value.message


def test_action_types_are_configurable_but_never_lose_data(study, participant, types):
    new_id = actions.save_action_type(study.id, actions.ActionTypeInput("Huurachterstand "
                                                                         "regelen", "", True))
    added = {kind.id: kind for kind in actions.action_types(study.id)}[new_id]
    assert added.key == "huurachterstand_regelen" and added.label["en"] == "Huurachterstand regelen"
    with pytest.raises(ValidationError, match="al een actiesoort"):
        actions.save_action_type(study.id, actions.ActionTypeInput("huurachterstand regelen"))
    actions.add_action(participant.id, ActionInput(new_id, "2018-03-01", "2018-03-05",
                                                   reward_kind="cadeaubon", reward_value=10))
    with pytest.raises(ValidationError, match="blijft belonend"):
        actions.save_action_type(study.id, actions.ActionTypeInput("Huur", "Rent", False), new_id)
    with pytest.raises(ValidationError, match="1 acties"):
        actions.delete_action_type(study.id, new_id)
    actions.delete_action_type(study.id, types["social_activity"].id)
    assert "social_activity" not in {kind.key for kind in actions.action_types(study.id)}


def test_a_participant_who_did_not_take_part_has_no_actions(study, types):
    pid = participants.add_participant(study.id, participants.ParticipantInput(
        "AL-009", status="declined"))
    with pytest.raises(ValidationError, match="AL-009"):
        actions.add_action(pid, ActionInput(types["budget_plan"].id, "2018-03-01"))


def _row(group: str, agreed: int, done: int | None, kind: str = "debt",
         participant: int = 1) -> ActionRow:
    start = dt.date(2018, 1, 1)
    return ActionRow(group, participant, kind, kind == "debt", start + dt.timedelta(days=agreed),
                     start + dt.timedelta(days=done) if done is not None else None, False)


TYPES = [ActionTypeInfo(1, "debt", {"nl": "Schulden", "en": "Debts"}, True, 0),
         ActionTypeInfo(2, "gp", {"nl": "Huisarts", "en": "GP"}, False, 1)]


def test_reward_findings_by_hand_with_ties_and_open_actions():
    until = dt.date(2018, 3, 2)  # day 60
    rows = [
        # reward group: 4, 10, 10 days; one open since day 50 (censored at 10 days)
        _row("beloning", 0, 4), _row("beloning", 0, 10), _row("beloning", 5, 15),
        _row("beloning", 50, None),
        # no reward: 10, 12, 20 days and one open since day 0 (censored at 60)
        _row("geen beloning", 0, 10), _row("geen beloning", 0, 12), _row("geen beloning", 0, 20),
        _row("geen beloning", 0, None),
        # a non-rewardable action stays out of the overall comparison
        _row("beloning", 0, 1, "gp"),
    ]
    found = reward_findings(TYPES, rows, until)
    overall = found["overall"]
    reward, none = overall["groups"]
    assert (reward["group"], reward["n"], reward["done"], reward["not_done"]) == (
        "beloning", 4, 3, 1)
    assert (reward["median_days"], reward["q1"], reward["q3"]) == (10, 7, 10)
    assert reward["percent_done"] == 75.0
    assert (none["median_days"], none["q1"], none["q3"]) == (12, 11, 16)
    # Mann–Whitney on done days 4 10 10 | 10 12 20: ranks 1, 3, 3 | 3, 5, 6 → U = 7 − 6 = 1
    assert overall["u"] == 1.0
    theirs_p = stats.mannwhitneyu([4, 10, 10], [10, 12, 20], method="asymptotic",
                                  use_continuity=False).pvalue
    assert overall["p"] == pytest.approx(theirs_p)
    # Kaplan–Meier of the reward group: done at 4, 10, 10; the open one censored at day 10
    assert [(c["days"], c["done"], c["censored"], c["percent_done"])
            for c in reward["curve"]] == [(4, 1, 0, 25.0), (10, 2, 1, 75.0)]
    assert reward["median_time_to_done"] == 10
    assert none["curve"][-1] == {"days": 60, "at_risk": 1, "done": 0, "censored": 1,
                                 "percent_done": 75.0}
    assert not overall["significant"]
    # log-rank on the timed actions, open ones censored: as scipy computes it
    reward_data = stats.CensoredData(uncensored=[4, 10, 10], right=[10])
    other_data = stats.CensoredData(uncensored=[10, 12, 20], right=[60])
    theirs = stats.logrank(reward_data, other_data)
    assert overall["log_rank_chi2"] == pytest.approx(theirs.statistic**2, abs=1e-3)
    assert overall["log_rank_p"] == pytest.approx(theirs.pvalue)
    assert overall["z"] < 0 and overall["r"] == pytest.approx(abs(overall["z"]) / math.sqrt(6),
                                                              abs=1e-3)
    per_type = {t["action_type"]: t for t in found["action_types"]}
    assert per_type["gp"]["test_note"] == "too_few_per_group" and per_type["gp"]["p"] is None
    assert [g["n"] for g in per_type["gp"]["groups"]] == [1, 0]
    assert per_type["debt"]["p_holm"] == pytest.approx(overall["p"])


def test_no_test_with_one_group_or_tiny_groups():
    rows = [_row("beloning", 0, d) for d in (3, 4, 5)]
    assert reward_findings(TYPES, rows, dt.date(2018, 6, 1))["overall"]["test_note"] == \
        "needs_two_groups"
    rows += [_row("geen beloning", 0, 2)]
    assert reward_findings(TYPES, rows, dt.date(2018, 6, 1))["overall"]["test_note"] == \
        "too_few_per_group"


def test_follow_up_ends_at_the_study_end_or_today():
    assert follow_up_end(dt.date(2019, 5, 31), dt.date(2026, 1, 1)) == dt.date(2019, 5, 31)
    assert follow_up_end(dt.date(2030, 1, 1), dt.date(2026, 1, 1)) == dt.date(2026, 1, 1)
    assert follow_up_end(None, dt.date(2026, 1, 1)) == dt.date(2026, 1, 1)


def test_rewards_in_the_study_findings(study, types):
    for number, (group, done) in enumerate([("beloning", "2018-03-04"),
                                            ("geen beloning", None)], start=1):
        pid = participants.add_participant(study.id, participants.ParticipantInput(
            f"AL-10{number}", None, "consented", "2018-01-08", group))
        actions.add_action(pid, ActionInput(types["debt_overview"].id, "2018-03-01", done))
    found = json.loads(json.dumps(study_findings(study.id)))["rewards"]
    assert found["groups"] == ["beloning", "geen beloning"]
    assert found["follow_up_until"] == "2019-05-31"
    assert [g["not_done"] for g in found["overall"]["groups"]] == [0, 1]
    assert found["overall"]["test_note"] == "too_few_per_group"


def test_follow_up_ends_for_done_and_agreed_dates_alike():
    until = dt.date(2018, 2, 1)  # day 31
    rows = [_row("a", 0, 40), _row("a", 0, 5), _row("a", 0, 6), _row("a", 35, None),
            _row("b", 0, 7), _row("b", 0, 8), _row("b", 0, 9)]
    found = reward_findings(TYPES, rows, until)
    first = found["overall"]["groups"][0]
    # done on day 40 is still open at the end of follow-up: censored at 31 days, not done
    assert (first["n"], first["done"], first["not_done"]) == (3, 2, 1)
    assert first["curve"][-1] == {"days": 31, "at_risk": 1, "done": 0, "censored": 1,
                                  "percent_done": 66.7}
    assert found["after_follow_up"] == 1  # agreed on day 35: outside, counted apart


def test_group_names_match_whatever_their_case():
    rows = [_row("Beloning", 0, 3), _row("beloning ", 0, 4), _row("geen", 0, 5)]
    found = reward_findings(TYPES, rows, dt.date(2018, 6, 1))
    assert found["groups"] == ["Beloning", "geen"]
    assert found["overall"]["groups"][0]["n"] == 2


def test_holm_within_rewardable_types_and_within_the_others():
    types = [*TYPES, ActionTypeInfo(3, "debt2", {"nl": "x", "en": "x"}, True, 2)]
    rows = [_row(g, 0, d, kind, participant=n) for n, (g, d, kind) in enumerate(
        [(g, d, k) for k in ("debt", "debt2", "gp") for g, ds in
         (("a", (2, 3, 4, 5)), ("b", (9, 10, 11, 12))) for d in ds])]
    rows = [row._replace(rewardable=row.action_type != "gp") for row in rows]
    found = reward_findings(types, rows, dt.date(2018, 6, 1))
    per_type = {t["action_type"]: t for t in found["action_types"]}
    p = per_type["debt"]["p"]
    assert per_type["debt"]["p_holm"] == pytest.approx(min(1, 2 * p))  # two rewardable types
    assert per_type["gp"]["p_holm"] == pytest.approx(per_type["gp"]["p"])  # a family of one
    assert per_type["debt"]["log_rank_p_holm"] == pytest.approx(
        min(1, 2 * per_type["debt"]["log_rank_p"]))
    # overall: the two rewardable types, one action per participant here
    assert [group["participants"] for group in found["overall"]["groups"]] == [8, 8]


def test_a_participant_with_actions_keeps_a_participating_status(study, participant, types):
    actions.add_action(participant.id, ActionInput(types["budget_plan"].id, "2018-02-01"))
    data = participants.participant_input(participant)
    data.status = "declined"
    with pytest.raises(ValidationError) as error:
        participants.update_participant(participant.id, data)
    assert error.value.key == "error.status_has_assessments"
    data = participants.participant_input(participant)
    data.inclusion_date = "2018-03-01"
    with pytest.raises(ValidationError) as error:
        participants.update_participant(participant.id, data)
    assert error.value.key == "error.inclusion_after_assessment"


def test_the_last_action_type_stays(study, types):
    for kind in list(types.values())[1:]:
        actions.delete_action_type(study.id, kind.id)
    with pytest.raises(ValidationError, match="laatste actiesoort"):
        actions.delete_action_type(study.id, next(iter(types.values())).id)
    assert len(actions.action_types(study.id)) == 1  # the template does not come back
