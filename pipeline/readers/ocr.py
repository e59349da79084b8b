"""Pages without a text layer, read by OCR into the engines' page form (``pdf_page.PageContent``).

The page is rendered with PDFium (``BUDGET_OCR_SCALE`` × 72 dpi) and read by RapidOCR (PP-OCRv4
Chinese detection and recognition models, carried by the ``rapidocr-onnxruntime`` wheel and
run by ONNX Runtime on the CPU: nothing is downloaded). Each text box the engine finds becomes
characters spread evenly across the box, so the word, line and table logic of text pages reads
OCR'd pages unchanged; table rulings are found in the image (long horizontal and vertical runs
of dark pixels) and become the page's edges, so ruled tables are found as on a text page.

Every box keeps the engine's confidence (0–1). A page's reading stops at its deadline
(``BUDGET_OCR_PAGE_SECONDS`` of processor time, so that a machine shared with other work does not
cut pages short): recognition runs in small batches and what was not recognised
in time is named, never guessed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from pipeline import config
from pipeline.readers.pdf_page import Char, PageContent, make_char, make_edge

FONT = "OCR"  # the font name of characters read by OCR
_BATCH = 24  # text boxes recognised between two looks at the clock
_WIDEN = 0.5  # a box is widened by up to this share of its height on each side
_MIN_RULE = 0.04  # a ruling spans at least this share of the page's width (or height)
_SAMPLE = 12  # the longest lines the direction classifier looks at


# Told True when OCR starts on a page and False when it stops: the parse worker's watchdog (another
# process, pipeline/shards.py) leaves OCR's time out of a document's deadline, since OCR keeps its own
# limits (processor time). A parse worker sets it; elsewhere nobody listens.
def _nobody_listens(reading: bool) -> None:
    return None


ocr_watch: Callable[[bool], None] = _nobody_listens


@dataclass(frozen=True, slots=True)
class Box:
    """One text box the engine read, in points: its text and confidence."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float


@dataclass(slots=True)
class OcrPage:
    page: PageContent
    boxes: list[Box] = field(default_factory=list)
    seconds: float = 0.0  # processor time: the limits count it (a loaded machine does not cut pages short)
    wall_seconds: float = 0.0
    complete: bool = True  # False when the deadline stopped recognition
    quarter_turns: int = 0  # the image was turned this many quarters clockwise to read upright

    @property
    def confidence(self) -> float | None:
        """The page's confidence: the mean of its boxes', weighted by their characters."""
        chars = sum(len(b.text) for b in self.boxes)
        return sum(b.confidence * len(b.text) for b in self.boxes) / chars if chars else None

    def confidence_of(self, text: str) -> float | None:
        """The confidence of a line or row printed as ``text``: the lowest of the boxes it holds."""
        flat = "".join(text.split())
        held = [b.confidence for b in self.boxes if "".join(b.text.split()) in flat]
        return min(held) if held else self.confidence


@cache
def engine():
    """The OCR engine, loaded once per process (the models load in about a second). One thread:
    the parse already runs a process per core."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, use_cls=False)


def read_page(pdf_page, number: int, scale: float, seconds: float) -> OcrPage:
    """The page (a ``pypdfium2`` page) read by OCR within ``seconds`` of processor time. The page is
    rendered as displayed (its /Rotate applied); an image scanned sideways or upside down is
    turned upright first (``_upright``), and the page then has the upright image's size."""
    started, wall_started = time.process_time(), time.monotonic()
    image = np.asarray(pdf_page.render(scale=scale).to_pil().convert("RGB"))
    turn, found = 0, None
    if image.min() < 128:  # a blank page (nothing darker than paper) has nothing to read
        image, turn, found = _upright(image, started + seconds)
    width, height = pdf_page.get_size()
    if turn % 2:
        width, height = height, width
    edges, lines = rulings(image, scale)
    # the rulings are read as edges; text is found in the page as printed (the rulings keep the
    # cells apart) and read with them erased (a stroke touching a ruling, 一 beside a cell's
    # border, is otherwise lost to it)
    text_only = np.where(lines[..., None] > 0, 255, image).astype(np.uint8)
    boxes, complete = _recognise(found, text_only, started + seconds) if found is not None else ([], True)
    found_boxes = [
        Box(text, *(v / scale for v in bbox), confidence) for text, bbox, confidence in boxes if text.strip()
    ]
    page = PageContent(number, width, height, chars=_chars(found_boxes), edges=edges)
    return OcrPage(page, found_boxes, time.process_time() - started, time.monotonic() - wall_started, complete, turn)


def _detect(image: np.ndarray) -> tuple[np.ndarray | None, float, float, tuple[int, int]]:
    """The text boxes the engine finds in ``image`` (points in the engine's scaled image), the
    scale back to the image's pixels, and the scaled image's height and width."""
    ocr = engine()
    scaled, ratio_h, ratio_w = ocr.preprocess(image)
    found, _ = ocr.auto_text_det(scaled)
    return (None if found is None else np.asarray(found)), ratio_h, ratio_w, scaled.shape[:2]


def _upright(image: np.ndarray, deadline: float) -> tuple[np.ndarray, int, tuple | None]:
    """(the image turned upright, the quarter turns clockwise that took, its text boxes with their
    scale). Lines of text are wider than tall: when the boxes found are mostly taller than wide
    (weighed by their length, so that a column of single digits does not count), the image is
    scanned sideways and is turned a quarter; it is kept turned if its boxes are then mostly
    wide. Then the engine's direction classifier looks at the longest lines: when most of them
    read upside down, the image is turned half round (the boxes with it, no second detection).
    An upright page costs one detection and one classification of a dozen lines."""
    found, ratio_h, ratio_w, (height, width) = _detect(image)
    turn = 0
    if found is not None and _mostly_tall(found) and time.process_time() < deadline:
        turned = np.ascontiguousarray(np.rot90(image, -1))
        detected = _detect(turned)
        if detected[0] is not None and not _mostly_tall(detected[0]):
            image, (found, ratio_h, ratio_w, (height, width)), turn = turned, detected, 1
    if found is None:
        return image, turn, None
    if _upside_down(image, found):
        image = np.ascontiguousarray(np.rot90(image, 2))
        # a box's corners run clockwise from its top left: turned half round, the bottom right leads
        flipped = np.stack([width - 1 - found[..., 0], height - 1 - found[..., 1]], axis=-1)[:, [2, 3, 0, 1]]
        found = np.asarray(engine().sorted_boxes(flipped.astype(np.float32)))
        turn += 2
    return image, turn, (found, ratio_h, ratio_w)


def _extent(found: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return found[..., 0].max(axis=1) - found[..., 0].min(axis=1), found[..., 1].max(axis=1) - found[..., 1].min(axis=1)


def _mostly_tall(found: np.ndarray) -> bool:
    """Whether the boxes taller than wide (by half again, as the engine's own crop rule) are
    longer in all than the boxes wider than tall."""
    width, height = _extent(found)
    return float(height[height >= 1.5 * width].sum()) > float(width[width >= 1.5 * height].sum())


def _upside_down(image: np.ndarray, found: np.ndarray) -> bool:
    """Whether most of the longest lines (at least three) read upside down to the engine's
    direction classifier (the engine's own threshold on its score)."""
    ocr = engine()
    box_width, box_height = _extent(found)
    longest = [i for i in np.argsort(-box_width)[:_SAMPLE] if box_width[i] >= 3 * box_height[i]]
    if len(longest) < 3:
        return False
    scaled = ocr.preprocess(image)[0]
    _, classes, _ = ocr.text_cls(ocr.get_crop_img_list(scaled, [found[i] for i in longest]))
    flipped = sum(1 for label, score in classes if "180" in label and score > ocr.text_cls.cls_thresh)
    return flipped > len(longest) / 2


def _recognise(found: tuple, text_only: np.ndarray, deadline: float) -> tuple[list[tuple[str, tuple, float]], bool]:
    """(text, (x0, top, x1, bottom) in pixels, confidence) of every text box ``found`` (the boxes
    and their scale, from ``_upright``) read in ``text_only`` (the page without its rulings), and
    whether all boxes were recognised before the deadline. RapidOCR's own steps (pinned 1.4.4),
    with a look at the clock between batches of recognition."""
    ocr = engine()
    boxes, ratio_h, ratio_w = found
    erased = ocr.preprocess(text_only)[0]
    crops = ocr.get_crop_img_list(erased, _widened(list(boxes), erased.shape[1]))
    read: list[tuple[str, tuple, float]] = []
    for start in range(0, len(crops), _BATCH):
        if time.process_time() > deadline:
            return read, False
        results, _ = ocr.text_rec(crops[start : start + _BATCH])
        for points, (text, confidence) in zip(boxes[start : start + _BATCH], results):
            xs, ys = points[:, 0] * ratio_w, points[:, 1] * ratio_h
            read.append((text, (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())), float(confidence)))
    return read, True


def _widened(found: list[np.ndarray], width: int) -> list[np.ndarray]:
    """The boxes widened left and right by up to half their height, never into another box of the same
    line: the detector leaves out a thin first stroke beside a ruling (一 of 一般, 一、) and the
    recognition model drops one touching the edge of its crop."""
    extents = [(p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max()) for p in found]
    widened = []
    for x0, top, x1, bottom in extents:
        margin = _WIDEN * (bottom - top)
        left, right = max(x0 - margin, 0), min(x1 + margin, width - 1)
        for other_x0, other_top, other_x1, other_bottom in extents:
            if min(bottom, other_bottom) - max(top, other_top) <= 0.5 * (bottom - top):
                continue  # another line
            if other_x1 <= x0:
                left = max(left, other_x1 + 1)
            elif other_x0 >= x1:
                right = min(right, other_x0 - 1)
        widened.append(np.array([[left, top], [right, top], [right, bottom], [left, bottom]], dtype=np.float32))
    return widened


def _chars(boxes: list[Box]) -> list[Char]:
    """Each box's characters, spread evenly across it (a blank stays a gap between words)."""
    chars = []
    for box in boxes:
        step = (box.x1 - box.x0) / len(box.text)
        size = box.bottom - box.top
        for i, text in enumerate(box.text):
            if not text.isspace():
                x0 = box.x0 + i * step
                chars.append(make_char(text, x0, box.top, x0 + step, box.bottom, size, FONT))
    chars.sort(key=lambda c: (c.top, c.x0))
    return chars


def _under_a_box(char: Char, boxes: list[Box]) -> bool:
    """Whether the character's middle lies in one of the boxes."""
    x, y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
    return any(b.x0 <= x <= b.x1 and b.top <= y <= b.bottom for b in boxes)


def rulings(image: np.ndarray, scale: float) -> tuple[list[dict], np.ndarray]:
    """The table rulings printed in the image, as the page's edges (in points), and their pixels
    (a mask): runs of dark pixels at least ``_MIN_RULE`` of the page long, found by morphological
    opening."""
    import cv2

    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    dark = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    height, width = dark.shape
    edges = []
    mask = np.zeros_like(dark)
    for orientation, kernel in (
        ("h", (max(int(width * _MIN_RULE), 10), 1)),
        ("v", (1, max(int(height * _MIN_RULE / 2), 10))),
    ):
        lines = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        mask |= lines
        contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            x, y, w, h = cv2.boundingRect(contour)
            if orientation == "h":
                middle = (y + h / 2) / scale
                edge = make_edge("h", x / scale, middle, (x + w) / scale, middle)
            else:
                middle = (x + w / 2) / scale
                edge = make_edge("v", middle, y / scale, middle, (y + h) / scale)
            if edge is not None:
                edges.append(edge)
    return edges, mask


def image_share(pdf_page) -> float:
    """The share of the page (a ``pypdfium2`` page) its images cover, inside forms too (an image in a
    form is placed by the form's matrix); overlapping images are counted once each, up to the whole page."""
    import pypdfium2.raw as pdfium_c

    left, bottom, right, top = pdf_page.get_bbox()
    covered = 0.0
    for image in pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        x0, y0, x1, y1 = image.get_bounds()
        corners = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
        form = image.container
        while form is not None:
            a, b, c, d, e, f = form.get_matrix().get()
            corners = [(a * x + c * y + e, b * x + d * y + f) for x, y in corners]
            form = form.container
        xs, ys = [x for x, _ in corners], [y for _, y in corners]
        width = max(0.0, min(max(xs), right) - max(min(xs), left))
        height = max(0.0, min(max(ys), top) - max(min(ys), bottom))
        covered += width * height
    return min(1.0, covered / max((right - left) * (top - bottom), 1e-9))


class DocumentOcr:
    """OCR of one document's image pages, within the document's limits (``BUDGET_OCR``,
    ``BUDGET_OCR_MAX_PAGES``, ``BUDGET_OCR_MAX_SECONDS``, ``BUDGET_OCR_PAGE_SECONDS``). An image page
    is a page without a text layer, or one whose text layer holds almost nothing (fewer than
    ``FEW_CHARS`` characters: a page number, a heading) while images cover at least
    ``IMAGE_SHARE`` of it (a table pasted as a picture under its caption, a scan stamped with its
    page number)."""

    FEW_CHARS = 60
    IMAGE_SHARE = 0.3

    def __init__(self, data: bytes):
        self.data = data
        self.on = config.ocr_on()
        self.scale = float(config.OCR_SCALE.value())
        self.page_seconds = float(config.OCR_PAGE_SECONDS.value())
        self.max_seconds = float(config.OCR_DOCUMENT_SECONDS.value())
        self.max_pages = int(config.OCR_MAX_PAGES.value())
        self.pages: dict[int, OcrPage] = {}
        self.unread: list[int] = []  # image pages the limits left unread
        self.seconds = 0.0  # processor time spent on OCR
        self.wall_seconds = 0.0
        self._pdf = None

    def _page(self, number: int):
        import pypdfium2

        self._pdf = self._pdf or pypdfium2.PdfDocument(self.data)
        return self._pdf[number - 1]

    def is_image_page(self, page: PageContent) -> bool:
        """Whether a page read from its text layer shows an image, not text: its text layer holds
        fewer than ``FEW_CHARS`` characters while images cover at least ``IMAGE_SHARE`` of the page.
        Only such pages are looked at (a page of text costs nothing more)."""
        if not self.on or not page.chars or sum(not c.text.isspace() for c in page.chars) >= self.FEW_CHARS:
            return False
        pdf_page = self._page(page.number)
        try:
            return image_share(pdf_page) >= self.IMAGE_SHARE
        finally:
            pdf_page.close()

    def read(self, number: int, text_layer: PageContent | None = None) -> PageContent | None:
        """The page read by OCR, or None (OCR off, or the document's limits reached). The few
        characters of a page's ``text_layer`` are kept where no box OCR read lies on them (where one
        does, it read the same print: the text layer is drawn on the page too); on a page OCR had to
        turn upright they are dropped (they run across the upright page, and OCR read them too)."""
        if not self.on:
            return None
        if len(self.pages) >= self.max_pages or self.seconds >= self.max_seconds:
            self.unread.append(number)
            return None
        pdf_page = self._page(number)
        ocr_watch(True)
        try:
            read = read_page(pdf_page, number, self.scale, min(self.page_seconds, self.max_seconds - self.seconds))
        finally:
            ocr_watch(False)
            pdf_page.close()
        self.seconds += read.seconds
        self.wall_seconds += read.wall_seconds
        self.pages[number] = read
        if text_layer is not None and not read.quarter_turns:
            kept = [c for c in text_layer.chars if not c.text.isspace() and not _under_a_box(c, read.boxes)]
            read.page.chars = sorted(read.page.chars + kept, key=lambda c: (c.top, c.x0))
            read.page.edges = read.page.edges + text_layer.edges
        return read.page

    def problems(self) -> list[str]:
        stopped = [n for n, p in self.pages.items() if not p.complete]
        found = []
        if stopped:
            found.append(
                f"OCR stopped at the page time limit (BUDGET_OCR_PAGE_SECONDS), part of the page unread: "
                f"pages {', '.join(map(str, stopped))}"
            )
        if self.unread:
            found.append(
                "image pages not OCR'd (BUDGET_OCR_MAX_PAGES / BUDGET_OCR_MAX_SECONDS reached): "
                + ", ".join(map(str, self.unread))
            )
        turned = [f"{n} ({p.quarter_turns * 90}° clockwise)" for n, p in self.pages.items() if p.quarter_turns]
        if turned:
            found.append(f"pages scanned sideways or upside down, turned upright for OCR: {', '.join(turned)}")
        return found

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
