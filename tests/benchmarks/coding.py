"""(k) Coding a 300,000-character transcript in the real interviews page, offscreen, beside a
bare QPlainTextEdit holding the same text, measured in the same run:

- open: the interview opened in the page (transcript, 500 existing codings highlighted, the
  codings list, the codebook's counts) and painted, vs QPlainTextEdit.setPlainText + paint
- scroll: 200 Page Down steps through the text, each followed by processEvents (a repaint with
  the highlights and the coding stripes), vs the same on the bare text
- apply: 200 codings one after another as a user makes them: a passage selected, then Alt+1 …
  Alt+9 on the transcript (the shortcut, the undoable command, the database, the highlights,
  the list and the counts refreshed, and a repaint); total and per coding p50/p95/max
- the same apply with 3,000 codings on the transcript: the refresh is O(codings)
- undo: the last 200 codings taken back with Ctrl+Z

Not part of CI. Called as bench_coding(); also runnable alone:
`python tests/benchmarks/coding.py`.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHARACTERS = 300_000
EXISTING = 500
APPLIED = 200
MANY = 3_000

QUESTIONS = (
    "Hoe kwam u in contact met de gemeente?", "Wat vond u van de gesprekken met uw begeleider?",
    "Kunt u een voorbeeld geven van iets dat u hielp?", "Hoe ging het werken met de doelen?",
    "Wat vond u van de beloningen?", "Wat zou u anders willen?", "Hoe gaat het nu met u?",
    "Wat betekende de Brug voor u?", "Is er iets wat u nog kwijt wilt?",
    "Hoe was het contact met het Werkplein?", "Wat deed u als het even tegenzat?",
)
ANSWERS = (
    "Ik had gewoon één iemand die ik altijd kon bellen, dat scheelde enorm.",
    "Ze keek niet op me neer, ook niet toen ik een afspraak was vergeten.",
    "Ik heb geleerd hoe ik een betalingsregeling aanvraag, dat doe ik nu zelf.",
    "Toen we de pijlers langsgingen snapte ik waar het knelde.",
    "Dat ik iets kreeg voor die lastige afspraak deed me goed, eerlijk gezegd.",
    "Het was een drukke tijd, mijn dochter zat toen ook nog thuis.",
    "Ik moest er in het begin wel aan wennen, al die formulieren en doelen.",
    "Soms wel, soms niet; het hing ervan af wie ik aan de lijn kreeg.",
    "Mijn schulden zijn nog niet weg, maar ik heb nu wel overzicht.",
    "We maakten elke keer een plan met kleine stapjes, dat werkte voor mij.",
    "Toen mijn begeleider wegging moest ik alles opnieuw vertellen, dat was zwaar.",
    "Het was veel tegelijk: de schuldhulp, het werk, de kinderen en de woning.",
    "Ik mocht zelf kiezen waar ik mee begon, en ze hielp me daarbij.",
    "Ik voelde me voor het eerst echt gehoord, niet als een dossier.",
    "De cadeaubon was leuk, maar het ging me eigenlijk om het gesprek.",
    "Nou, dat is een goede vraag. Daar moet ik even over nadenken.",
)


def transcript(rng: random.Random, characters: int = CHARACTERS) -> str:
    """Alternating questions and answers, as a typed interview reads, up to `characters`."""
    lines: list[str] = []
    size = 0
    while size < characters:
        line = (f"Interviewer: {rng.choice(QUESTIONS)}" if len(lines) % 3 == 0 else
                "Deelnemer: " + " ".join(rng.sample(ANSWERS, rng.randint(1, 3))))
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)[:characters]


def _passages(text: str, number: int, rng: random.Random) -> list[tuple[int, int]]:
    """Passages in participants' answers spread over the text: from the start of an answer
    or a few characters into it, a sentence or two long."""
    starts: list[int] = []
    position = text.find("Deelnemer: ")
    while position >= 0:
        starts.append(position + len("Deelnemer: "))
        position = text.find("Deelnemer: ", position + 1)
    chosen = sorted(set(rng.choice(starts) + rng.choice((0, 0, 3, 9, 17))
                        for _ in range(number * 2)))
    chosen = sorted(rng.sample(chosen, min(number, len(chosen))))
    spans = []
    for start in chosen:
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        if line_end - start > 5:
            spans.append((start, min(line_end, start + rng.randint(40, 160))))
    return spans


def _study(rng: random.Random) -> tuple[int, int, list[int], str]:
    from desktop.models.services import codebook, codings, interviews, participants, studies

    study_id = studies.create_study(studies.StudyInput(name="Benchmark coding"))
    person = participants.add_participant(study_id, participants.ParticipantInput(
        "BM-001", None, "consented", "8-1-2018"))
    codes = []
    for category in ("Begeleiding", "Instrumenten", "Belemmeringen"):
        category_id = codebook.add_category(study_id, category)
        for number in range(4):
            codes.append(codebook.add_code(study_id, f"{category} {number + 1}",
                                           category_id=category_id))
    text = transcript(rng)
    interview_id = interviews.add_interview(study_id, interviews.InterviewInput(
        participant_id=person, held_on="1-3-2019", interviewer="MdV", transcript=text))
    for start, end in _passages(text, EXISTING, rng):
        coder = rng.choice(("Codeur A", "Codeur B"))
        codings.add_coding(interview_id, rng.choice(codes), coder, start, end)
    return study_id, interview_id, codes, text


def _settle(app: object, rounds: int = 3) -> None:
    for _ in range(rounds):
        app.processEvents()  # type: ignore[attr-defined]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _apply(page: object, app: object, spans: list[tuple[int, int]]) -> list[float]:
    """Select each passage and press Alt+1 … Alt+9 on the transcript: the user's path."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    view = page.view  # type: ignore[attr-defined]
    keys = [getattr(Qt.Key, f"Key_{n}") for n in range(1, 10)]
    times = []
    for number, (start, end) in enumerate(spans):
        began = time.perf_counter()
        view.select_passage(start, end)
        QTest.keyClick(view.text, keys[number % 9], Qt.KeyboardModifier.AltModifier)
        _settle(app, 1)
        times.append(time.perf_counter() - began)
    return times


def bench_coding() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("BRUGMETER_DATA_DIR", tempfile.mkdtemp(prefix="brugmeter-coding-"))
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    from desktop.models.database import close_database, open_database
    from desktop.models.services import codings
    from desktop.views import theme
    from desktop.views.interviews_page import InterviewsPage

    app = QApplication.instance() or QApplication([])
    theme.apply_theme(app)  # type: ignore[arg-type]
    folder = Path(tempfile.mkdtemp(prefix="brugmeter-coding-bench-"))
    open_database(folder / "coding.sqlite")
    rng = random.Random(2019)
    began = time.perf_counter()
    study_id, interview_id, codes, text = _study(rng)
    print(f"study: one transcript of {len(text):,} characters, {EXISTING} codings "
          f"(written in {time.perf_counter() - began:.1f} s)")

    # the baseline: the same text in a bare QPlainTextEdit
    bare = QPlainTextEdit()
    bare.resize(800, 700)
    bare.show()
    _settle(app)
    began = time.perf_counter()
    bare.setPlainText(text)
    _settle(app)
    bare_open = time.perf_counter() - began
    bare.setFocus()
    began = time.perf_counter()
    for _ in range(200):
        QTest.keyClick(bare, Qt.Key.Key_PageDown)
        app.processEvents()
    bare_scroll = time.perf_counter() - began
    bare.close()

    page = InterviewsPage(study_id)
    page.refresh()
    page.resize(1400, 860)
    page.show()
    _settle(app)
    page.coder.setText("Benchmark")
    began = time.perf_counter()
    page.open_interview(interview_id)
    _settle(app)
    opened = time.perf_counter() - began
    assert len(page.visible_codings()) == EXISTING

    view = page.view
    view.focus_text()
    began = time.perf_counter()
    for _ in range(200):
        QTest.keyClick(view.text, Qt.Key.Key_PageDown)
        app.processEvents()
    scrolled = time.perf_counter() - began

    spans = _passages(text, APPLIED, random.Random(7))
    applied = _apply(page, app, spans)
    mine = codings.interview_codings(interview_id, "Benchmark")
    assert len(mine) == APPLIED, len(mine)

    began = time.perf_counter()
    for _ in range(APPLIED):
        QTest.keyClick(view.text, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        app.processEvents()
    undone = time.perf_counter() - began
    assert codings.interview_codings(interview_id, "Benchmark") == []

    more = random.Random(11)
    for start, end in _passages(text, MANY - EXISTING, more):
        codings.add_coding(interview_id, more.choice(codes), "Codeur C", start, end)
    page.refresh()
    _settle(app)
    total = len(page.visible_codings())
    crowded = _apply(page, app, _passages(text, 20, random.Random(13)))

    def per(times: list[float]) -> str:
        return (f"p50 {statistics.median(times) * 1000:.1f} ms, "
                f"p95 {_percentile(times, 0.95) * 1000:.1f} ms, "
                f"max {max(times) * 1000:.1f} ms")

    print(f"(k) open the transcript with {EXISTING} codings: {opened * 1000:.0f} ms"
          f"   baseline setPlainText: {bare_open * 1000:.0f} ms")
    print(f"    scroll, 200 × Page Down:            {scrolled * 1000:.0f} ms"
          f"   baseline: {bare_scroll * 1000:.0f} ms")
    print(f"    apply {APPLIED} codings (select + Alt+n): {sum(applied):.2f} s total; "
          + per(applied))
    print(f"    undo {APPLIED} codings (Ctrl+Z):        {undone:.2f} s total; "
          f"{undone / APPLIED * 1000:.1f} ms each")
    print(f"    apply 20 codings with {total:,} on the transcript: " + per(crowded))
    page.close()
    close_database()


if __name__ == "__main__":
    bench_coding()
