"""The Bridge assessment form: date plus one key per pillar, so a paper form takes ~10 keys.

It is the instrument form (instrument_form.py) on the study's Bridge variant: the pillars,
their level texts and the missing reasons all come from the definition file.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.models.services import instrument_library
from desktop.views.instrument_form import InstrumentForm


class BridgeForm(InstrumentForm):
    """One participant at one moment; `saved(participant_id, moment_id, message)` after a save."""

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        _, definition = instrument_library.study_instrument(study_id, "bridge")
        super().__init__(study_id, definition, parent)
