"""The `brugmeter` command: the desktop app, and the same services headless (DESIGN §6)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desktop import (
    __version__,
    cli_audit,
    cli_backup,
    cli_check,
    cli_copy,
    cli_double_entry,
    cli_interviews,
    cli_privacy,
    cli_users,
    i18n,
)
from desktop.cli_support import database_target, open_study, open_target
from desktop.i18n import tr
from desktop.models.errors import BrugmeterError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="brugmeter",
        description="Brugmeter: data entry and findings for Mobility Mentoring® evaluations.",
    )
    parser.add_argument("--version", action="version", version=f"brugmeter {__version__}")
    parser.add_argument("--lang", choices=i18n.LANGUAGES, default=None,
                        help="language of messages and output (default: nl)")
    parser.add_argument("--db", help="database file or URL (default: your data folder)")
    commands = parser.add_subparsers(dest="command")

    demo = commands.add_parser("demo", help="write a synthetic demo study")
    demo.add_argument("--db", dest="db_command", help="new database file (default: demo.sqlite)")
    demo.add_argument("--participants", type=int, default=120,
                      help="how many take part (default 120; about 46%% of those approached)")
    demo.add_argument("--seed", type=int, default=2017, help="random seed (default 2017)")

    findings = commands.add_parser("findings", help="print the study's findings")
    findings.add_argument("--db", dest="db_command", help="database file or URL")
    findings.add_argument("--study", help="study name, when the database holds several")
    findings.add_argument("--json", action="store_true", help="machine-readable JSON")
    findings.add_argument("--alpha", type=float, default=0.05, help="significance level")

    factsheet = commands.add_parser("factsheet", help="write the PDF factsheet")
    factsheet.add_argument("--db", dest="db_command", help="database file or URL")
    factsheet.add_argument("--study", help="study name, when the database holds several")
    factsheet.add_argument("-o", "--output", type=Path, required=True, help="target .pdf file")
    factsheet.add_argument("--lang", dest="factsheet_lang", choices=i18n.LANGUAGES,
                           help="language of the factsheet (default: the study's)")
    factsheet.add_argument("--site", help="one site's edition (default: the whole study)")
    factsheet.add_argument("--alpha", type=float, default=0.05, help="significance level")

    export = commands.add_parser("export-xlsx", help="write the Excel workbook (and SPSS files)")
    export.add_argument("--db", dest="db_command", help="database file or URL")
    export.add_argument("--study", help="study name, when the database holds several")
    export.add_argument("-o", "--output", type=Path, required=True, help="target .xlsx file")
    export.add_argument("--sav", action="store_true",
                        help="also one SPSS file per data sheet beside it: OUT-<sheet>.sav")
    export.add_argument("--lang", dest="export_lang", choices=i18n.LANGUAGES,
                        help="language of the labels (default: the study's)")

    template = commands.add_parser("template", help="write an empty workbook to fill in and "
                                   "import (docs/workbook.md)")
    template.add_argument("--db", dest="db_command", help="database file or URL")
    template.add_argument("--study", help="the study's template (default: one for a new study)")
    template.add_argument("-o", "--output", type=Path, required=True, help="target .xlsx file")
    template.add_argument("--lang", dest="export_lang", choices=i18n.LANGUAGES,
                          help="language of the labels (default: the study's)")

    importing = commands.add_parser("import", help="import a workbook: all of it, or nothing")
    importing.add_argument("file", type=Path, help="the workbook (.xlsx): a filled-in template "
                           "or an export")
    importing.add_argument("--db", dest="db_command", help="database file or URL (created "
                           "when missing)")
    importing.add_argument("--study", help="import into this study (made from the workbook "
                           "when the database has no study of that name)")
    importing.add_argument("--report", type=Path, help="write the report to this .csv or "
                           ".xlsx file (on failure by default FILE-import-report.csv)")

    instrument = commands.add_parser("instrument", help="list, import and set up instruments")
    actions = instrument.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="instruments in the database and the study's")
    importing = actions.add_parser("import", help="add or update an instrument definition")
    importing.add_argument("file", type=Path, help="definition file (.json)")
    settings = actions.add_parser("settings", help="the study's cut-off and norm group")
    settings.add_argument("key", help="instrument key, e.g. financial_scarcity")
    settings.add_argument("--cutoff", help="scale score counted as high (at least; 4,5 or 4.5)")
    settings.add_argument("--norm-n", help="size of the norm group")
    settings.add_argument("--norm-percent", help="%% high in the norm group")
    settings.add_argument("--defaults", action="store_true",
                          help="back to the figures in the definition file")

    survey = commands.add_parser("survey", help="the study's professionals' survey definition")
    survey_actions = survey.add_subparsers(dest="action", required=True)
    showing = survey_actions.add_parser("show", help="elements, statements and fidelity steps")
    survey_export = survey_actions.add_parser("export", help="write the survey to a .json file")
    survey_export.add_argument("file", type=Path, help="target file (.json)")
    survey_import = survey_actions.add_parser("import", help="replace the survey from a file "
                                              "(refused where answers would be lost)")
    survey_import.add_argument("file", type=Path, help="survey definition (.json)")

    professional = commands.add_parser("professional", help="list and add professionals")
    professional_actions = professional.add_subparsers(dest="action", required=True)
    professional_list = professional_actions.add_parser("list", help="codes, roles, survey state")
    professional_add = professional_actions.add_parser("add", help="add a professional")
    professional_add.add_argument("code", help="pseudonymous code, never a name")
    professional_add.add_argument("--role", default="", help="e.g. access_worker, mentor")
    professional_add.add_argument("--site", default="", help="site name, as in the study")
    professional_add.add_argument("--organisation", default="")

    qualitative = cli_interviews.add_parsers(commands)
    privacy = cli_privacy.add_parsers(commands)
    copying = cli_copy.add_parsers(commands)
    backup = cli_backup.add_parsers(commands)
    cli_check.add_parser(commands)
    cli_double_entry.add_parser(commands)
    cli_audit.add_parser(commands)
    cli_users.add_parser(commands)
    for sub in (listing, importing, settings, showing, survey_export, survey_import,
                professional_list, professional_add, *qualitative, *privacy, *backup,
                *copying):
        sub.add_argument("--db", dest="db_command", help="database file or URL")
    for sub in (listing, settings, showing, survey_export, survey_import, professional_list,
                professional_add, *qualitative, *privacy, *copying):
        sub.add_argument("--study", help="study name, when the database holds several")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    i18n.set_language(args.lang or i18n.DEFAULT_LANGUAGE)
    target = getattr(args, "db_command", None) or args.db
    try:
        if args.command is None:
            return _run_gui(target, args.lang)
        if args.command == "demo":
            return _demo(target, args.participants, args.seed)
        if args.command == "findings":
            return _findings(target, args.study, args.json, args.alpha)
        if args.command == "factsheet":
            return _factsheet(target, args)
        if args.command == "export-xlsx":
            return _export_xlsx(target, args)
        if args.command == "template":
            return _template(target, args)
        if args.command == "import":
            return _import_workbook(target, args)
        if args.command == "instrument":
            return _instrument(target, args)
        if args.command == "survey":
            return _survey(target, args)
        if args.command == "professional":
            return _professional(target, args)
        if args.command in ("interview", "codebook"):
            return _qualitative(target, args)
        if args.command == "erase":
            return _erase(target, args)
        if args.command == "copy-study":
            return cli_copy.run_copy(str(database_target(target)), args)
        if args.command in ("backup", "restore"):
            return cli_backup.run(target, args)
        if args.command == "check":
            return cli_check.run(target, args)
        if args.command == "double-entry":
            return cli_double_entry.run(target, args)
        if args.command == "audit":
            return cli_audit.run(target, args)
        if args.command == "user":
            return cli_users.run(target, args)
    except BrugmeterError as error:
        print(tr("cli.error", message=error.message), file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0
    return 2


def _run_gui(target: str | None, language: str | None) -> int:
    try:
        from desktop.app import run_app
    except ImportError as error:  # Qt's system libraries missing (libEGL, libxkbcommon, …)
        print(tr("cli.no_gui", reason=error), file=sys.stderr)
        return 1
    return run_app(target, language)


def _demo(target: str | None, participants: int, seed: int) -> int:
    from desktop.models.demo import write_demo
    from desktop.models.services.studies import get_study, list_studies
    from desktop.paths import demo_database

    if not 1 <= participants <= 100_000:
        print(tr("cli.error", message=tr("cli.participants_invalid")), file=sys.stderr)
        return 2
    path = target or str(demo_database())
    open_target(path, create=True)
    if list_studies():
        print(tr("cli.error", message=tr("cli.db_exists", path=path)), file=sys.stderr)
        return 1
    study_id = write_demo(participants, seed, i18n.language())
    print(tr("cli.demo_written", name=get_study(study_id).name, path=Path(path),
             participants=participants))
    return 0


def _findings(target: str | None, study_name: str | None, as_json: bool, alpha: float) -> int:
    from reports.findings import study_findings

    if not 0 < alpha < 1:  # also refuses nan
        print(tr("cli.error", message=tr("cli.alpha_invalid")), file=sys.stderr)
        return 2
    study = open_study(target, study_name)
    findings = study_findings(study.id, alpha=alpha)
    if as_json:
        json.dump(findings, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_findings(findings))
    return 0


def _factsheet(target: str | None, args: argparse.Namespace) -> int:
    from reports.factsheet import FactsheetRequest, write_factsheet

    if not 0 < args.alpha < 1:
        print(tr("cli.error", message=tr("cli.alpha_invalid")), file=sys.stderr)
        return 2
    study = open_study(target, args.study)
    site_id = None
    if args.site:
        sites = {site.name.casefold(): site.id for site in study.sites}
        site_id = sites.get(args.site.casefold())
        if site_id is None:
            print(tr("cli.error", message=tr("cli.site_unknown", site=args.site,
                                             sites=", ".join(s.name for s in study.sites))),
                  file=sys.stderr)
            return 2
    language = args.factsheet_lang or study.language
    result = write_factsheet(FactsheetRequest(study.id, language, site_id, args.alpha),
                             args.output)
    for warning in result.warnings:
        print(tr("cli.warning", message=warning), file=sys.stderr)
    print(tr("cli.factsheet_written", path=result.path, pages=result.pages))
    return 0


def _export_xlsx(target: str | None, args: argparse.Namespace) -> int:
    from reports.workbook import write_sav, write_workbook

    study = open_study(target, args.study)
    language = args.export_lang or study.language
    result = write_workbook(study.id, args.output, language=language)
    print(tr("cli.workbook_written", path=result.path, sheets=len(result.sheets),
             rows=sum(result.rows.values())))
    if args.sav:
        written = write_sav(study.id, args.output, language=language)
        print(tr("cli.sav_written", count=len(written.paths), example=written.paths[0]))
    return 0


def _template(target: str | None, args: argparse.Namespace) -> int:
    import tempfile

    from desktop.models.database import close_database, open_database
    from desktop.models.services.studies import resolve_study
    from desktop.paths import default_database
    from reports.workbook.template import write_template

    if args.study or target or default_database().exists():
        open_target(target)
        study_id = resolve_study(args.study).id if args.study else None
        result = write_template(study_id, args.output, args.export_lang)
    else:  # a new study's template needs no database: the built-in instruments do
        with tempfile.TemporaryDirectory(prefix="brugmeter-template-") as folder:
            open_database(Path(folder) / "empty.sqlite")
            try:
                result = write_template(None, args.output, args.export_lang)
            finally:
                close_database()
    print(tr("cli.template_written", path=result.path, sheets=len(result.sheets)))
    return 0


FIRST_REFUSED = 20  # refused cells the command prints; the report file has them all


def _import_workbook(target: str | None, args: argparse.Namespace) -> int:
    from desktop.models.database import close_database, is_url
    from reports.workbook.importer import import_workbook, write_report

    location = str(database_target(target))
    new_file = not is_url(location) and not Path(location).expanduser().exists()
    open_target(location, create=True)
    report = import_workbook(args.file, study_name=args.study)
    for notice in report.notices:
        print(tr("cli.warning", message=notice.text), file=sys.stderr)
    if report.imported:
        print(tr("cli.import_created" if report.created else "cli.import_added",
                 name=report.study_name, file=args.file.name))
        width = max(map(len, report.rows), default=0)
        for sheet, rows in report.rows.items():
            print(f"  {sheet:<{width}}  {tr('cli.import_rows', rows=f'{rows:,}')}")
    elif report.rejected and not report.rejected[0].sheet:  # about the file: one line
        print(tr("cli.error", message=report.rejected[0].reason), file=sys.stderr)
    else:
        print(tr("cli.error", message=tr("cli.import_refused", count=report.rejected_count)),
              file=sys.stderr)
        for refused in report.rejected[:FIRST_REFUSED]:
            where = f"{refused.sheet}!{refused.cell}" if refused.cell else refused.sheet
            column = f" ({refused.column})" if refused.column else ""
            print(f"  {where}{column}: {refused.reason}", file=sys.stderr)
        if report.rejected_count > FIRST_REFUSED:
            print("  " + tr("cli.import_more", count=report.rejected_count - FIRST_REFUSED),
                  file=sys.stderr)
    about_file = bool(report.rejected) and not report.rejected[0].sheet
    path = args.report or (None if report.imported or about_file else
                           args.file.with_name(f"{args.file.stem}-import-report.csv"))
    if path is not None:
        try:
            print(tr("cli.import_report", path=write_report(report, path)),
                  file=sys.stdout if report.imported else sys.stderr)
        except BrugmeterError as error:
            print(tr("cli.error", message=error.message), file=sys.stderr)
    if not report.imported and new_file:  # leave no empty database behind
        close_database()
        for suffix in ("", "-wal", "-shm"):
            Path(location + suffix).expanduser().unlink(missing_ok=True)
    return 0 if report.imported else 1


def _instrument(target: str | None, args: argparse.Namespace) -> int:
    from desktop.models.services import instrument_library
    from desktop.models.services.studies import list_studies, resolve_study

    open_target(target)
    if args.action == "import":
        result = instrument_library.import_definition(args.file)
        print(tr(f"cli.instrument_{result.action}", key=result.key, version=result.version,
                 title=result.title))
        return 0
    if args.action == "settings":
        study = resolve_study(args.study)
        current = instrument_library.linked_instrument(study.id, args.key)
        if args.defaults:
            cutoff, norm_n, norm_percent = None, None, None
        else:
            cutoff = args.cutoff if args.cutoff is not None else (
                None if current.cutoff_is_default or not current.cutoff
                else current.cutoff.at_least)
            norm = current.norm
            changing = args.norm_n is not None or args.norm_percent is not None
            keep = norm is not None and (changing or not current.norm_is_default)
            norm_n = args.norm_n if args.norm_n is not None else (norm.n if keep else None)
            norm_percent = args.norm_percent if args.norm_percent is not None else (
                norm.percent_high if keep else None)
        instrument_library.set_instrument_settings(study.id, args.key, cutoff, norm_n,
                                                   norm_percent)
    studies = list_studies()
    study = resolve_study(args.study) if studies else None
    linked = {item.key: item for item in instrument_library.study_questionnaires(study.id)} \
        if study else {}
    for key, definition in instrument_library.catalogue().items():
        line = f"{key:<24} v{definition.version:<3} {definition.kind:<14} {definition.title()}"
        if key in linked:
            item = linked[key]
            cutoff = f"≥ {item.cutoff.at_least:g}" if item.cutoff else "–"
            norm = (f"N={item.norm.n}, {item.norm.percent_high:g}%" if item.norm else "–")
            line += "  " + tr("cli.instrument_in_study", cutoff=cutoff, norm=norm)
        print(line)
    return 0


def _survey(target: str | None, args: argparse.Namespace) -> int:
    from desktop.models.services import surveys

    study = open_study(target, args.study)
    if args.action == "export":
        surveys.export_survey_definition(study.id, args.file)
        print(tr("cli.survey_exported", path=args.file))
        return 0
    if args.action == "import":
        surveys.import_survey_definition(study.id, args.file)
        print(tr("cli.survey_imported", path=args.file))
    definition = surveys.study_survey(study.id).definition
    mode = (tr("cli.survey_top", places=definition.places) if definition.ranking_mode == "top"
            else tr("cli.survey_full", places=definition.places))
    print(f"{definition.title()}: {mode}")
    for header, rows in (("cli.survey_elements", definition.elements),
                         ("cli.survey_statements", definition.likert_items),
                         ("cli.survey_steps", definition.fidelity_steps)):
        print(tr(header))
        for row in rows:
            print(f"  {row.key:<24} {row.text()}")
    return 0


def _qualitative(target: str | None, args: argparse.Namespace) -> int:

    study = open_study(target, args.study)
    if args.command == "interview":
        return cli_interviews.run_interview(study.id, args)
    return cli_interviews.run_codebook(study.id, args)


def _erase(target: str | None, args: argparse.Namespace) -> int:

    return cli_privacy.run_erase(open_study(target, args.study).id, args)


def _professional(target: str | None, args: argparse.Namespace) -> int:
    from desktop.models.services import professionals

    study = open_study(target, args.study)
    if args.action == "add":
        sites = {site.name.lower(): site.id for site in study.sites}
        if args.site and args.site.lower() not in sites:
            print(tr("cli.error", message=tr("cli.site_unknown", site=args.site,
                                             sites=", ".join(s.name for s in study.sites))),
                  file=sys.stderr)
            return 2
        professionals.add_professional(study.id, professionals.ProfessionalInput(
            args.code, args.role, sites.get(args.site.lower()), args.organisation))
    for row in professionals.professional_rows(study.id):
        state = ("complete" if row.complete else "partial") if row.surveyed else "none"
        role = professionals.role_text(row.role)
        print(f"{row.code:<12} {role:<24} {row.site:<24} {row.organisation:<28} "
              f"{tr('cli.survey_state.' + state)}")
    return 0


def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def format_findings(findings: dict[str, Any]) -> str:
    """A plain-text summary for the terminal, in the current language."""
    response = findings["response"]
    lines = [findings["study"]["name"], ""]
    lines.append(tr("findings.response", approached=response["approached"],
                    participated=response["participated"], percent=_fmt(response["percent"], 0)))
    lines.append("")
    lines.append(tr("findings.flow_header"))
    for moment in findings["flow"]:
        reasons = ", ".join(f"{tr('flow.' + k)} {v}" for k, v in moment["missing_reasons"].items())
        lines.append(f"  {moment['name']:<30} {moment['measured']:>6} {moment['missing']:>6}"
                     + (f"  ({reasons})" if reasons else ""))
    lines.append("")
    lines.append(tr("findings.bridge_header"))
    for pillar in findings["bridge"]["pillars"]:
        mark = " *" if pillar["significant"] else ""
        lines.append(
            f"  {pillar['label']:<20} n={pillar['n']:<5} {_fmt(pillar['improved'], 1):>6}% "
            f"{_fmt(pillar['stable'], 1):>6}% {_fmt(pillar['declined'], 1):>6}%  "
            f"p={_fmt(pillar['p'])} p_holm={_fmt(pillar['p_holm'])} r={_fmt(pillar['r'], 2)}{mark}"
        )
    lines.append("")
    lines.append(tr("findings.note", alpha=findings["bridge"]["alpha"],
                    min_pairs=findings["bridge"]["min_pairs"]))
    for questionnaire in findings.get("questionnaires", []):
        lines += [""] + _questionnaire_lines(questionnaire)
    professionals = findings.get("professionals")
    if professionals and professionals["respondents"]:
        lines += [""] + _professional_lines(professionals)
    rewards = findings.get("rewards")
    if rewards and rewards["n_actions"]:
        lines += [""] + _reward_lines(rewards)
    interviews = findings.get("interviews")
    if interviews and interviews["coded"]:
        lines += [""] + cli_interviews.interview_lines(interviews)
    return "\n".join(lines) + "\n"


def _reward_lines(found: dict[str, Any]) -> list[str]:
    overall = found["overall"]
    lines = [tr("findings.rewards_header", until=found["follow_up_until"])]
    for group in overall["groups"]:
        lines.append("  " + tr("findings.rewards_group", group=group["group"], n=group["n"],
                               percent_done=_fmt(group["percent_done"], 0),
                               median=_fmt(group["median_days"], 1), q1=_fmt(group["q1"], 1),
                               q3=_fmt(group["q3"], 1), not_done=group["not_done"]))
    if overall["p"] is not None or overall["log_rank_p"] is not None:
        lines.append("  " + tr("findings.rewards_test", u=_fmt(overall["u"], 1),
                               p=_fmt(overall["p"]), r=_fmt(overall["r"], 2),
                               log_rank_p=_fmt(overall["log_rank_p"])))
    if overall["p"] is None:
        lines.append("  " + tr("findings.rewards_no_test",
                               reason=tr("test_note." + overall["test_note"])))
    return lines


def _professional_lines(found: dict[str, Any]) -> list[str]:
    lines = [tr("findings.professionals_header", respondents=found["respondents"],
                complete=found["complete"], partial=found["partial"]),
             "  " + tr("findings.top_five_header")]
    ranking = found["ranking"]
    for top in ranking["top_five"]:
        lines.append("    " + tr("findings.top_five_row", position=top["position"],
                                 tie="=" if top["tied"] else "", label=top["label"],
                                 borda=top["borda"], n=ranking["n"],
                                 top_percent=_fmt(top["top_five_percent"], 0)))
    lines.append("  " + tr("findings.likert_header"))
    for item in found["likert"]:
        label = item["label"].rstrip(".")
        lines.append("    " + tr("findings.likert_row", label=label, n=item["n"],
                                 agree=_fmt(item["agree"], 0), neutral=_fmt(item["neutral"], 0),
                                 disagree=_fmt(item["disagree"], 0)))
    fidelity = found["fidelity"]
    lines.append("  " + tr("findings.fidelity_header", n=fidelity["n_professionals"],
                           overall=_fmt(fidelity["overall_percent"], 0)))
    for step in fidelity["steps"]:
        lines.append("    " + tr("findings.fidelity_row", label=step["label"], n=step["n"],
                                 percent=_fmt(step["percent"], 0)))
    return lines


def _questionnaire_lines(found: dict[str, Any]) -> list[str]:
    lines = [tr("findings.questionnaire_header", title=found["title"])]
    for scale in found["scales"]:
        mark = " *" if scale["significant"] else ""
        lines.append(
            f"  {scale['label']:<32} n={scale['n']:<5} {_fmt(scale['intake']['mean'], 2):>5} → "
            f"{_fmt(scale['last']['mean'], 2):<5} p={_fmt(scale['p'])} "
            f"p_holm={_fmt(scale['p_holm'])} r={_fmt(scale['r'], 2)}{mark}")
    largest = found["largest_improvement"]
    if largest:
        lines.append("  " + tr("findings.largest_improvement", number=largest["number"],
                               label=largest["label"], n=largest["n"],
                               improvement=_fmt(largest["improvement"], 2)))
    high = found["high"]
    if high:
        norm = high["norm"]
        lines.append("  " + tr("findings.high", cutoff=f"{high['cutoff']:g}",
                               intake=_fmt(high["intake"]["percent"], 0),
                               n_intake=high["intake"]["n"],
                               last=_fmt(high["last"]["percent"], 0), n_last=high["last"]["n"]))
        pairs = high["pairs"]
        lines.append("  " + tr("findings.high_pairs", intake=_fmt(pairs["intake"]["percent"], 0),
                               last=_fmt(pairs["last"]["percent"], 0), n=pairs["intake"]["n"]))
        if norm:
            lines.append("  " + tr("findings.norm", percent=f"{norm['percent_high']:g}",
                                   n=norm["n"]))
    return lines


if __name__ == "__main__":
    sys.exit(main())
