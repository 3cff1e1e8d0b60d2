"""Every coding and codebook change as a QUndoCommand, so the interviews page can undo and redo
any number of them (QUndoStack), not only the last.

A command runs its service call once in `do()` *before* it goes on the stack: a refusal (a
double coding, a duplicate name, a code in use) is shown and nothing is pushed. The stack's
first `redo()` is then skipped; later redos and undos call the services again. The inverse
of each call is what the service returns for it (remove_coding → CodingInfo for
restore_coding, update_code → the code as it was, merge_codes → MergeRecord for undo_merge),
and restored rows keep their ids, so a later command still finds them.

A redo or undo that the database no longer allows (the interview was deleted elsewhere) marks
the command obsolete, so the stack drops it, and tells the host; it never raises into Qt. A
command that can tell beforehand that its undo would be refused says so in `check_undo()`: the
page then refuses the undo and the command stays on the stack.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from desktop.i18n import tr
from desktop.models.errors import BrugmeterError
from desktop.models.services import codebook, codings
from desktop.models.services.codebook import CategoryInfo, CodeInfo, MergeRecord
from desktop.models.services.codebook_exchange import ImportCount, import_qdc
from desktop.models.services.codings import CodingInfo


class CommandHost(Protocol):
    """The page: shows what a command changed, and an undo or redo that failed."""

    def command_ran(self, command: ServiceCommand) -> None: ...

    def command_failed(self, command: ServiceCommand, error: Exception) -> None: ...


class ServiceCommand(QUndoCommand):
    """A service call and its inverse; subclasses write `_do`, `_redo` and `_undo`."""

    changes_codebook = False  # the codebook panel must be read again
    changes_codings = True  # the open interview's codings must be read again

    def __init__(self, host: CommandHost, text: str) -> None:
        super().__init__(text)
        self.host = host
        self._done_once = False
        self.interview_id: int | None = None  # the interview a coding command is about
        self.passage: tuple[int, int] | None = None  # its passage, shown after a redo or undo
        self.refusal: BrugmeterError | None = None  # why do() was refused (set by the page)
        self.last_run = ""  # "do", "redo" or "undo": what the host is told about
        # what the last run did to one interview's codings: (added, id removed), so the
        # page can update what it shows without reading every coding again
        self.coding_change: tuple[CodingInfo | None, int | None] | None = None

    def do(self) -> None:
        """The first run, before the command is pushed; a BrugmeterError means: not done."""
        self._do()
        self._done_once = True
        self.last_run = "do"
        self.host.command_ran(self)

    def redo(self) -> None:
        if self._done_once:  # push() calls redo(): do() already ran
            self._done_once = False
            return
        self._guarded(self._redo, "redo")

    def undo(self) -> None:
        self._guarded(self._undo, "undo")

    def check_undo(self) -> None:
        """Raise the BrugmeterError an undo would meet, before anything is changed (the page
        asks before it undoes); by default any undo may be tried."""

    def _guarded(self, call: Callable[[], None], name: str) -> None:
        self.last_run = name
        try:
            call()
        except Exception as error:  # never into Qt: the stack drops the command, the page says why
            self.setObsolete(True)
            self.host.command_failed(self, error)
            return
        self.host.command_ran(self)

    def _do(self) -> None:
        self._redo()

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


# codings ---------------------------------------------------------------------------------------
class AddCodingCommand(ServiceCommand):
    """Apply a code to a passage (start/end: Python str offsets) or, both None, to the whole
    interview."""

    def __init__(self, host: CommandHost, interview_id: int, code: CodeInfo, coder: str,
                 start: int | None, end: int | None) -> None:
        key = ("interviews.command.code_interview" if start is None
               else "interviews.command.code_passage")
        super().__init__(host, tr(key, code=code.name))
        self.interview_id = interview_id
        self.passage = (start, end) if start is not None and end is not None else None
        self._args = (interview_id, code.id, coder, start, end)
        self.coding_id: int | None = None
        self._removed: CodingInfo | None = None

    def _do(self) -> None:
        self.coding_id = codings.add_coding(*self._args)
        interview_id, code_id, coder, start, end = self._args
        self.coding_change = (CodingInfo(self.coding_id, interview_id, code_id, coder.strip(),
                                         start, end, ""), None)

    def _undo(self) -> None:
        assert self.coding_id is not None
        self._removed = codings.remove_coding(self.coding_id)
        self.coding_change = (None, self.coding_id)

    def _redo(self) -> None:
        assert self._removed is not None
        codings.restore_coding(self._removed)
        self.coding_change = (self._removed, None)


class RemoveCodingCommand(ServiceCommand):
    def __init__(self, host: CommandHost, coding: CodingInfo, code_name: str) -> None:
        super().__init__(host, tr("interviews.command.remove_coding", code=code_name,
                                  coder=coding.coder))
        self.interview_id = coding.interview_id
        self.passage = ((coding.start, coding.end)
                        if coding.start is not None and coding.end is not None else None)
        self._coding = coding

    def _redo(self) -> None:
        self._coding = codings.remove_coding(self._coding.id)
        self.coding_change = (None, self._coding.id)

    def _undo(self) -> None:
        codings.restore_coding(self._coding)
        self.coding_change = (self._coding, None)


# codes -----------------------------------------------------------------------------------------
class AddCodeCommand(ServiceCommand):
    changes_codebook = True
    changes_codings = False

    def __init__(self, host: CommandHost, study_id: int, name: str, definition: str,
                 category_id: int | None, colour: str | None) -> None:
        super().__init__(host, tr("interviews.command.add_code", code=name.strip()))
        self.study_id = study_id
        self._args = (name, definition, category_id, colour)
        self.code_id: int | None = None
        self._deleted: CodeInfo | None = None

    def _do(self) -> None:
        self.code_id = codebook.add_code(self.study_id, *self._args)

    def _undo(self) -> None:
        assert self.code_id is not None
        self._deleted = codebook.delete_code(self.code_id)

    def _redo(self) -> None:
        assert self._deleted is not None
        codebook.restore_code(self.study_id, self._deleted)


class UpdateCodeCommand(ServiceCommand):
    """Rename, redefine, recolour or move a code; undo puts the old values back."""

    changes_codebook = True

    def __init__(self, host: CommandHost, code: CodeInfo, name: str, definition: str,
                 category_id: int | None, colour: str | None, text_key: str) -> None:
        super().__init__(host, tr(text_key, code=code.name, name=name.strip()))
        self.code_id = code.id
        self._new = (name, definition, category_id, colour)
        self._old: CodeInfo | None = None

    def _redo(self) -> None:
        self._old = codebook.update_code(self.code_id, *self._new)

    def _undo(self) -> None:
        old = self._old
        assert old is not None
        codebook.update_code(self.code_id, old.name, old.definition, old.category_id,
                             old.colour)


class DeleteCodeCommand(ServiceCommand):
    """Remove an unused code; the service refuses one in use (the page then offers a merge)."""

    changes_codebook = True
    changes_codings = False

    def __init__(self, host: CommandHost, study_id: int, code: CodeInfo) -> None:
        super().__init__(host, tr("interviews.command.delete_code", code=code.name))
        self.study_id = study_id
        self.code_id = code.id
        self._deleted: CodeInfo | None = None

    def _redo(self) -> None:
        self._deleted = codebook.delete_code(self.code_id)

    def _undo(self) -> None:
        assert self._deleted is not None
        codebook.restore_code(self.study_id, self._deleted)


class MergeCodesCommand(ServiceCommand):
    """Every coding of `source` onto `target`, `source` removed; undo splits them again."""

    changes_codebook = True

    def __init__(self, host: CommandHost, study_id: int, source: CodeInfo,
                 target: CodeInfo) -> None:
        super().__init__(host, tr("interviews.command.merge", source=source.name,
                                  target=target.name))
        self.study_id = study_id
        self._ids = (source.id, target.id)
        self.record: MergeRecord | None = None

    def _redo(self) -> None:
        self.record = codebook.merge_codes(*self._ids)

    def _undo(self) -> None:
        assert self.record is not None
        codebook.undo_merge(self.study_id, self.record)


# categories ------------------------------------------------------------------------------------
class AddCategoryCommand(ServiceCommand):
    changes_codebook = True
    changes_codings = False

    def __init__(self, host: CommandHost, study_id: int, name: str,
                 parent_id: int | None) -> None:
        super().__init__(host, tr("interviews.command.add_category", name=name.strip()))
        self.study_id = study_id
        self._args = (name, parent_id)
        self.category_id: int | None = None
        self._deleted: CategoryInfo | None = None

    def _do(self) -> None:
        self.category_id = codebook.add_category(self.study_id, *self._args)

    def _undo(self) -> None:
        assert self.category_id is not None
        self._deleted = codebook.delete_category(self.category_id)

    def _redo(self) -> None:
        assert self._deleted is not None
        codebook.restore_category(self.study_id, self._deleted)


class RenameCategoryCommand(ServiceCommand):
    changes_codebook = True
    changes_codings = False

    def __init__(self, host: CommandHost, category: CategoryInfo, name: str) -> None:
        super().__init__(host, tr("interviews.command.rename_category", old=category.name,
                                  name=name.strip()))
        self.category_id = category.id
        self._names = (category.name, name)

    def _redo(self) -> None:
        codebook.rename_category(self.category_id, self._names[1])

    def _undo(self) -> None:
        codebook.rename_category(self.category_id, self._names[0])


class DeleteCategoryCommand(ServiceCommand):
    """Remove an empty category; the service refuses one with codes or categories in it."""

    changes_codebook = True
    changes_codings = False

    def __init__(self, host: CommandHost, study_id: int, category: CategoryInfo) -> None:
        super().__init__(host, tr("interviews.command.delete_category", name=category.name))
        self.study_id = study_id
        self.category_id = category.id
        self._deleted: CategoryInfo | None = None

    def _redo(self) -> None:
        self._deleted = codebook.delete_category(self.category_id)

    def _undo(self) -> None:
        assert self._deleted is not None
        codebook.restore_category(self.study_id, self._deleted)


class ImportCodebookCommand(ServiceCommand):
    """A REFI-QDA codebook added to the study's (all or nothing); undo removes exactly the
    codes and categories it added, redo puts them back under their ids."""

    changes_codebook = True
    changes_codings = False

    def __init__(self, host: CommandHost, study_id: int, path: Path) -> None:
        super().__init__(host, tr("interviews.command.import_codebook", file=Path(path).name))
        self.study_id = study_id
        self.path = Path(path)
        self.count: ImportCount | None = None
        self._categories: tuple[CategoryInfo, ...] = ()
        self._codes: tuple[CodeInfo, ...] = ()

    def _do(self) -> None:
        before = codebook.codebook(self.study_id)
        self.count = import_qdc(self.study_id, self.path)
        after = codebook.codebook(self.study_id)
        old_categories = {c.id for c in before.categories}
        old_codes = {c.id for c in before.codes}
        self._categories = tuple(sorted((c for c in after.categories
                                         if c.id not in old_categories), key=lambda c: c.id))
        self._codes = tuple(c for c in after.codes if c.id not in old_codes)

    def check_undo(self) -> None:
        """The undo removes every code and category the import added or none: it is refused
        while one of those codes has codings, or the codebook changed elsewhere (one of them
        gone, or another code or category put inside one of its categories)."""
        file = self.path.name
        book = codebook.codebook(self.study_id)
        code_ids = {code.id for code in self._codes}
        category_ids = {category.id for category in self._categories}
        codes_now = {code.id for code in book.codes}
        categories_now = {category.id for category in book.categories}
        gone = ([c.name for c in self._codes if c.id not in codes_now]
                + [c.name for c in self._categories if c.id not in categories_now])
        if gone:
            raise BrugmeterError("interviews.import_undo_changed", file=file,
                                 names=_names(gone))
        used = Counter(row.code_id for row in codings.coding_rows(self.study_id)
                       if row.code_id in code_ids)
        if used:
            raise BrugmeterError("interviews.import_undo_in_use", file=file,
                                 codes=_names([c.name for c in book.codes if c.id in used]),
                                 codings=sum(used.values()))
        holding = [category.name for category in self._categories
                   if any(c.category_id == category.id and c.id not in code_ids
                          for c in book.codes)
                   or any(c.parent_id == category.id and c.id not in category_ids
                          for c in book.categories)]
        if holding:
            raise BrugmeterError("interviews.import_undo_changed", file=file,
                                 names=_names(holding))

    def _undo(self) -> None:
        self.check_undo()  # also when the history view jumps back past the import
        codes: list[CodeInfo] = []
        categories: list[CategoryInfo] = []  # innermost first
        try:
            for code in self._codes:
                codes.append(codebook.delete_code(code.id))
            for category in reversed(self._categories):
                categories.append(codebook.delete_category(category.id))
        except BrugmeterError:  # put back what went: the import stays whole
            for category in reversed(categories):
                codebook.restore_category(self.study_id, category)
            for code in codes:
                codebook.restore_code(self.study_id, code)
            raise
        self._codes = tuple(codes)
        self._categories = tuple(reversed(categories))

    def _redo(self) -> None:
        for category in self._categories:  # parents were created (and numbered) first
            codebook.restore_category(self.study_id, category)
        for code in self._codes:
            codebook.restore_code(self.study_id, code)


def _names(names: list[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)
