"""The result sentences beside each chart, written from the statistics in the factsheet's
register: which pillars show significant progress and which do not, where the largest groups
improved, which questionnaire item improved most. A result is called significant only where
the Holm-adjusted test says so, and every figure the sentence names is the chart's figure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reports.factsheet.words import (
    counted,
    decimal,
    listing,
    n_range,
    number,
    p_value,
    percent,
    share,
    text,
)

# Where a pillar's % improved (as printed, in whole numbers) puts it in the progress sentence.
LARGE_GROUP = 33  # a third or more
SMALL_GROUP = 15  # below this: "only a small group"


@dataclass(frozen=True)
class Sentence:
    key: str
    section: str  # the section it stands in (sections.py), for the editor's list
    text: str


def generated_sentences(findings: dict[str, Any], language: str) -> list[Sentence]:
    """Every sentence the app writes for this edition, in the factsheet's order."""
    found: list[Sentence] = []

    def add(key: str, section: str, value: str | None) -> None:
        if value:
            found.append(Sentence(key, section, value))

    add("response", "participants", response_sentence(findings["response"], language))
    pillars = findings["bridge"]["pillars"]
    add("progress", "progress", progress_sentence(pillars, language))
    add("significance", "pillars", significance_sentence(findings["bridge"], language))
    for pillar in pillars:
        if pillar["n"]:
            add(f"pillar.{pillar['pillar']}", "pillars",
                pillar_sentence(pillar, language, findings["bridge"]["alpha"]))
    for questionnaire in findings.get("questionnaires", []):
        key = questionnaire["instrument"]
        add(f"questionnaire.{key}", "questionnaires",
            questionnaire_sentence(questionnaire, language))
        add(f"questionnaire.{key}.high", "questionnaires",
            high_sentence(questionnaire, language))
    rewards = findings.get("rewards")
    if rewards and rewards["n_actions"]:
        add("rewards", "rewards", reward_sentence(rewards, language))
    professionals = findings.get("professionals")
    if professionals and professionals["respondents"]:
        add("professionals", "professionals", professionals_sentence(professionals, language))
        for item in professionals["likert"]:
            if item["n"]:
                add(f"likert.{item['item']}", "implementation", likert_sentence(item, language))
        add("fidelity", "implementation", fidelity_sentence(professionals["fidelity"], language))
    interviews = findings.get("interviews")
    if interviews and interviews["coded_participant_interviews"]:
        add("interviews", "interviews", interviews_sentence(interviews, language))
    return found


def response_sentence(response: dict[str, Any], language: str) -> str:
    if not response["approached"]:
        return text("s.response_none", language)
    sentence = text("s.response", language, approached=number(response["approached"], language),
                    participated=number(response["participated"], language),
                    percent=percent(response["percent"]))
    withdrawn = response["statuses"].get("withdrawn", 0)
    if withdrawn:
        sentence += " " + counted("s.response_withdrawn", withdrawn, language,
                                  withdrawn=withdrawn)
    return sentence


def _name(row: dict[str, Any]) -> str:
    return row["label"].lower()  # pillar names run lower case in a sentence, as in the seed


def improved_share(row: dict[str, Any]) -> str:
    """A pillar's % improved as every chart and sentence prints it, from the counts."""
    return share(row["counts"]["improved"], row["n"])


def progress_sentence(pillars: list[dict[str, Any]], language: str) -> str:
    measured = [row for row in pillars if row["n"]]
    if not measured:
        return text("s.progress_none", language)
    ordered = sorted(measured, key=lambda row: -row["counts"]["improved"] / row["n"])
    shown = {row["pillar"]: int(improved_share(row)[:-1]) for row in ordered}  # as printed
    tiers = {
        "large": [_name(r) for r in ordered if shown[r["pillar"]] >= LARGE_GROUP],
        "middle": [_name(r) for r in ordered if SMALL_GROUP <= shown[r["pillar"]] < LARGE_GROUP],
        "small": [_name(r) for r in ordered if 0 < shown[r["pillar"]] < SMALL_GROUP],
        "nobody": [_name(r) for r in ordered if not r["counts"]["improved"]],
    }
    parts = [text("s.progress_intro", language, n=n_range([r["n"] for r in measured]))]
    if tiers["large"]:
        parts.append(counted("s.progress_large", len(tiers["large"]), language,
                             pillars=listing(tiers["large"], language), threshold=LARGE_GROUP))
    if tiers["middle"]:
        key = "s.progress_middle" if tiers["large"] else "s.progress_middle_first"
        parts.append(counted(key, len(tiers["middle"]), language,
                             pillars=listing(tiers["middle"], language), low=SMALL_GROUP,
                             high=LARGE_GROUP - 1))
    if tiers["small"]:
        parts.append(text("s.progress_small", language,
                          pillars=listing(tiers["small"], language), threshold=SMALL_GROUP))
    if tiers["nobody"]:
        parts.append(text("s.progress_nobody", language,
                          pillars=listing(tiers["nobody"], language)))
    return " ".join(parts)


def significance_sentence(bridge: dict[str, Any], language: str) -> str:
    measured = [row for row in bridge["pillars"] if row["n"]]
    if not measured:
        return ""
    tested = [row for row in measured if row["p_holm"] is not None]
    improved = [_name(r) for r in tested if r["significant"] and r["direction"] == "improved"]
    declined = [_name(r) for r in tested if r["significant"] and r["direction"] == "declined"]
    unchanged = [_name(r) for r in tested if not r["significant"]]
    untested = [_name(r) for r in measured if r["p_holm"] is None]
    parts = [text("s.pillars_intro", language, n=n_range([r["n"] for r in measured]))]
    if improved:
        parts.append(counted("s.pillars_improved", len(improved), language,
                             pillars=listing(improved, language)))
    if declined:
        parts.append(text("s.pillars_declined", language, pillars=listing(declined, language)))
    if unchanged:
        parts.append(text("s.pillars_unchanged" if improved or declined
                          else "s.pillars_none_significant", language,
                          pillars=listing(unchanged, language)))
    if untested:
        parts.append(text("s.pillars_untested", language, pillars=listing(untested, language),
                          min_pairs=bridge["min_pairs"]))
    return " ".join(parts)


def _test_words(row: dict[str, Any], language: str, alpha: float) -> str:
    """The outcome of one Holm-adjusted paired test, in words."""
    if row["p_holm"] is None:
        return text("s.no_test", language)
    if row["significant"]:
        return text(f"s.significant_{row['direction']}", language,
                    p=p_value(row["p_holm"], language, alpha), r=decimal(row["r"], language))
    return text("s.not_significant", language, p=p_value(row["p_holm"], language, alpha))


def pillar_sentence(row: dict[str, Any], language: str, alpha: float = 0.05) -> str:
    intake, last, n = row["distribution"]["intake"], row["distribution"]["last"], row["n"]
    counts = row["counts"]
    return " ".join((
        text("s.pillar_shares", language, improved=share(counts["improved"], n),
             stable=share(counts["stable"], n), declined=share(counts["declined"], n), n=n),
        _test_words(row, language, alpha),
        text("s.pillar_low_levels", language,
             intake=share(intake.get("1", 0) + intake.get("2", 0), n),
             last=share(last.get("1", 0) + last.get("2", 0), n)),
    ))


def questionnaire_sentence(found: dict[str, Any], language: str) -> str:
    parts = []
    worst = found.get("worst_at_intake")
    if worst:
        parts.append(text("s.q_worst", language, label=worst["label"].rstrip("."),
                          n=worst["n"]))
    paired = [row for row in found["scales"] if row["n"]]
    if not paired:
        parts.append(text("s.q_no_pairs", language))
        return " ".join(parts)
    parts.append(text("s.q_pairs", language, n=n_range([row["n"] for row in paired])))
    tested = [row for row in paired if row["p_holm"] is not None]
    significant = [row for row in tested if row["significant"]]
    better = [row["label"] for row in significant if row["direction"] == "improved"]
    worse = [row["label"] for row in significant if row["direction"] == "declined"]
    if better:
        parts.append(text("s.q_improved", language, scales=listing(better, language)))
    if worse:
        parts.append(text("s.q_declined", language, scales=listing(worse, language)))
    if not tested:
        parts.append(text("s.q_untested", language, min_pairs=found["min_pairs"]))
    elif not significant:
        parts.append(text("s.q_none_significant", language))
    largest = _largest_item(found)
    if largest:
        key = "s.q_largest" if largest["significant"] else "s.q_largest_not_significant"
        parts.append(text(key, language, label=largest["label"].rstrip("."),
                          improvement=decimal(largest["improvement"], language),
                          n=largest["n"]))
    return " ".join(parts)


def _largest_item(found: dict[str, Any]) -> dict[str, Any] | None:
    """The item with the largest mean improvement, named only when its test does not point
    the other way (a mean gain with a significant decline by the ranks would contradict)."""
    largest = found.get("largest_improvement")
    if not largest or not largest["improvement"] or largest["improvement"] <= 0:
        return None
    item = next((row for row in found["items"] if row["item"] == largest["item"]), None)
    if largest["significant"] and (item is None or item["direction"] != "improved"):
        return None
    return largest


def high_sentence(found: dict[str, Any], language: str) -> str:
    high = found.get("high")
    if not high or not high["intake"]["n"]:
        return ""
    parts = []
    norm = high["norm"]
    if norm:
        parts.append(text("s.high_norm", language, percent=percent(norm["percent_high"]),
                          n=number(norm["n"], language),
                          label=f" ({norm['label']})" if norm["label"] else ""))
    parts.append(text("s.high_intake" if norm else "s.high_intake_alone", language,
                      percent=share(high["intake"]["high"], high["intake"]["n"]),
                      n=high["intake"]["n"]))
    pairs = high["pairs"]
    if pairs["intake"]["n"]:
        parts.append(text("s.high_pairs", language,
                          intake=share(pairs["intake"]["high"], pairs["intake"]["n"]),
                          last=share(pairs["last"]["high"], pairs["last"]["n"]),
                          n=pairs["intake"]["n"]))
    return " ".join(parts)


def reward_sentence(rewards: dict[str, Any], language: str) -> str:
    overall = rewards["overall"]
    groups = [group for group in overall["groups"] if group["n"]]
    if not groups:
        return ""
    described = listing([text("s.reward_group", language, group=group["group"],
                              median=decimal(group["median_days"], language, 0)
                              if group["median_days"] is not None else "–",
                              n=group["done"]) for group in groups], language)
    parts = [text("s.reward_groups", language, groups=described)]
    if overall["p"] is None:
        parts.append(text("s.reward_no_test", language))
    elif overall["significant"]:
        parts.append(text("s.reward_significant", language,
                          p=p_value(overall["p"], language, rewards["alpha"])))
    else:
        parts.append(text("s.reward_not_significant", language,
                          p=p_value(overall["p"], language, rewards["alpha"])))
    return " ".join(parts)


def professionals_sentence(found: dict[str, Any], language: str) -> str:
    sentence = counted("s.professionals", found["respondents"], language,
                       n=found["respondents"], complete=found["complete"])
    if any(row["tied"] for row in found["ranking"]["top_five"]):
        sentence += " " + text("s.professionals_tied", language)
    return sentence


def interview_themes(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The codes participants' interviews hold, most frequent first (ties by codebook order)."""
    named = [row for row in found["codes"] if row["participant_interviews"]]
    return sorted(named, key=lambda row: -row["participant_interviews"])


def interviews_sentence(found: dict[str, Any], language: str) -> str:
    themes = interview_themes(found)
    sentence = text("s.interviews", language, n=found["participants_coded"])
    if themes:
        top = [row["code"] for row in themes[:3]]
        sentence += " " + text("s.interviews_most", language,
                               themes=listing([f"'{name}'" for name in top], language))
    return sentence


def likert_sentence(item: dict[str, Any], language: str) -> str:
    counts = item["counts"]
    return text("s.likert", language, agree=share(counts["agree"], item["n"]),
                label=item["label"].rstrip("."), n=item["n"],
                disagree=share(counts["disagree"], item["n"]))


def fidelity_sentence(fidelity: dict[str, Any], language: str) -> str:
    steps = [step for step in fidelity["steps"] if step["n"]]
    if not steps:
        return ""
    sentence = text("s.fidelity", language, percent=percent(fidelity["mean_per_professional"]),
                    n=fidelity["n_professionals"])
    lowest = min(steps, key=lambda step: step["applied"] / step["n"])
    return sentence + " " + text("s.fidelity_lowest", language, label=lowest["label"],
                                 percent=share(lowest["applied"], lowest["n"]), n=lowest["n"])
