"""Documents scenes: a petition registered at 上城区信访局 on 2026-10-14, and readers for the files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from pypdf import PdfReader

from tests import factories as f

ISSUED_AT = dt.datetime(2026, 10, 14, 10, 0)


@pytest.fixture
def petition(people, frozen_clock):
    frozen_clock(ISSUED_AT)
    return f.register(people.registrar)


def read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def pdf_fonts(content: bytes) -> set[str]:
    """BaseFont names of every font used on any page."""
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def pdf_text(content: bytes) -> str:
    """The text of all pages, without whitespace (lines wrap anywhere in Chinese)."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return "".join(text.split())


def docx_paragraphs(content: bytes):
    return [p for p in open_docx(io.BytesIO(content)).paragraphs if p.text.strip()]


def east_asia_fonts(paragraph) -> set[str]:
    return {run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in paragraph.runs}


def normal_east_asia_font(content: bytes) -> str | None:
    normal = open_docx(io.BytesIO(content)).styles["Normal"]
    return normal.element.rPr.rFonts.get(qn("w:eastAsia"))
