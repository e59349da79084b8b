"""Decode text files: UTF-8 first, else what charset-normalizer detects (GBK/GB18030 …)."""

from __future__ import annotations

from charset_normalizer import from_bytes

SAMPLE_BYTES = 1 << 16  # what the encoding is detected from: detection over megabytes takes minutes


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a text file's bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    if len(data) <= SAMPLE_BYTES:
        best = from_bytes(data).best()
        if best is None:
            return data.decode("utf-8", errors="replace"), "utf-8-lossy"
        return str(best), best.encoding
    # a large file: the encoding detected on its start decodes the whole (one pass)
    best = from_bytes(data[:SAMPLE_BYTES]).best()
    encoding = best.encoding if best is not None else "utf-8"
    return data.decode(encoding, errors="replace"), encoding if best is not None else "utf-8-lossy"
