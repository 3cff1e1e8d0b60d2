"""Reading an interview transcript from a file: plain text in whatever encoding a Dutch
office produces (UTF-8 with or without BOM, Windows-1252), or a Word .docx, into one string.
A file that is none of these gets a clear message; nothing is stored from it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from desktop.models.errors import ValidationError

MAX_CHARACTERS = 2_000_000  # about 300 pages of transcript; a longer file is not a transcript
MAX_FILE_BYTES = 50_000_000
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")  # tab, line ends and form feed pass


def read_transcript(path: Path) -> str:
    """The transcript's text with line ends as "\\n"; .docx paragraphs become lines."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ValidationError("transcript", "error.transcript_unreadable", file=path.name,
                              problem=error.strerror or str(error)) from None
    if size > MAX_FILE_BYTES:
        raise ValidationError("transcript", "error.transcript_file_too_large", file=path.name,
                              megabytes=MAX_FILE_BYTES // 1_000_000)
    try:
        if path.suffix.lower() == ".docx":
            text = _docx_text(path)
        else:
            text = decode_text(path.read_bytes(), path.name)
    except OSError as error:  # a folder, no permission, a file that vanished
        raise ValidationError("transcript", "error.transcript_unreadable", file=path.name,
                              problem=error.strerror or str(error)) from None
    return check_transcript(text, path.name)


def check_transcript(text: str, name: str = "") -> str:
    """A pasted or read transcript: line ends unified; refused when empty or too long."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ValidationError("transcript", "error.transcript_empty", file=name)
    if len(text) > MAX_CHARACTERS:
        raise ValidationError("transcript", "error.transcript_too_large", file=name,
                              max=MAX_CHARACTERS)
    if _CONTROL.search(text):  # NUL and the like: binary data, or a wrongly guessed encoding
        raise ValidationError("transcript", "error.transcript_not_text", file=name)
    return text


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252, the two encodings Word and Notepad write
    in Dutch offices; UTF-16 or UTF-32 when it starts with its BOM. Binary data is refused."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        try:
            return raw.decode("utf-32")
        except UnicodeDecodeError:
            pass
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in raw:
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                return raw.decode("cp1252")
            except UnicodeDecodeError:
                pass
    raise ValidationError("transcript", "error.transcript_not_text", file=name)


def _docx_text(path: Path) -> str:
    """Paragraphs and table rows in document order (interview schedules often put the turns
    in a table); a cell merged over several columns is read once."""
    import docx  # python-docx: imported only when a .docx is read
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(str(path))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    cells, seen = [], set()
                    for cell in row.cells:
                        if id(cell._tc) not in seen:
                            seen.add(id(cell._tc))
                            cells.append(cell.text)
                    lines.append("\t".join(cells))
            else:
                lines.append(block.text)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError):
        raise ValidationError("transcript", "error.transcript_not_docx",
                              file=path.name) from None
    return "\n".join(lines)
