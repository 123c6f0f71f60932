"""Rendering a document: template → small structured HTML → blocks → docx and PDF.

One structure, two writers. `render_html` fills an administrator's template; `parse` reads the result into a
flat list of blocks (the only markup a template may use is listed in `ROLES_BY_TAG`/`ROLES_BY_CLASS`); `to_pdf`
and `to_docx` each write those blocks. The PDF writer does not hand the administrator's HTML to WeasyPrint:
it writes its own page from the blocks, so both files always show the same text, and nothing in a template
(a stylesheet, an image, a link) can fetch anything or change the layout.

Layout follows GB/T 9704-2012 (党政机关公文格式): A4, margins 37/26/35/28 mm, body text 16 pt (三号),
title 22 pt (二号), about 22 lines of 28 characters, signature and date right-aligned four characters in.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.template import Context, Engine

from xinfang import clock

SERIF = "Noto Serif CJK SC"  # body text (in place of 仿宋)
SANS = "Noto Sans CJK SC"  # headings (in place of 小标宋/黑体)
RED = "C00000"

ROLES_BY_TAG = {"header": "header", "h1": "title", "h2": "heading", "h3": "heading", "p": "paragraph"}
ROLES_BY_CLASS = {"number": "number", "salutation": "salutation", "note": "note", "signature": "signature"}
SKIPPED_TAGS = {"style", "script", "head", "title"}

# WeasyPrint reports every layout step at INFO; one document would fill the log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Block:
    role: str  # header, number, title, heading, salutation, paragraph, note, signature
    text: str  # plain text; "\n" is a line break inside the block


# --- numbers and dates --------------------------------------------------------------------------------------

DIGITS = "零一二三四五六七八九"


def _below_10000(n: int) -> str:
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if zero and out else "") + DIGITS[digit] + unit
            zero = False
        else:
            zero = True
    return out


def chinese_number(n: int) -> str:
    """30 → 三十, 15 → 十五, 101 → 一百零一, 10010 → 一万零一十 (for article numbers and periods)."""
    n = int(n)
    if n < 0:
        return "负" + chinese_number(-n)
    if n == 0:
        return "零"
    high, low = divmod(n, 10000)
    if high >= 10000:
        return str(n)  # no document needs 亿
    text = (_below_10000(high) + "万" if high else "") + (
        ("零" if high and low < 1000 else "") + _below_10000(low) if low else ""
    )
    return text[1:] if text.startswith("一十") else text


def chinese_date(value) -> str:
    """2026年10月14日: Arabic numerals, no leading zeros (GB/T 9704-2012 7.3.5.3). Accepts dates, aware
    datetimes (read in Asia/Shanghai) and ISO strings; anything else is returned as text."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = clock.local_date(value) if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return "" if value is None else str(value)


# --- template → HTML -----------------------------------------------------------------------------------------


@functools.cache
def _engine() -> Engine:
    # A private engine so that templates need no {% load %} and the project's template settings don't apply.
    return Engine(builtins=["xinfang.documents.templatetags.official"], autoescape=True)


def compile_body(body: str):
    """Compile a template body; raises django.template.TemplateSyntaxError."""
    return _engine().from_string(body)


def render_html(template, context: dict) -> str:
    """Fill a template (a DocumentTemplate, or its body as a string) with the context."""
    body = template if isinstance(template, str) else template.body
    return compile_body(body).render(Context(context, autoescape=True))


# --- HTML → blocks -------------------------------------------------------------------------------------------


BREAK = "\x00"  # a <br>; newlines in the template source are only layout
SOURCE_BREAK = re.compile(r"(\S?)[ \t\r]*\n\s*(\S?)")


def _join_lines(match: re.Match) -> str:
    # As CSS does for Chinese: a line break in the source between CJK characters is no space at all.
    before, after = match.group(1), match.group(2)
    wide = any(ch and ord(ch) > 0x2E7F for ch in (before, after))
    return before + ("" if wide else " ") + after


class _BlockParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.current: tuple[str, list[str]] | None = None
        self.containers: list[str] = []  # roles given by enclosing <div class="...">
        self.skipping = 0

    def _flush(self):
        if self.current:
            role, parts = self.current
            text = "\n".join(" ".join(line.split()) for line in "".join(parts).split(BREAK)).strip()
            if text:
                self.blocks.append(Block(role, text))
        self.current = None

    def _role(self, tag: str, classes: list[str]) -> str:
        for name in classes:
            if name in ROLES_BY_CLASS:
                return ROLES_BY_CLASS[name]
        inherited = next((role for role in reversed(self.containers) if role), None)
        return inherited or ROLES_BY_TAG[tag]

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif tag == "div":
            self._flush()
            self.containers.append(next((ROLES_BY_CLASS[c] for c in classes if c in ROLES_BY_CLASS), ""))
        elif tag in ROLES_BY_TAG:
            self._flush()
            self.current = (self._role(tag, classes), [])
        elif tag == "br" and self.current:
            self.current[1].append(BREAK)

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "div":
            self._flush()
            if self.containers:
                self.containers.pop()
        elif tag in ROLES_BY_TAG:
            self._flush()

    def handle_data(self, data):
        if self.skipping:
            return
        if self.current is None:
            if not data.strip():
                return
            # Loose text (inside a signature div, or outside any block) still belongs in the document.
            self.current = (self._role("p", []), [])
        self.current[1].append(SOURCE_BREAK.sub(_join_lines, data))

    def close(self):
        super().close()
        self._flush()


def parse(markup: str) -> list[Block]:
    parser = _BlockParser()
    parser.feed(markup)
    parser.close()
    return parser.blocks


def _head_end(blocks: list[Block]) -> int:
    """Index of the last block of a red header group (header and number), or -1 when there is no header."""
    if not blocks or blocks[0].role != "header":
        return -1
    end = 0
    while end + 1 < len(blocks) and blocks[end + 1].role in ("header", "number"):
        end += 1
    return end


def _next_role(blocks: list[Block], index: int) -> str:
    return blocks[index + 1].role if index + 1 < len(blocks) else ""


def title_of(blocks: list[Block]) -> str:
    return next((b.text for b in blocks if b.role == "title"), "")


# --- PDF writer (WeasyPrint) ---------------------------------------------------------------------------------

CSS = f"""
@page {{
  size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-center {{ content: "— " counter(page) " —"; font-family: "{SERIF}"; font-size: 14pt; }}
}}
html {{ font-family: "{SERIF}"; font-size: 16pt; line-height: 28.9pt; color: #000; }}
body {{ margin: 0; }}
p, h1, h2 {{ margin: 0; orphans: 2; widows: 2; }}
p {{ text-indent: 2em; text-align: justify; }}
.header {{ color: #{RED}; text-align: center; text-indent: 0; font-weight: bold;
  font-size: 26pt; line-height: 1.6; letter-spacing: 0.1em; }}
.number {{ text-align: center; text-indent: 0; }}
.rule {{ border-bottom: 1.5pt solid #{RED}; padding-bottom: 6pt; margin-bottom: 28.9pt; }}
h1, h2 {{ font-family: "{SANS}"; margin: 0; text-indent: 0; }}
h1 {{ font-size: 22pt; line-height: 1.5; text-align: center; margin: 14pt 0 28.9pt; }}
h1.tight {{ margin-bottom: 6pt; }}
h1 + .number {{ margin-bottom: 28.9pt; }}
h2 {{ font-size: 16pt; text-indent: 2em; font-weight: normal; break-after: avoid; }}
.salutation, .note {{ text-indent: 0; }}
.note {{ margin-top: 28.9pt; }}
/* The signature and date never stand alone on a page (GB/T 9704-2012 7.3.5). */
.signature {{ text-align: right; text-indent: 0; padding-right: 4em; break-before: avoid; }}
.signature.first {{ margin-top: 57.8pt; }}
"""


def _pdf_tag(block: Block, classes: list[str]) -> str:
    text = html.escape(block.text).replace("\n", "<br>")
    tag = {"title": "h1", "heading": "h2"}.get(block.role, "p")
    if block.role not in ("title", "heading", "paragraph"):
        classes = [block.role, *classes]
    attr = f' class="{" ".join(classes)}"' if classes else ""
    return f"<{tag}{attr}>{text}</{tag}>"


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"文书不加载外部资源：{url}")


def to_pdf(markup: str) -> bytes:
    # Imported late: loading Pango and the fonts costs a second, which only document rendering should pay.
    from weasyprint import CSS as Stylesheet
    from weasyprint import HTML

    blocks = parse(markup)
    head_end = _head_end(blocks)
    parts = []
    for index, block in enumerate(blocks):
        classes = []
        if index == head_end:
            classes.append("rule")
        if block.role == "signature" and (index == 0 or blocks[index - 1].role != "signature"):
            classes.append("first")
        if block.role == "title" and _next_role(blocks, index) == "number":
            classes.append("tight")
        parts.append(_pdf_tag(block, classes))
    page = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title_of(blocks))}</title></head><body>{''.join(parts)}</body></html>"
    )
    return HTML(string=page, url_fetcher=_refuse_fetch).write_pdf(stylesheets=[Stylesheet(string=CSS)])


# --- docx writer (python-docx) -------------------------------------------------------------------------------


def _set_fonts(rpr_owner, font: str) -> None:
    """Name the font for Latin and East-Asian text alike; Word otherwise falls back to its own CJK font."""
    from docx.oxml.ns import qn

    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def _bottom_border(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"w:val": "single", "w:sz": "12", "w:space": "6", "w:color": RED}.items():
        bottom.set(qn(key), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().append(border)


def _page_number_footer(section) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)
    paragraph.add_run(" —")


def to_docx(markup: str, *, issued_at: dt.datetime | None = None, author: str = "") -> bytes:
    from docx import Document as new_docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    blocks = parse(markup)
    doc = new_docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_number_footer(section)

    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = SERIF, Pt(16)
    _set_fonts(normal.element, SERIF)
    lang = OxmlElement("w:lang")  # last in rPr's schema order, so appending is valid
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    normal.paragraph_format.line_spacing = Pt(28.9)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)

    head_end = _head_end(blocks)
    for index, block in enumerate(blocks):
        paragraph = doc.add_paragraph()
        fmt = paragraph.paragraph_format
        font, size, bold, colour = SERIF, Pt(16), False, None
        if block.role == "header":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            size, bold, colour = Pt(26), True, RGBColor.from_string(RED)
            fmt.line_spacing = 1.6
        elif block.role == "number":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if index and blocks[index - 1].role == "title":
                fmt.space_after = Pt(28.9)
        elif block.role == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            font, size, bold = SANS, Pt(22), True
            tight = _next_role(blocks, index) == "number"
            fmt.line_spacing, fmt.space_before, fmt.space_after = 1.5, Pt(14), Pt(6 if tight else 28.9)
        elif block.role == "heading":
            font = SANS
            fmt.first_line_indent = Pt(32)
        elif block.role == "signature":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            fmt.right_indent = Pt(64)
            if index == 0 or blocks[index - 1].role != "signature":
                fmt.space_before = Pt(57.8)
        elif block.role == "note":
            fmt.space_before = Pt(28.9)
        elif block.role == "paragraph":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt.first_line_indent = Pt(32)  # two characters of 16 pt
        if index == head_end:
            _bottom_border(paragraph)
        for line_no, line in enumerate(block.text.split("\n")):
            run = paragraph.add_run()
            if line_no:
                run.add_break()
            run.add_text(line)
            run.font.name, run.font.size, run.font.bold = font, size, bold
            _set_fonts(run._element, font)
            if colour is not None:
                run.font.color.rgb = colour

    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title_of(blocks), author, author
    props.language, props.revision, props.comments = "zh-CN", 1, ""
    if issued_at is not None:
        props.created = props.modified = issued_at.astimezone(dt.UTC).replace(tzinfo=None)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
