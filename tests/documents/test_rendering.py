"""One structure, two writers: the parsed blocks and what the docx and PDF writers make of them."""

from __future__ import annotations

import datetime as dt

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH

from xinfang import clock
from xinfang.documents.rendering import (
    Block,
    chinese_date,
    chinese_number,
    parse,
    render_html,
    to_docx,
    to_pdf,
)

from .conftest import docx_paragraphs, east_asia_fonts, normal_east_asia_font, pdf_fonts, pdf_text

LETTER = """
<header>上城区信访局</header>
<p class="number">上城信访〔2026〕督字第3号</p>
<h1>督办函</h1>
<p class="salutation">清波街道办事处：</p>
<p>请你单位于
   2026年10月24日前报送办理情况。</p>
<h2>一、有关要求</h2>
<p>第一行<br>第二行</p>
<div class="signature"><p>上城区信访局</p><p>2026年10月14日</p></div>
<p class="note">（联系人：王登记）</p>
"""


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "零"),
        (5, "五"),
        (10, "十"),
        (15, "十五"),
        (30, "三十"),
        (36, "三十六"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (1001, "一千零一"),
        (2026, "二千零二十六"),
        (10000, "一万"),
        (10010, "一万零一十"),
        (15000, "一万五千"),
        (100500, "十万零五百"),
    ],
)
def test_chinese_number(number, text):
    assert chinese_number(number) == text


def test_chinese_date_has_no_leading_zeros_and_reads_instants_in_shanghai():
    assert chinese_date(dt.date(2026, 1, 5)) == "2026年1月5日"
    assert chinese_date("2026-10-14") == "2026年10月14日"
    # 2026-10-13 17:30 UTC is already the 14th in Shanghai.
    assert chinese_date(dt.datetime(2026, 10, 13, 17, 30, tzinfo=dt.UTC)) == "2026年10月14日"
    assert (
        chinese_date(dt.datetime(2026, 10, 14, 9, 0, tzinfo=clock.SHANGHAI).isoformat()) == "2026年10月14日"
    )
    assert chinese_date(None) == ""
    assert chinese_date("待定") == "待定"


def test_parse_reads_the_small_markup_into_blocks():
    assert parse(LETTER) == [
        Block("header", "上城区信访局"),
        Block("number", "上城信访〔2026〕督字第3号"),
        Block("title", "督办函"),
        Block("salutation", "清波街道办事处："),
        Block("paragraph", "请你单位于2026年10月24日前报送办理情况。"),
        Block("heading", "一、有关要求"),
        Block("paragraph", "第一行\n第二行"),
        Block("signature", "上城区信访局"),
        Block("signature", "2026年10月14日"),
        Block("note", "（联系人：王登记）"),
    ]


def test_parse_drops_scripts_styles_and_empty_blocks_and_keeps_loose_text():
    blocks = parse(
        "<style>p{color:red}</style><script>alert(1)</script><h1>标题</h1><p> </p>正文<p>段落</p>"
        "<p>Room\n   101</p>"
    )
    assert blocks == [
        Block("title", "标题"),
        Block("paragraph", "正文"),
        Block("paragraph", "段落"),
        Block("paragraph", "Room 101"),  # a source line break between Latin words is a space
    ]


def test_render_html_escapes_context_and_offers_the_official_filters():
    markup = render_html(
        "<h1>{{ title }}</h1><p>{{ name }}，{{ days|cn_number }}日，{{ day|cn_date }}，{{ reason|clause }}。</p>"
        "{{ text|paragraphs }}",
        {
            "title": "告知书",
            "name": "<b>张三</b>",
            "days": 30,
            "day": dt.date(2026, 10, 14),
            "reason": "情况复杂。",
            "text": "第一段\n\n第二段<script>",
        },
    )
    assert "&lt;b&gt;张三&lt;/b&gt;" in markup
    assert [b.text for b in parse(markup)] == [
        "告知书",
        "<b>张三</b>，三十日，2026年10月14日，情况复杂。",
        "第一段",
        "第二段<script>",
    ]


def test_docx_writer_lays_out_the_blocks_and_names_the_east_asian_font():
    content = to_docx(
        LETTER, issued_at=dt.datetime(2026, 10, 14, 10, tzinfo=clock.SHANGHAI), author="上城区信访局"
    )
    paragraphs = docx_paragraphs(content)
    by_text = {p.text: p for p in paragraphs}
    assert [p.text for p in paragraphs][:3] == ["上城区信访局", "上城信访〔2026〕督字第3号", "督办函"]
    header, signature = paragraphs[0], paragraphs[-3]
    assert str(header.runs[0].font.color.rgb) == "C00000" and header.runs[0].font.bold
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert signature.text == "上城区信访局" and signature.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert by_text["督办函"].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert east_asia_fonts(by_text["督办函"]) == {"Noto Sans CJK SC"}
    assert east_asia_fonts(by_text["清波街道办事处："]) == {"Noto Serif CJK SC"}
    assert by_text["2026年10月14日"].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert by_text["第一行\n第二行"].paragraph_format.first_line_indent.pt == 32
    assert normal_east_asia_font(content) == "Noto Serif CJK SC"


def test_pdf_writer_embeds_both_cjk_fonts_and_keeps_the_text():
    content = to_pdf(LETTER)
    fonts = {name.replace("-", "") for name in pdf_fonts(content)}
    assert any("NotoSerifCJKSC" in name for name in fonts)
    assert any("NotoSansCJKSC" in name for name in fonts)  # the title
    text = pdf_text(content)
    for expected in ("上城区信访局", "上城信访〔2026〕督字第3号", "督办函", "第一行第二行", "2026年10月14日"):
        assert expected in text


def test_pdf_writer_fetches_nothing_a_template_points_at():
    # Only the blocks reach WeasyPrint: an image or stylesheet in a template is dropped, not fetched.
    content = to_pdf(
        '<h1>标题</h1><link rel="stylesheet" href="http://example.invalid/x.css">'
        '<p>正文<img src="http://example.invalid/x.png"></p>'
    )
    assert pdf_text(content).startswith("标题正文")
