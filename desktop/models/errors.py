"""Typed errors the services raise, carrying a catalogue key so every front end can word them."""

from __future__ import annotations

from desktop.i18n import tr


class BrugmeterError(Exception):
    """Base of every error a user is meant to read; str() gives the translated sentence."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    @property
    def message(self) -> str:
        return tr(self.key, **self.params)

    def __str__(self) -> str:
        return self.message


class ValidationError(BrugmeterError):
    """Input that cannot be stored; `field` names the input so a form can mark it."""

    def __init__(self, field: str, key: str, /, **params: object) -> None:
        super().__init__(key, **params)
        self.field = field


class NotFoundError(BrugmeterError):
    """A record that was asked for does not exist (any more)."""


class DatabaseOpenError(BrugmeterError):
    """The database cannot be opened or used: missing, read-only, locked, foreign or too new."""


class StorageError(BrugmeterError):
    """A save could not be written (locked, read-only, disk full); nothing of it was stored."""


class InstrumentDefinitionError(BrugmeterError):
    """An instrument definition file is not valid; names the file, the field and the problem."""


class SurveyDefinitionError(BrugmeterError):
    """A survey definition is not valid; names the file, the field and the problem."""


class PermissionDeniedError(BrugmeterError):
    """The session's user may not do this: their role does not allow it (a lead's task)."""
