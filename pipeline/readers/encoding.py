"""Decode text files: UTF-8 first, else what charset-normalizer detects (GBK/GB18030 …)."""

from __future__ import annotations

from charset_normalizer import from_bytes


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
        best = from_bytes(data).best()
        if best is None:
            return data.decode("utf-8", errors="replace"), "utf-8-lossy"
        return str(best), best.encoding
