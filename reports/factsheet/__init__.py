"""The PDF factsheet (DESIGN §5, issue 10): one edition per study or site and language, built
with reportlab from the same findings as every other output."""

from reports.factsheet.content import FactsheetRequest, SentenceRow, result_sentences
from reports.factsheet.document import FactsheetCancelled, FactsheetResult, write_factsheet

__all__ = ["FactsheetCancelled", "FactsheetRequest", "FactsheetResult", "SentenceRow",
           "result_sentences", "write_factsheet"]
