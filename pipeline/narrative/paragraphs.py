"""Running text as paragraphs with their source line and the section they stand in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.cleaning import normalise_prose
from pipeline.intermediate import Block

_SECTIONS: list[tuple[str, str]] = [
    (r"收支预算.*总体说明|收支.*总体情况", "overview"),
    (r"财政拨款收支", "fiscal"),
    (r"收入预算", "income"),
    (r"一般公共预算.*基本支出", "gpb_basic"),
    (r"一般公共预算.*项目支出", "gpb_project"),
    (r"一般公共预算", "gpb"),
    (r"支出预算", "expenditure"),
    (r"三公", "three_public"),
    (r"运行经费", "operating_funds"),
    (r"政府采购", "procurement"),
    (r"国有资产", "assets"),
    (r"绩效", "performance"),
]
_CONTINUES = re.compile(r"^[\d.,，、。；%％）)]|^万元|^元")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])\s*(.{2,60})$")


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int | None
    page: int | None
    section: str | None


def section_of(heading: str) -> str | None:
    for pattern, section in _SECTIONS:
        if re.search(pattern, heading):
            return section
    return None


def paragraphs(blocks: list[Block]) -> list[Paragraph]:
    """Text blocks joined where a converter broke a sentence over lines or pages."""
    out: list[Paragraph] = []
    section: str | None = None
    buffer: list[str] = []
    start: Block | None = None

    def flush() -> None:
        nonlocal buffer, start
        if buffer and start is not None:
            out.append(Paragraph(normalise_prose("".join(buffer)), start.line, start.page, section))
        buffer, start = [], None

    texts = [b for b in blocks if b.kind == "text"]
    for index, block in enumerate(texts):
        text = block.text.strip()
        following = texts[index + 1].text.strip() if index + 1 < len(texts) else ""
        heading = _HEADING.match(text)
        if heading and not re.search(r"[。；]$", text) and len(text) <= 60:
            flush()
            found = section_of(heading.group(1))
            if found and ("说明" in text or "情况" in text):
                section = found
            out.append(Paragraph(normalise_prose(text), block.line, block.page, section))
            continue
        if start is None:
            start = block
        buffer.append(text)
        # a short line ends its paragraph (a heading without a marker), unless the next line
        # visibly goes on with the sentence (“…财政拨款预算” / “1637.76 万元。” in a narrow column)
        if re.search(r"[。；！？:：]$", text) or (len(text) < 30 and not _CONTINUES.match(following)):
            flush()
    flush()
    return out
