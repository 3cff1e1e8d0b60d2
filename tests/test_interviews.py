"""Interviews, the codebook and codings: transcripts in the encodings offices produce, bad
files refused with nothing stored, renames and merges that keep codings (and undo), the
REFI-QDA codebook, and the findings with kappa against hand-computed tables."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from scipy import stats

from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.schema import Code, Coding, Interview
from desktop.models.services import codebook, codings, interviews, participants, professionals
from desktop.models.services.codebook_exchange import export_qdc, import_qdc
from desktop.models.transcripts import MAX_CHARACTERS, read_transcript
from reports.agreement import Agreement, agreement, pooled_kappa
from reports.findings import study_findings
from reports.statistics import fisher_exact

TEXT = ("Interviewer: Hoe gaat het?\n"
        "Deelnemer: Beter. Eén vaste contactpersoon hielp, café-ideeën.\n")


@pytest.fixture
def person(study):
    return participants.add_participant(study.id, participants.ParticipantInput(
        "AL-001", study.sites[0].id, "consented", dt.date(2018, 1, 8)))


def _interview(study, person, text=TEXT):
    return interviews.add_interview(study.id, interviews.InterviewInput(
        participant_id=person, held_on="12-3-2019", interviewer="MdV", transcript=text))


# --- transcripts -----------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_transcripts_in_the_encodings_offices_write(tmp_path, encoding):
    path = tmp_path / "t.txt"
    path.write_bytes(TEXT.replace("\n", "\r\n").encode(encoding))
    assert read_transcript(path) == TEXT


def test_a_docx_transcript_with_paragraphs_and_a_table(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Interviewer: Hoe gaat het?")
    document.add_paragraph("Deelnemer: Beter, dankzij één vaste contactpersoon.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "I", "Nog iets?"
    document.save(tmp_path / "t.docx")
    text = read_transcript(tmp_path / "t.docx")
    assert text.splitlines() == ["Interviewer: Hoe gaat het?",
                                 "Deelnemer: Beter, dankzij één vaste contactpersoon.",
                                 "I\tNog iets?"]


@pytest.mark.parametrize("name,content,key", [
    ("empty.txt", b"  \r\n ", "error.transcript_empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "error.transcript_not_text"),
    ("undefined.txt", b"caf\x81\x8d\x8f", "error.transcript_not_text"),
    ("fake.docx", b"this is not a zip", "error.transcript_not_docx"),
    ("zip.docx", None, "error.transcript_not_docx"),
])
def test_bad_transcript_files_are_refused_and_nothing_is_stored(study, person, tmp_path, name,
                                                                content, key):
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "a zip, but no Word document")
    else:
        path.write_bytes(content)
    with pytest.raises(ValidationError) as error:
        interviews.import_interview(study.id, path, interviews.InterviewInput(person))
    assert error.value.key == key and name in error.value.message
    assert Interview.select().count() == 0


def test_a_huge_transcript_is_refused(study, person, tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("x" * (MAX_CHARACTERS + 1), encoding="utf-8")
    with pytest.raises(ValidationError) as error:
        interviews.import_interview(study.id, path, interviews.InterviewInput(person))
    assert error.value.key == "error.transcript_too_large"
    assert Interview.select().count() == 0


def test_import_and_list_and_a_transcript_fixed_once_coded(study, person, tmp_path):
    path = tmp_path / "AL-001 interview.txt"
    path.write_text(TEXT, encoding="cp1252")
    interview_id = interviews.import_interview(study.id, path, interviews.InterviewInput(
        person, held_on="2019-03-12", interviewer="MdV"))
    record = interviews.get_interview(interview_id)
    assert (record.subject, record.source, record.transcript) == ("AL-001", path.name, TEXT)
    code = codebook.add_code(study.id, "Contact")
    interviews.update_interview(interview_id, interviews.InterviewInput(
        person, held_on="2019-03-12", interviewer="MdV", transcript=TEXT + "Extra.\n"))
    codings.add_coding(interview_id, code, "A", 0, 11)
    with pytest.raises(ValidationError) as error:
        interviews.update_interview(interview_id, interviews.InterviewInput(
            person, held_on="2019-03-12", interviewer="MdV", transcript="Anders."))
    assert error.value.key == "error.transcript_coded"
    [row] = interviews.interview_rows(study.id)
    assert (row.subject, row.kind, row.codings, row.coders) == ("AL-001", "participant", 1,
                                                                ("A",))
    interviews.delete_interview(interview_id, "verkeerde deelnemer")
    assert Coding.select().count() == 0 and interviews.interview_rows(study.id) == []


def test_an_interview_needs_exactly_one_subject_and_a_past_date(study, person):
    pro = professionals.add_professional(study.id, professionals.ProfessionalInput("PR-1"))
    for data in (interviews.InterviewInput(transcript=TEXT),
                 interviews.InterviewInput(person, pro, transcript=TEXT)):
        with pytest.raises(ValidationError) as error:
            interviews.add_interview(study.id, data)
        assert error.value.key == "error.interview_subject"
    with pytest.raises(ValidationError) as error:
        interviews.add_interview(study.id, interviews.InterviewInput(
            person, held_on=dt.date.today() + dt.timedelta(days=2), transcript=TEXT))
    assert error.value.key == "error.date_future"
    interviews.add_interview(study.id, interviews.InterviewInput(professional_id=pro,
                                                                 transcript=TEXT))
    with pytest.raises(ValidationError) as error:
        professionals.delete_professional(pro, "dubbel")
    assert error.value.key == "error.professional_has_interview"


# --- codebook and codings ------------------------------------------------------------------

def test_codings_check_their_passage_and_coder(study, person):
    interview = _interview(study, person)
    code = codebook.add_code(study.id, "Contact", "Eén vaste persoon", colour="#a8c5e2")
    assert Code.get_by_id(code).colour == "#A8C5E2"
    for start, end, key in ((5, None, "error.passage_incomplete"),
                            (10, 5, "error.passage_range"),
                            (0, len(TEXT) + 1, "error.passage_range"),
                            ("a", 4, "error.passage_range")):
        with pytest.raises(ValidationError) as error:
            codings.add_coding(interview, code, "A", start, end)
        assert error.value.key == key
    first = codings.add_coding(interview, code, "A", 27, 60)
    with pytest.raises(ValidationError) as error:
        codings.add_coding(interview, code, "A", 27, 60)
    assert error.value.key == "error.coding_duplicate"
    codings.add_coding(interview, code, "B", 27, 60)  # another coder may
    codings.add_coding(interview, code, "B")  # the whole interview
    assert [c.coder for c in codings.interview_codings(interview, "A")] == ["A"]  # blind
    assert len(codings.interview_codings(interview)) == 3
    removed = codings.remove_coding(first)
    codings.restore_coding(removed)  # undo
    assert codings.interview_codings(interview, "A")[0].id == first
    with pytest.raises(NotFoundError):
        codings.remove_coding(9999)


def test_rename_keeps_codings_and_merge_undoes_exactly(study, person):
    interview = _interview(study, person)
    support = codebook.add_category(study.id, "Begeleiding")
    contact = codebook.add_code(study.id, "Contact", category_id=support)
    steady = codebook.add_code(study.id, "Vaste persoon", category_id=support)
    codings.add_coding(interview, contact, "A", 0, 10)
    codings.add_coding(interview, contact, "A", 27, 60)
    codings.add_coding(interview, steady, "A", 27, 60)  # the same passage on both codes
    before = codebook.update_code(contact, "Eén contactpersoon", "def", support, None)
    assert before.name == "Contact" and Coding.select().where(Coding.code == contact).count() == 2
    with pytest.raises(ValidationError) as error:
        codebook.update_code(steady, "eén CONTACTPERSOON", "", None, None)
    assert error.value.key == "error.codebook_duplicate"
    with pytest.raises(ValidationError) as error:
        codebook.delete_code(contact)
    assert error.value.key == "error.code_in_use"

    record = codebook.merge_codes(contact, steady)
    assert len(record.moved) == 1 and len(record.dropped) == 1  # no double on 27–60
    assert Coding.select().where(Coding.code == steady).count() == 2
    assert Code.get_or_none(Code.id == contact) is None
    codebook.undo_merge(study.id, record)
    assert Coding.select().where(Coding.code == contact).count() == 2
    assert Coding.select().where(Coding.code == steady).count() == 1
    assert Code.get_by_id(contact).name == "Eén contactpersoon"

    with pytest.raises(ValidationError) as error:
        codebook.delete_category(support)
    assert error.value.key == "error.category_not_empty"


def test_the_codebook_through_a_refi_qda_file(study, db, tmp_path):
    support = codebook.add_category(study.id, "Begeleiding")
    inner = codebook.add_category(study.id, "Contact", support)
    codebook.add_code(study.id, "Vaste persoon", "Eén & dezelfde <begeleider>", inner,
                      "#A8C5E2")
    codebook.add_code(study.id, "Zonder categorie")
    path = tmp_path / "codeboek.qdc"
    export_qdc(study.id, path)
    assert b'xmlns="urn:QDA-XML:codebook:1.0"' in path.read_bytes()
    from desktop.models.services import studies
    other = studies.create_study(studies.StudyInput(name="Andere"))
    count = import_qdc(other, path)
    assert (count.categories, count.codes, count.already_present) == (2, 2, 0)
    book = codebook.codebook(other)
    code = next(c for c in book.codes if c.name == "Vaste persoon")
    assert book.path(code.category_id) == "Begeleiding / Contact"
    assert (code.definition, code.colour) == ("Eén & dezelfde <begeleider>", "#A8C5E2")
    assert import_qdc(other, path).already_present == 2  # a second import adds nothing

    for content in (b"<not xml", b"<?xml version='1.0'?><Project/>"):
        bad = tmp_path / "bad.qdc"
        bad.write_bytes(content)
        with pytest.raises(ValidationError):
            import_qdc(other, bad)
    assert len(codebook.codebook(other).codes) == 2


# --- agreement and findings ------------------------------------------------------------------

@pytest.mark.parametrize("a,b,c,d,kappa", [
    (20, 5, 10, 15, 0.4),  # po = .70, pe = .50
    (45, 15, 25, 15, 0.1304),  # po = .60, pe = .54
    (10, 0, 0, 10, 1.0),
    (0, 5, 5, 0, -1.0),
])
def test_kappa_against_hand_computed_tables(a, b, c, d, kappa):
    assert Agreement(a, b, c, d).kappa == pytest.approx(kappa, abs=1e-4)


def test_kappa_is_undefined_when_chance_agreement_is_perfect():
    table = Agreement(0, 0, 0, 12)  # nobody used the code: 100% agreement, kappa undefined
    assert table.kappa is None and table.observed == 1.0


def test_agreement_counts_presence_per_interview_only_where_both_coded():
    table = agreement({1, 2, 3}, {2, 3, 4, 9}, interviews={1, 2, 3, 4, 5})
    assert (table.a, table.b, table.c, table.d) == (2, 1, 1, 1)
    assert pooled_kappa([Agreement(20, 5, 10, 15), Agreement(10, 0, 0, 10)]) == \
        pytest.approx((0.85 - 0.5) / 0.5)


@pytest.mark.parametrize("table", [(3, 1, 1, 3), (8, 2, 1, 5), (0, 5, 4, 0), (12, 0, 3, 9)])
def test_fisher_exact_matches_scipy(table):
    a, b, c, d = table
    assert fisher_exact(a, b, c, d) == pytest.approx(
        stats.fisher_exact([[a, b], [c, d]]).pvalue, rel=1e-9)


def test_interview_findings_per_code_category_and_coder(study):
    people = [participants.add_participant(study.id, participants.ParticipantInput(
        f"P{i}", study.sites[0].id, "consented", dt.date(2018, 1, 8))) for i in range(4)]
    support = codebook.add_category(study.id, "Begeleiding")
    contact = codebook.add_code(study.id, "Contact", category_id=support)
    plans = codebook.add_code(study.id, "Plannen")
    ids = [_interview(study, person) for person in people]
    # coder A: contact in 1, 2, 3; plans in 1 and 4. Coder B (interviews 1–3): contact in 1,
    # 2; plans in 1, 3. Interview 4 only A coded, so agreement is over interviews 1–3.
    for interview in ids[:3]:
        codings.add_coding(interview, contact, "A", 27, 60)
    codings.add_coding(ids[0], plans, "A", 0, 12)
    codings.add_coding(ids[3], plans, "A")
    codings.add_coding(ids[0], contact, "B", 27, 60)
    codings.add_coding(ids[1], contact, "B", 28, 60)
    codings.add_coding(ids[0], plans, "B", 0, 12)
    codings.add_coding(ids[2], plans, "B")
    found = study_findings(study.id)["interviews"]
    assert (found["interviews"], found["coded"], found["participants_coded"]) == (4, 4, 4)
    by_code = {row["code"]: row for row in found["codes"]}
    assert (by_code["Contact"]["interviews"], by_code["Contact"]["percent"]) == (3, 75.0)
    assert by_code["Plannen"]["interviews"] == 3
    assert by_code["Contact"]["quotes"][0] == TEXT[27:60]
    assert found["categories"] == [{"category": "Begeleiding", "interviews": 3,
                                    "percent": 75.0}]
    [pair] = found["agreement"]
    assert pair["coders"] == ["A", "B"] and pair["interviews"] == 3
    per_code = {row["code"]: row for row in pair["codes"]}
    # Contact over interviews 1–3: A {1,2,3}, B {1,2}: a=2, b=1, c=0, d=0 → po 2/3, pe 2/3
    assert (per_code["Contact"]["both"], per_code["Contact"]["first_only"]) == (2, 1)
    assert per_code["Contact"]["kappa"] == 0.0
    # Plannen: A {1}, B {1,3}: a=1, b=0, c=1, d=1 → po 2/3, pe = 1/3·2/3 + 2/3·1/3 = 4/9
    assert per_code["Plannen"]["kappa"] == pytest.approx((2 / 3 - 4 / 9) / (5 / 9), abs=1e-3)
    assert per_code["Plannen"]["agreement"] == pytest.approx(66.7)


def test_themes_of_participants_who_improved_beside_those_who_did_not(db):
    from desktop.models.demo import write_demo
    from desktop.models.services.progress import participant_changes

    study_id = write_demo(120, 2017, "nl")
    found = study_findings(study_id)["interviews"]
    changes = participant_changes(study_id)
    rows = codings.coding_rows(study_id)
    themes: dict[int, set[int]] = {}
    for row in rows:
        if row.participant_id is not None:
            themes.setdefault(row.participant_id, set()).add(row.code_id)
    names = {code.id: code.name for code in codebook.codebook(study_id).codes}
    assert found["by_progress"]
    for pillar in found["by_progress"]:
        improved = {p for p in themes if changes.get(p, {}).get(pillar["pillar"], 0) > 0}
        other = {p for p in themes if pillar["pillar"] in changes.get(p, {})} - improved
        assert (pillar["n_improved"], pillar["n_not_improved"]) == (len(improved), len(other))
        for row in pillar["codes"]:
            code_id = next(i for i, name in names.items() if name == row["code"])
            assert row["improved"] == sum(1 for p in improved if code_id in themes[p])
            assert row["not_improved"] == sum(1 for p in other if code_id in themes[p])
            if row["p"] is not None:
                assert row["p_holm"] >= row["p"]
                assert row["significant"] == (row["p_holm"] < 0.05)
    # the demo's coders mostly agree: kappa well above chance, below perfection
    [pair] = found["agreement"]
    assert 0.6 < pair["kappa"] < 1 and pair["interviews"] >= 5


def test_a_site_edition_counts_only_that_sites_interviews(db):
    from desktop.models.demo import write_demo
    from desktop.models.services import studies

    study_id = write_demo(120, 2017, "nl")
    whole = study_findings(study_id)["interviews"]
    per_site = [study_findings(study_id, site_id=site.id)["interviews"]
                for site in studies.get_study(study_id).sites]
    assert sum(found["interviews"] for found in per_site) == whole["interviews"]


def test_the_workbook_holds_interviews_codebook_and_every_coding(db, tmp_path):
    import openpyxl

    from desktop.models.demo import write_demo
    from reports.workbook import write_workbook

    study_id = write_demo(40, 3, "nl")
    target = tmp_path / "study.xlsx"
    write_workbook(study_id, target)
    book = openpyxl.load_workbook(target, read_only=True)
    interviews_rows = list(book["interviews"].iter_rows(values_only=True))
    assert len(interviews_rows) - 1 == len(interviews.interview_rows(study_id))
    assert all(isinstance(row[5], int) and isinstance(row[6], int)
               for row in interviews_rows[1:])  # numbers, not text
    codes = [row[0] for row in book["qual_codes"].iter_rows(min_row=2, values_only=True)]
    assert codes == [code.name for code in codebook.codebook(study_id).codes]
    coding_rows = list(book["codings"].iter_rows(min_row=2, values_only=True))
    assert len(coding_rows) == Coding.select().count()
    for interview_id, _, _, _, start, end, passage, _ in coding_rows[:20]:
        transcript = interviews.get_interview(interview_id).transcript
        assert passage == (transcript[start:end] if start is not None else None) or \
            (start is None and not passage)
    variables = {row[1] for row in book["codebook"].iter_rows(min_row=2, values_only=True)}
    assert {"subject_kind", "passage", "coder"} <= variables


def test_cli_interviews_and_codebook(db, db_path, tmp_path, capsys):
    from desktop import cli
    from desktop.models.demo import write_demo

    write_demo(40, 3, "nl")
    code = participants.participant_rows(1)[0].code
    transcript = tmp_path / "gesprek.txt"
    transcript.write_bytes(TEXT.replace("\n", "\r\n").encode("cp1252"))
    assert cli.main(["interview", "import", str(transcript), "--participant", code.lower(),
                     "--date", "1-3-2019", "--interviewer", "MdV", "--db", str(db_path)]) == 0
    assert "opgeslagen" in capsys.readouterr().out
    assert cli.main(["interview", "list", "--db", str(db_path)]) == 0
    assert code in capsys.readouterr().out
    assert cli.main(["interview", "import", str(transcript), "--participant", "X-999",
                     "--db", str(db_path)]) == 1
    assert "X-999" in capsys.readouterr().err
    qdc = tmp_path / "codeboek.qdc"
    assert cli.main(["codebook", "export", str(qdc), "--db", str(db_path)]) == 0
    assert cli.main(["codebook", "import", str(qdc), "--db", str(db_path)]) == 0
    assert "12 codes stonden er al" in capsys.readouterr().out
    assert cli.main(["findings", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "Interviews:" in out and "kappa" in out


def test_a_docx_is_read_in_document_order_with_merged_cells_once(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("1 Intro")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "I", "2 vraag"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "3 antwoord over twee kolommen"
    document.add_paragraph("4 Afsluiting")
    document.save(tmp_path / "t.docx")
    assert read_transcript(tmp_path / "t.docx").splitlines() == [
        "1 Intro", "I\t2 vraag", "3 antwoord over twee kolommen", "4 Afsluiting"]


@pytest.mark.parametrize("make,key", [
    (lambda path: path.write_bytes("Hallo, één keer.".encode("utf-32")), None),
    (lambda path: path.write_bytes(b"tekst met \x01 stuurteken"), "error.transcript_not_text"),
    (lambda path: path.mkdir(), "error.transcript_unreadable"),
])
def test_more_files_that_are_not_plain_transcripts(tmp_path, make, key):
    path = tmp_path / "t.txt"
    make(path)
    if key is None:
        assert read_transcript(path) == "Hallo, één keer."
    else:
        with pytest.raises(ValidationError) as error:
            read_transcript(path)
        assert error.value.key == key


def test_a_docx_with_broken_xml_gets_a_message(tmp_path):
    import docx

    docx.Document().save(tmp_path / "good.docx")
    with zipfile.ZipFile(tmp_path / "good.docx") as source, \
            zipfile.ZipFile(tmp_path / "broken.docx", "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]  # cut off halfway: not well-formed any more
            target.writestr(item, data)
    with pytest.raises(ValidationError) as error:
        read_transcript(tmp_path / "broken.docx")
    assert error.value.key == "error.transcript_not_docx"


def test_mean_agreement_counts_only_codes_someone_used(study):
    people = [participants.add_participant(study.id, participants.ParticipantInput(
        f"P{i}", study.sites[0].id, "consented", dt.date(2018, 1, 8))) for i in range(3)]
    used = codebook.add_code(study.id, "Gebruikt")
    for index in range(8):
        codebook.add_code(study.id, f"Ongebruikt {index}")
    ids = [_interview(study, person) for person in people]
    codings.add_coding(ids[0], used, "A")  # A: present in 1, 2; B: present in 2, 3
    codings.add_coding(ids[1], used, "A")
    codings.add_coding(ids[1], used, "B")
    codings.add_coding(ids[2], used, "B")
    other = codebook.add_code(study.id, "Alleen zodat A interview 3 codeerde")
    codings.add_coding(ids[2], other, "A")
    codings.add_coding(ids[0], other, "B")
    [pair] = study_findings(study.id)["interviews"]["agreement"]
    # "Gebruikt": 1 of 3 the same; the other code: 1 of 3 (interview 2, absent for both)
    assert pair["codes_used"] == 2 and pair["agreement"] == pytest.approx(33.3)
    assert pair["kappa"] is not None and str(pair["kappa"]) != "-0.0"


def test_restoring_a_coding_checks_its_passage_again(study, person):
    interview = _interview(study, person, TEXT + "Nog een zin om te coderen.\n")
    code = codebook.add_code(study.id, "Contact")
    removed = codings.remove_coding(codings.add_coding(interview, code, "A", 90, 110))
    interviews.update_interview(interview, interviews.InterviewInput(
        person, held_on="12-3-2019", interviewer="MdV", transcript="Kort."))  # uncoded now
    with pytest.raises(ValidationError) as error:
        codings.restore_coding(removed)  # a redo after the text changed
    assert error.value.key == "error.passage_range"
    assert Coding.select().count() == 0


def test_category_names_are_unique_per_level_without_case(study):
    top = codebook.add_category(study.id, "Begeleiding")
    other = codebook.add_category(study.id, "Instrumenten")
    for action in (lambda: codebook.add_category(study.id, "BEGELEIDING"),
                   lambda: codebook.rename_category(other, "begeleiding")):
        with pytest.raises(ValidationError) as error:
            action()
        assert error.value.key == "error.category_duplicate"
    codebook.add_category(study.id, "Begeleiding", top)  # one level down is another place
    codebook.add_code(study.id, "Ärger")
    with pytest.raises(ValidationError) as error:
        codebook.add_code(study.id, "ärger")  # beyond A–Z too
    assert error.value.key == "error.codebook_duplicate"


def test_updating_a_code_without_a_colour_keeps_its_colour(study):
    code = codebook.add_code(study.id, "Contact", colour="#123456")
    codebook.update_code(code, "Contact", "nieuw", None, None)
    assert Code.get_by_id(code).colour == "#123456"


def test_a_foreign_codebook_and_control_characters(study, tmp_path):
    from desktop.models.services import studies

    foreign = tmp_path / "atlas.qdc"
    foreign.write_text(
        '<?xml version="1.0" encoding="utf-8"?>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="ATLAS.ti">'
        '<Codes><Code guid="1" name="Groep" isCodable="0">'
        '<Code guid="2" name="Kind" isCodable="1" color="#ff0000"/>'
        '<Code guid="3" name="Leeg" isCodable="false"/></Code></Codes>'
        '<Sets><Set guid="9" name="Verzameling"/></Sets></CodeBook>', encoding="utf-8")
    count = import_qdc(study.id, foreign)
    book = codebook.codebook(study.id)
    [kind] = book.codes
    assert (kind.name, kind.colour, book.path(kind.category_id)) == ("Kind", "#FF0000", "Groep")
    assert count.codes == 1 and {c.name for c in book.categories} == {"Groep", "Leeg"}
    codebook.update_code(kind.id, "Kind", "met\x0bverticale tab", kind.category_id, None)
    export_qdc(study.id, tmp_path / "terug.qdc")
    other = studies.create_study(studies.StudyInput(name="Elders"))
    assert import_qdc(other, tmp_path / "terug.qdc").codes == 1  # well-formed again
