"""The findings of DESIGN §4 as tables, each with its n, from the same `study_findings` as the
factsheet and `brugmeter findings --json`: the figures a reader sees here are those. Headers
are in the export's language; every table is one rectangle, so filters and charts work."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from reports.statistics import percent
from reports.workbook.charts import change_chart, distribution_charts
from reports.workbook.columns import BOOLEAN, INTEGER, NUMBER, TEXT, Column, Sheet
from reports.workbook.context import ExportContext

PCT, STAT, P = "0.0", "0.00", "0.000"
Findings = dict[str, Any]


def _columns(ctx: ExportContext, spec: Sequence[tuple[str, str, str | None]],
             **labels: str) -> tuple[Column, ...]:
    """Columns from (name, type, display format); the label from the catalogue unless given."""
    return tuple(Column(name, labels.get(name) or ctx.t(f"workbook.col.{name}"), kind,
                        number_format=fmt) for name, kind, fmt in spec)


def _sheet(ctx: ExportContext, name: str, columns: tuple[Column, ...],
           rows: list[Sequence[object]], charts: Callable[[object, int], None] | None = None
           ) -> Sheet:
    return Sheet(name, ctx.t(f"workbook.sheet.{name}"), columns, lambda: rows, len(rows),
                 human_header=True, charts=charts)


def _note(ctx: ExportContext, reason: str) -> str:
    return ctx.t(f"workbook.note.test_{reason}") if reason else ""


def _direction(ctx: ExportContext, direction: str) -> str:
    return ctx.t(f"workbook.value.direction_{direction}")


TEST = (("w", NUMBER, STAT), ("z", NUMBER, STAT), ("p", NUMBER, P), ("p_holm", NUMBER, P),
        ("r", NUMBER, STAT), ("significant", BOOLEAN, None), ("direction", TEXT, None),
        ("note", TEXT, None))


def _test(ctx: ExportContext, row: dict[str, Any]) -> list[object]:
    return [row.get("w"), row.get("z"), row.get("p"), row.get("p_holm"), row.get("r"),
            row.get("significant"), _direction(ctx, row.get("direction", "none")),
            _note(ctx, row.get("test_note", ""))]


def response_sheet(ctx: ExportContext, found: Findings) -> list[Sheet]:
    response = found["response"]
    measures = [("approached", response["approached"]), ("participated", response["participated"]),
                ("percent", response["percent"])]
    measures += [(f"status_{status}", count) for status, count in response["statuses"].items()]
    rows = [[key, ctx.t(f"workbook.value.{key}"), value] for key, value in measures]
    flow = _columns(ctx, (("moment", TEXT, None), ("moment_name", TEXT, None),
                          ("participating", INTEGER, None), ("measured", INTEGER, None),
                          ("missing", INTEGER, None), ("withdrawn", INTEGER, None),
                          ("not_yet_due", INTEGER, None), ("no_assessment", INTEGER, None)))
    flow_rows = [[m["moment"], m["name"], m["participating"], m["measured"], m["missing"],
                  *(m["missing_reasons"].get(reason, 0)
                    for reason in ("withdrawn", "not_yet_due", "no_assessment"))]
                 for m in found["flow"]]
    return [
        _sheet(ctx, "findings_response", _columns(
            ctx, (("measure", TEXT, None), ("label", TEXT, None), ("value", NUMBER, "General"))),
            rows),
        _sheet(ctx, "findings_flow", flow, flow_rows),
    ]


CHANGE = (("pillar", TEXT, None), ("label", TEXT, None), ("n", INTEGER, None),
          ("improved", NUMBER, PCT), ("stable", NUMBER, PCT), ("declined", NUMBER, PCT),
          ("n_improved", INTEGER, None), ("n_stable", INTEGER, None),
          ("n_declined", INTEGER, None), *TEST)


def bridge_sheets(ctx: ExportContext, found: Findings) -> list[Sheet]:
    pillars = found["bridge"]["pillars"]
    columns = _columns(ctx, CHANGE)
    rows = [[p["pillar"], p["label"], p["n"], p["improved"], p["stable"], p["declined"],
             p["counts"]["improved"], p["counts"]["stable"], p["counts"]["declined"],
             *_test(ctx, p)] for p in pillars]

    def chart(ws: object, written: int) -> None:
        change_chart(ws, ctx.t("workbook.chart.change"), written, 2, 4, 6,
                     ctx.t("workbook.chart.percent"), len(columns) + 2)

    levels = list(found["bridge"]["levels"])
    texts = {item.key: item for item in ctx.bridge.items}
    level_rows: list[list[object]] = []
    blocks: list[tuple[str, int, int]] = []
    for p in pillars:
        first = len(level_rows) + 2
        intake, last = p["distribution"]["intake"], p["distribution"]["last"]
        item = texts.get(p["pillar"])
        for level in levels:
            before, after = intake[str(level)], last[str(level)]
            level_rows.append([
                p["pillar"], p["label"], level,
                item.level_text(level, ctx.language) if item and item.levels else "",
                p["n"], before, after, percent(before, p["n"]), percent(after, p["n"])])
        blocks.append((f"{p['label']} (n={p['n']})", first, len(level_rows) + 1))
    level_columns = _columns(ctx, (("pillar", TEXT, None), ("label", TEXT, None),
                                   ("level", INTEGER, None), ("level_text", TEXT, None),
                                   ("n", INTEGER, None), ("intake", INTEGER, None),
                                   ("last", INTEGER, None), ("intake_percent", NUMBER, PCT),
                                   ("last_percent", NUMBER, PCT)))

    def level_charts(ws: object, _written: int) -> None:
        distribution_charts(ws, blocks, 3, 8, 9, (ctx.t("workbook.col.intake"),
                                                  ctx.t("workbook.col.last")),
                            ctx.t("workbook.chart.percent"), len(level_columns) + 2)

    transitions = [[p["pillar"], p["label"], before, after, p["transitions"][i][j], p["n"]]
                   for p in pillars for i, before in enumerate(levels)
                   for j, after in enumerate(levels)]
    sheets = [
        _sheet(ctx, "findings_bridge", columns, rows, chart),
        _sheet(ctx, "findings_levels", level_columns, level_rows, level_charts),
        _sheet(ctx, "findings_transitions", _columns(
            ctx, (("pillar", TEXT, None), ("label", TEXT, None), ("intake_level", INTEGER, None),
                  ("last_level", INTEGER, None), ("count", INTEGER, None),
                  ("n", INTEGER, None))), transitions),
    ]
    if found.get("sites"):
        site_rows = [[site["site"], p["pillar"], p["label"], p["n"], p["improved"], p["stable"],
                      p["declined"], p["p"], p["p_holm"], p["significant"],
                      _direction(ctx, p["direction"]), _note(ctx, p["test_note"])]
                     for site in found["sites"] for p in site["pillars"]]
        sheets.append(_sheet(ctx, "findings_sites", _columns(
            ctx, (("site", TEXT, None), ("pillar", TEXT, None), ("label", TEXT, None),
                  ("n", INTEGER, None), ("improved", NUMBER, PCT), ("stable", NUMBER, PCT),
                  ("declined", NUMBER, PCT), ("p", NUMBER, P), ("p_holm", NUMBER, P),
                  ("significant", BOOLEAN, None), ("direction", TEXT, None),
                  ("note", TEXT, None))), site_rows))
    return sheets


QUESTIONNAIRE = (("instrument", TEXT, None), ("kind", TEXT, None), ("key", TEXT, None),
                 ("number", INTEGER, None), ("label", TEXT, None), ("reverse", BOOLEAN, None),
                 ("n", INTEGER, None), ("at_intake_n", INTEGER, None),
                 ("at_intake_mean", NUMBER, STAT), ("intake_mean", NUMBER, STAT),
                 ("intake_sd", NUMBER, STAT), ("intake_median", NUMBER, STAT),
                 ("last_mean", NUMBER, STAT), ("last_sd", NUMBER, STAT),
                 ("last_median", NUMBER, STAT), ("improvement", NUMBER, STAT),
                 ("improved", NUMBER, PCT), ("declined", NUMBER, PCT), *TEST)


def questionnaire_sheets(ctx: ExportContext, found: Findings) -> list[Sheet]:
    rows: list[list[object]] = []
    for q in found["questionnaires"]:
        for kind, entries in (("scale", q["scales"]), ("item", q["items"])):
            for e in entries:
                rows.append([
                    q["instrument"], ctx.t(f"workbook.value.kind_{kind}"),
                    e.get("scale") or e.get("item"), e.get("number"), e["label"],
                    e.get("reverse") if kind == "item" else None, e["n"],
                    e["at_intake"]["n"], e["at_intake"]["mean"], e["intake"]["mean"],
                    e["intake"]["sd"], e["intake"]["median"], e["last"]["mean"],
                    e["last"]["sd"], e["last"]["median"], e["improvement"], e["improved"],
                    e["declined"], *_test(ctx, e)])
    moments = [m.key for m in ctx.study.moments]
    high_spec = [("instrument", TEXT, None), ("title", TEXT, None), ("scale", TEXT, None),
                 ("cutoff", NUMBER, None), ("intake_n", INTEGER, None),
                 ("intake_high", INTEGER, None), ("intake_percent", NUMBER, PCT),
                 ("last_n", INTEGER, None), ("last_high", INTEGER, None),
                 ("last_percent", NUMBER, PCT), ("pairs_n", INTEGER, None),
                 ("pairs_intake_percent", NUMBER, PCT), ("pairs_last_percent", NUMBER, PCT),
                 ("norm_n", INTEGER, None), ("norm_percent_high", NUMBER, PCT),
                 ("norm_label", TEXT, None), ("largest_item", TEXT, None),
                 ("largest_improvement", NUMBER, STAT)]
    responses = [(f"responses_{key}", INTEGER, None) for key in moments]
    labels = {f"responses_{m.key}": ctx.t("workbook.col.responses_at", moment=m.name)
              for m in ctx.study.moments}
    high_rows = []
    for q in found["questionnaires"]:
        high, largest = q["high"] or {}, q["largest_improvement"] or {}
        norm = high.get("norm") or {}
        intake, last = high.get("intake", {}), high.get("last", {})
        pairs = high.get("pairs", {"intake": {}, "last": {}})
        high_rows.append([
            q["instrument"], q["title"], high.get("scale"), high.get("cutoff"),
            intake.get("n"), intake.get("high"), intake.get("percent"), last.get("n"),
            last.get("high"), last.get("percent"), pairs["intake"].get("n"),
            pairs["intake"].get("percent"), pairs["last"].get("percent"), norm.get("n"),
            norm.get("percent_high"), norm.get("label"),
            largest.get("label"), largest.get("improvement"),
            *(q["responses"].get(key, 0) for key in moments)])
    return [
        _sheet(ctx, "findings_questionnaires", _columns(ctx, QUESTIONNAIRE), rows),
        _sheet(ctx, "findings_high", _columns(ctx, (*high_spec, *responses), **labels),
               high_rows),
    ]


def professional_sheets(ctx: ExportContext, found: Findings) -> list[Sheet]:
    pro = found["professionals"]
    ranking = pro["ranking"]
    ranked = sorted(ranking["elements"], key=lambda e: (e["position"] or 10**6, e["label"]))
    rank_rows = [[e["element"], e["label"], ranking["n"], e["times_ranked"], e["mean_rank"],
                  e["median_rank"], e["borda"], e["borda_mean"], e["top_five"],
                  e["top_five_percent"], e["position"], e["tied"]] for e in ranked]
    survey = ctx.survey
    values = list(range(survey.likert_min, survey.likert_max + 1))
    likert_spec = [("statement", TEXT, None), ("label", TEXT, None), ("n", INTEGER, None),
                   ("agree", NUMBER, PCT), ("neutral", NUMBER, PCT), ("disagree", NUMBER, PCT),
                   ("median", NUMBER, None)] + [(f"count_{v}", INTEGER, None) for v in values]
    labels = {f"count_{v}": ctx.t("workbook.col.count_value", value=v,
                                  label=survey.likert_label(v, ctx.language)) for v in values}
    likert_rows = [[i["item"], i["label"], i["n"], i["agree"], i["neutral"], i["disagree"],
                    i["median"], *(i["distribution"].get(str(v), 0) for v in values)]
                   for i in pro["likert"]]
    fidelity = pro["fidelity"]
    step_rows = [[s["step"], s["label"], s["n"], s["applied"], s["percent"]]
                 for s in fidelity["steps"]]
    step_rows.append(["overall", ctx.t("workbook.value.all_steps"), fidelity["n_professionals"],
                      None, fidelity["overall_percent"]])
    return [
        _sheet(ctx, "findings_ranking", _columns(
            ctx, (("element", TEXT, None), ("label", TEXT, None), ("n", INTEGER, None),
                  ("times_ranked", INTEGER, None), ("mean_rank", NUMBER, STAT),
                  ("median_rank", NUMBER, None), ("borda", INTEGER, None),
                  ("borda_mean", NUMBER, STAT), ("top_five", INTEGER, None),
                  ("top_five_percent", NUMBER, PCT), ("position", INTEGER, None),
                  ("tied", BOOLEAN, None))), rank_rows),
        _sheet(ctx, "findings_likert", _columns(ctx, likert_spec, **labels), likert_rows),
        _sheet(ctx, "findings_fidelity", _columns(
            ctx, (("step", TEXT, None), ("label", TEXT, None), ("n", INTEGER, None),
                  ("applied", INTEGER, None), ("percent", NUMBER, PCT))), step_rows),
    ]


REWARDS = (("scope", TEXT, None), ("action_type", TEXT, None), ("label", TEXT, None),
           ("rewardable", BOOLEAN, None), ("group", TEXT, None), ("n", INTEGER, None),
           ("participants", INTEGER, None), ("done", INTEGER, None),
           ("percent_done", NUMBER, PCT), ("not_done", INTEGER, None),
           ("rewarded", INTEGER, None), ("median_days", NUMBER, None), ("q1", NUMBER, None),
           ("q3", NUMBER, None), ("median_time_to_done", NUMBER, None), ("u", NUMBER, STAT),
           ("z", NUMBER, STAT), ("p", NUMBER, P), ("p_holm", NUMBER, P), ("r", NUMBER, STAT),
           ("log_rank_chi2", NUMBER, STAT), ("log_rank_p", NUMBER, P),
           ("significant", BOOLEAN, None), ("note", TEXT, None))


def reward_sheets(ctx: ExportContext, found: Findings) -> list[Sheet]:
    rewards = found["rewards"]

    def lines(scope: str, key: str, label: str, rewardable: bool | None,
              result: dict[str, Any]) -> Iterator[list[object]]:
        for g in result["groups"]:
            yield [scope, key, label, rewardable, g["group"], g["n"], g["participants"],
                   g["done"], g["percent_done"], g["not_done"], g["rewarded"], g["median_days"],
                   g["q1"], g["q3"], g["median_time_to_done"], result.get("u"), result.get("z"),
                   result.get("p"), result.get("p_holm"), result.get("r"),
                   result.get("log_rank_chi2"), result.get("log_rank_p"),
                   result.get("significant"), _note(ctx, result.get("test_note", ""))]

    rows = list(lines(ctx.t("workbook.value.scope_overall"), "",
                      ctx.t("workbook.value.rewardable_types"), True, rewards["overall"]))
    for kind in rewards["action_types"]:
        rows += lines(ctx.t("workbook.value.scope_type"), kind["action_type"], kind["label"],
                      kind["rewardable"], kind)
    return [_sheet(ctx, "findings_rewards", _columns(ctx, REWARDS), rows)]


FindingsKind = Callable[[ExportContext, Findings], list[Sheet]]
# Every findings table, in the order of the workbook: a new finding adds its builder here.
FINDINGS_SHEETS: tuple[FindingsKind, ...] = (
    response_sheet, bridge_sheets, questionnaire_sheets, professional_sheets, reward_sheets)
