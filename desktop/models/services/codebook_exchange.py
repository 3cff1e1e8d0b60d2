"""The codebook to and from a REFI-QDA codebook file (.qdc), the exchange format that
ATLAS.ti, MAXQDA, NVivo and QualCoder read and write: categories become codes that cannot be
applied, with the study's codes nested inside."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from desktop import __version__
from desktop.models.database import transaction
from desktop.models.errors import ValidationError
from desktop.models.files import write_atomically
from desktop.models.services import codebook as codes
from desktop.models.services.studies import get_study

NAMESPACE = "urn:QDA-XML:codebook:1.0"
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_Q = f"{{{NAMESPACE}}}"


@dataclass(frozen=True)
class ImportCount:
    categories: int
    codes: int
    already_present: int


def export_qdc(study_id: int, path: Path) -> None:
    book = codes.codebook(study_id)
    study = get_study(study_id)
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{_Q}CodeBook", {"origin": f"Brugmeter {__version__}"})
    holder = ET.SubElement(root, f"{_Q}Codes")

    def guid(kind: str, number: int) -> str:  # stable: the same codebook exports the same file
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"brugmeter:{study.name}:{kind}:{number}"))

    def add_level(parent: ET.Element, category_id: int | None) -> None:
        for category in book.categories:
            if category.parent_id == category_id:
                element = ET.SubElement(parent, f"{_Q}Code", {
                    "guid": guid("category", category.id), "name": _xml_safe(category.name),
                    "isCodable": "false"})
                add_level(element, category.id)
        for code in book.codes:
            if code.category_id == category_id:
                element = ET.SubElement(parent, f"{_Q}Code", {
                    "guid": guid("code", code.id), "name": _xml_safe(code.name),
                    "isCodable": "true",
                    "color": code.colour})
                if code.definition:
                    ET.SubElement(element, f"{_Q}Description").text = _xml_safe(
                        code.definition)

    add_level(holder, None)
    ET.indent(root)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    write_atomically(Path(path), lambda temporary: temporary.write_bytes(data))


def _xml_safe(text: str) -> str:
    """Without the control characters XML 1.0 forbids (a vertical tab pasted from Word would
    make the file unreadable to every tool, ours included)."""
    return _FORBIDDEN.sub("", text)


def import_qdc(study_id: int, path: Path) -> ImportCount:
    """Add the file's categories and codes to the study's codebook, all or nothing; a code
    whose name the codebook already has is left as it is."""
    path = Path(path)
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, UnicodeDecodeError):
        raise ValidationError("file", "error.qdc_not_xml", file=path.name) from None
    except OSError as error:
        raise ValidationError("file", "error.transcript_unreadable", file=path.name,
                              problem=error.strerror or str(error)) from None
    holder = root.find(f"{_Q}Codes") if root.tag == f"{_Q}CodeBook" else None
    if holder is None:
        raise ValidationError("file", "error.qdc_not_codebook", file=path.name)
    added = [0, 0, 0]
    with transaction():
        book = codes.codebook(study_id)
        known = {code.name.casefold() for code in book.codes}
        categories = {(c.parent_id, c.name): c.id for c in book.categories}

        def category_for(name: str, parent: int | None) -> int:
            if (parent, name) not in categories:
                categories[parent, name] = codes.add_category(study_id, name, parent)
                added[0] += 1
            return categories[parent, name]

        def walk(element: ET.Element, parent: int | None) -> None:
            for child in element.findall(f"{_Q}Code"):
                name = (child.get("name") or "").strip()
                if not name:
                    raise ValidationError("file", "error.qdc_not_codebook", file=path.name)
                nested = child.findall(f"{_Q}Code")
                codable = child.get("isCodable", "true").strip().lower() in ("true", "1")
                if codable:
                    if name.casefold() in known:
                        added[2] += 1
                    else:
                        description = child.findtext(f"{_Q}Description") or ""
                        colour = child.get("color") or ""
                        codes.add_code(study_id, name, description.strip(), parent,
                                       colour[:7] if codes.is_colour(colour[:7]) else None)
                        known.add(name.casefold())
                        added[1] += 1
                if nested or not codable:  # a code that cannot be applied is a category
                    walk(child, category_for(name, parent))

        walk(holder, None)
    return ImportCount(*added)
