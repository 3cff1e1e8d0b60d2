"""Save responses into a study file in a loop until killed, saying each save aloud.

Used by tests/test_crash_safety.py. Before each save it prints `start <json>`; once the
service call has returned it prints `ack <json>` — both flushed — so the test knows which saves
were acknowledged and which one at most was in flight when it killed the process.

Usage: crash_worker.py DATABASE SEED
"""

from __future__ import annotations

import json
import random
import sys

from desktop.models.database import open_database
from desktop.models.schema import Moment, Participant
from desktop.models.services import bridge, responses
from desktop.models.services.instrument_library import linked_instrument

# instrument key → (a missing reason it knows, lowest answer, highest answer)
INSTRUMENTS = {
    "bridge": ("not_discussed", 1, 5),
    "financial_scarcity": ("not_answered", 1, 7),
}
# One date per moment position, in order and after every inclusion date.
DATES = {0: "2018-02-01", 1: "2018-08-01", 2: "2019-02-01"}


def _answers(rng: random.Random, items: tuple[str, ...], reason: str, low: int,
             high: int) -> dict[str, object]:
    """Mostly levels, some missing with a reason; a Bridge pillar may also stay empty."""
    answers: dict[str, object] = {}
    for item in items:
        roll = rng.random()
        answers[item] = reason if roll < 0.15 else rng.randint(low, high)
    return answers


def main(path: str, seed: int) -> None:
    rng = random.Random(seed)
    open_database(path)
    participant_ids = [p.id for p in Participant.select(Participant.id)]
    moments = [(m.id, m.position) for m in Moment.select(Moment.id, Moment.position)]
    items = {key: linked_instrument(
        Participant.get_by_id(participant_ids[0]).study_id, key).definition.item_keys
        for key in INSTRUMENTS}
    print("ready", flush=True)
    while True:
        key = rng.choice(sorted(INSTRUMENTS))
        reason, low, high = INSTRUMENTS[key]
        participant_id = rng.choice(participant_ids)
        moment_id, position = rng.choice(moments)
        save = {"participant": participant_id, "moment": moment_id, "instrument": key,
                "date": DATES[position], "answers": _answers(rng, items[key], reason, low, high)}
        line = json.dumps(save, sort_keys=True)
        print("start", line, flush=True)
        if key == "bridge":
            bridge.save_assessment(participant_id, moment_id, save["date"], save["answers"])
        else:
            responses.save_response(participant_id, moment_id, key, save["date"],
                                    save["answers"])
        print("ack", line, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
