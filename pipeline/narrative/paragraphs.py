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


_NUMBER_TOKEN = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+)?[%％]?$")
_SLOT = re.compile(r"(?<=\S) (?=\S)")
_LEADING_UNIT = re.compile(r"^(?:万元|元|[%％]|年度?|个|辆|台)")


def rejoin_detached_numbers(blocks: list[Block]) -> list[Block]:
    """Sentences whose figures a PDF text layer printed on the next line, in order
    (“…财政局 年度收入支出总计 万元。与 年度相比” / “2024 2995.39 2023”): each figure goes back into
    the gap it left — the spaces of the line in order, or before the unit the line starts with
    (“万元。决算数小于…” / “449.52”, the end of the sentence above). Lines whose gaps and figures
    do not pair up are left as they are."""
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        tokens = following.text.split() if following is not None else []
        # prose (a text line, or a line the reader cut into cells at the gaps) with gaps for figures
        prose = re.search(r"[\u4e00-\u9fff]", block.text) and (
            block.kind == "text" or (re.search(r"[，,。；;]", block.text) and re.search(r"万元|[%％]|年度", block.text))
        )
        if prose and tokens and all(_NUMBER_TOKEN.match(t) for t in tokens):
            text = block.text.strip()
            slots = len(_SLOT.findall(text))
            leading = bool(_LEADING_UNIT.match(text))
            if slots == len(tokens) or (leading and slots + 1 == len(tokens)):
                figures = list(tokens)
                if slots + 1 == len(tokens):
                    text = figures.pop(0) + text
                pieces = _SLOT.split(text)
                text = "".join(piece + (figures[i] if i < len(figures) else "") for i, piece in enumerate(pieces))
                out.append(Block("text", (text,), block.line, block.page))
                index += 2
                continue
        out.append(block)
        index += 1
    return out


def paragraphs(blocks: list[Block]) -> list[Paragraph]:
    """Text blocks joined where a converter broke a sentence over lines or pages."""
    blocks = rejoin_detached_numbers(blocks)
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
