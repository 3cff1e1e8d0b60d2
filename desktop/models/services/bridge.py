"""Bridge assessments: one level (or a reason it is missing) per pillar, per moment.

The study's Bridge variant is found by its kind, so a team's own Bridge file works the same.
"""

from __future__ import annotations

from collections.abc import Mapping

from desktop.models.services import responses
from desktop.models.services.instrument_library import study_instrument
from desktop.models.services.participants import find_participant
from desktop.models.services.responses import StoredResponse


def _bridge_key(participant_id: int) -> str:
    return study_instrument(find_participant(participant_id).study_id, "bridge")[1].key


def save_assessment(participant_id: int, moment_id: int, assessed_on: object,
                    answers: Mapping[str, object], expected_version: int | None = None) -> int:
    """Store a whole assessment in one transaction; `answers` maps pillar keys to a level, a
    missing-reason key, or None for a pillar not filled in."""
    return responses.save_response(participant_id, moment_id, _bridge_key(participant_id),
                                   assessed_on, answers, expected_version)


def get_assessment(participant_id: int, moment_id: int) -> StoredResponse | None:
    return responses.get_response(participant_id, moment_id, _bridge_key(participant_id))


def delete_assessment(participant_id: int, moment_id: int, reason: object) -> None:
    responses.delete_response(participant_id, moment_id, _bridge_key(participant_id), reason)
