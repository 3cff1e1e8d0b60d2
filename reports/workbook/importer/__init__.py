"""Importing a workbook into the database (issue 7): the template's or the export's sheets,
every cell through the services' checks, all or nothing, with a report of each refused cell.
Reading (package, tables) is kept apart from storing (state, and the sheets' modules)."""

from reports.workbook.importer.report import ImportReport, Rejection, write_report
from reports.workbook.importer.run import ImportCancelled, import_workbook

__all__ = ["ImportCancelled", "ImportReport", "Rejection", "import_workbook", "write_report"]
