"""The study's data and findings for colleagues, SPSS and R: the Excel workbook (DESIGN §5) and
SPSS files of the same sheets. Headless: the CLI, the app and the tests call the same code."""

from reports.workbook.sav import SavResult, write_sav
from reports.workbook.template import write_template
from reports.workbook.writer import WorkbookCancelled, WorkbookResult, write_workbook

__all__ = ["SavResult", "WorkbookCancelled", "WorkbookResult", "write_sav", "write_template",
           "write_workbook"]
