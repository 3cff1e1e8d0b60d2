"""Findings from the coded interviews (DESIGN §4): how often each code and category occurs,
with quotes; agreement between coders (Cohen's kappa per code and pooled, beside the
percentage agreement); and, because codings and Bridge scores belong to the same pseudonymous
participants, the themes of participants who improved on a pillar beside those who did not."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

from desktop.models.services.codebook import Codebook
from desktop.models.services.codings import CodingRow
from desktop.models.services.interviews import InterviewRow
from reports.agreement import agreement, pooled_kappa
from reports.statistics import adjust_rows, fisher_exact, percent

QUOTES_PER_CODE = 2
MAX_QUOTE = 400  # characters; a longer passage is shortened with "…"


def interview_findings(book: Codebook, interviews: list[InterviewRow], rows: list[CodingRow],
                       quote_text: Any, changes: dict[int, dict[str, int]],
                       pillars: list[tuple[str, str]], alpha: float = 0.05) -> dict[str, Any]:
    """`quote_text(spans)` cuts passages out of transcripts; `changes` is each interviewed
    participant's change per pillar; `pillars` the (key, label) of the Bridge's pillars."""
    coded = {row.interview_id for row in rows}
    participants_of = {row.interview_id: row.participant_id for row in rows}
    present: dict[int, set[int]] = defaultdict(set)  # code → interviews (any coder)
    of_code: dict[int, list[CodingRow]] = defaultdict(list)  # code → its codings
    for row in rows:
        present[row.code_id].add(row.interview_id)
        of_code[row.code_id].append(row)
    codes = []
    chosen = {code.id: _quote_spans(of_code[code.id], participants_of) for code in book.codes}
    from_participants = {code.id: _quote_spans(of_code[code.id], participants_of, True)
                         for code in book.codes}
    texts = quote_text(sorted({span for spans in (*chosen.values(), *from_participants.values())
                               for span in spans}))
    with_participant = {i for i in coded if participants_of[i] is not None}
    with_professional = coded - with_participant
    for code in book.codes:
        found = present.get(code.id, set())
        codes.append({
            "code": code.name, "category": book.path(code.category_id),
            "definition": code.definition, "colour": code.colour,
            "interviews": len(found), "percent": percent(len(found), len(coded)),
            "participant_interviews": len(found & with_participant),
            "participant_percent": percent(len(found & with_participant), len(with_participant)),
            "professional_interviews": len(found & with_professional),
            "professional_percent": percent(len(found & with_professional),
                                            len(with_professional)),
            "participants": len({participants_of[i] for i in found} - {None}),
            "codings": len(of_code[code.id]),
            "quotes": [_shorten(texts[span]) for span in chosen[code.id]],
            "participant_quotes": [_shorten(texts[span]) for span in from_participants[code.id]],
        })
    categories = []
    for category in book.categories:
        inside = book.descendants(category.id)
        found = set().union(*(present.get(code.id, set()) for code in book.codes
                              if code.category_id in inside))
        categories.append({"category": book.path(category.id), "interviews": len(found),
                           "percent": percent(len(found), len(coded))})
    return {
        "interviews": len(interviews),
        "participant_interviews": sum(1 for i in interviews if i.kind == "participant"),
        "professional_interviews": sum(1 for i in interviews if i.kind == "professional"),
        "coded": len(coded),
        "coded_participant_interviews": len(with_participant),
        "coded_professional_interviews": len(with_professional),
        "participants_coded": len({participants_of[i] for i in coded} - {None}),
        "unit": "interview (a code counts once per interview, whoever applied it)",
        "codes": codes,
        "categories": categories,
        "agreement": coder_agreement(book, rows),
        "by_progress": themes_by_progress(book, rows, changes, pillars, alpha),
    }


def _quote_spans(rows: list[CodingRow], participants_of: dict[int, int | None],
                 participants_only: bool = False) -> list[tuple[int, int, int]]:
    """Up to two passages of one code's codings (`rows`) from different interviews,
    participants' first, then by interview and place in the text: the same data always gives
    the same quotes."""
    spans: list[tuple[int, int, int]] = []
    seen: set[int] = set()
    passages = [r for r in rows if r.start is not None
                and not (participants_only and participants_of[r.interview_id] is None)]
    passages.sort(key=lambda r: (participants_of[r.interview_id] is None, r.interview_id,
                                 r.start))
    for row in passages:
        if row.interview_id not in seen:
            seen.add(row.interview_id)
            spans.append((row.interview_id, row.start, row.end))
        if len(spans) == QUOTES_PER_CODE:
            break
    return spans


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1].rstrip() + "…"


def coder_agreement(book: Codebook, rows: list[CodingRow]) -> list[dict[str, Any]]:
    """Per pair of coders, over the interviews both coded (each applied at least one code
    there): per code the 2 × 2 table of present/absent per interview, kappa and % agreement;
    and over all codes the pooled kappa and the mean % agreement. Text nobody coded does not
    count as agreement: the unit is whether an interview holds the code."""
    by_coder: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    interviews_of: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        by_coder[row.coder][row.code_id].add(row.interview_id)
        interviews_of[row.coder].add(row.interview_id)
    pairs = []
    for first, second in combinations(sorted(by_coder), 2):
        shared = interviews_of[first] & interviews_of[second]
        if not shared:
            continue
        tables = []
        per_code = []
        for code in book.codes:
            table = agreement(by_coder[first][code.id], by_coder[second][code.id], shared)
            tables.append(table)
            per_code.append({"code": code.name, "n": table.n, "both": table.a,
                             "first_only": table.b, "second_only": table.c, "neither": table.d,
                             "kappa": _round(table.kappa),
                             "agreement": percent(table.a + table.d, table.n)})
        # a code neither coder applied would add 100% agreement about nothing at all
        used = [table for table in tables if table.a + table.b + table.c]
        pairs.append({
            "coders": [first, second], "interviews": len(shared), "codes": per_code,
            "codes_used": len(used),
            "kappa": _round(pooled_kappa(used)),
            "agreement": _round(100 * sum(t.observed or 0 for t in used) / len(used), 1)
            if used else None,
            "method": "cohen_kappa_per_code_on_presence_per_interview; pooled_kappa_de_vries",
        })
    return pairs


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits) + 0.0  # never "-0.0"


def themes_by_progress(book: Codebook, rows: list[CodingRow],
                       changes: dict[int, dict[str, int]], pillars: list[tuple[str, str]],
                       alpha: float) -> list[dict[str, Any]]:
    """Per pillar: interviewed participants who improved (last later level above intake)
    beside those who did not, and per code the share of each group whose interviews hold it,
    with Fisher's exact test (Holm over the codes of the pillar; exploratory)."""
    themes: dict[int, set[int]] = defaultdict(set)  # participant → codes in their interviews
    for row in rows:
        if row.participant_id is not None:
            themes[row.participant_id].add(row.code_id)
    found = []
    for key, label in pillars:
        improved = {pid for pid in themes if changes.get(pid, {}).get(key, 0) > 0}
        other = {pid for pid in themes if key in changes.get(pid, {})} - improved
        if not improved and not other:
            continue
        per_code = []
        for code in book.codes:
            a = sum(1 for pid in improved if code.id in themes[pid])
            c = sum(1 for pid in other if code.id in themes[pid])
            tested = bool(improved and other and (a + c))
            per_code.append({
                "code": code.name, "improved": a, "not_improved": c,
                "improved_percent": percent(a, len(improved)),
                "not_improved_percent": percent(c, len(other)),
                "p": fisher_exact(a, len(improved) - a, c, len(other) - c) if tested else None,
            })
        adjust_rows(per_code, alpha)
        found.append({"pillar": key, "label": label, "n_improved": len(improved),
                      "n_not_improved": len(other), "test": "fisher_exact_two_sided",
                      "adjustment": "holm_over_codes", "codes": per_code})
    return found
