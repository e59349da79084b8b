"""Discovery: every raw document under the raw folder, with its sha256 and layout.

Hashes are cached in the build folder by file status (as git's index does): an untouched file
is not read again. Plain functions of the folders they are given; Dagster's ``raw_documents``
asset and the raw-folder sensor call them.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path

from pipeline.cleaning import as_text

CACHE_NAME = "raw_files.json"


def is_raw_document(name: str) -> bool:
    """Hidden files and synthetic corpora's ``*.truth.json`` answer keys are not documents."""
    return not name.startswith(".") and not name.endswith(".truth.json")


def raw_files(directory: Path, skipped: list[tuple[str, str]] | None = None) -> list[tuple[Path, list[int]]]:
    """Every raw document under ``directory`` (recursively, sorted) with its status key.

    What is read: regular files, and symlinks to a regular file inside ``directory``. What is
    not, each added to ``skipped`` as (path under the raw folder, why): symlinks that loop, dangle
    or point outside the raw folder (nothing outside it is ever read), FIFOs, sockets and devices.
    Linked folders are not followed (no loops). ``os.scandir`` reads each entry's type from the
    directory listing and stats each file once: at tens of thousands of files this is several
    times faster than ``Path.rglob``."""
    skips = skipped if skipped is not None else []
    return sorted(_walk(directory, directory, directory.resolve(), skips), key=lambda item: str(item[0]))


def _walk(directory: Path, base: Path, root: Path, skipped: list[tuple[str, str]]):
    with os.scandir(directory) as entries:
        for entry in entries:
            if not is_raw_document(entry.name):
                continue
            if entry.is_symlink():
                why = _unreadable_link(Path(entry.path), root)
                if why:
                    skipped.append((display_name(Path(entry.path), base), why))
                    continue
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(Path(entry.path), base, root, skipped)
            elif entry.is_file():
                yield Path(entry.path), status_key(entry.stat())
            elif not entry.is_dir():
                skipped.append((display_name(Path(entry.path), base), "not a regular file (a FIFO, socket or device)"))


def _unreadable_link(link: Path, root: Path) -> str | None:
    """Why a symlink is not read, or None for a link to a regular file inside the raw folder."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:
        return "symlink loop"
    except OSError as err:
        return "symlink loop" if err.errno == errno.ELOOP else "dangling symlink"
    if not target.is_relative_to(root):
        return f"symlink pointing outside the raw folder ({target}): not read"
    if target.is_dir():
        return "symlink to a folder: not followed"
    return None if target.is_file() else "symlink to something that is not a regular file"


def display_name(path: Path, base: Path) -> str:
    """The path under the raw folder as text: bytes that are not UTF-8 shown as ``\\xff`` escapes."""
    return as_text(str(path.relative_to(base)))


def status_key(stat: os.stat_result) -> list[int]:
    """What changes when a file is written or replaced (size, modification and change times, inode)."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def describe(path: Path, raw_dir: Path, size_bytes: int) -> dict:
    """One raw document as the parse stage needs it."""
    # the readers are imported only when a file is new or changed: a night with nothing new never needs them
    from pipeline.readers import detect_layout

    with open(path, "rb") as handle:
        head = handle.read(65536)
    return {
        "file_name": display_name(path, raw_dir),
        "path": str(path),
        "size_bytes": size_bytes,
        "sha256": file_sha256(path),
        "layout": detect_layout(head) if head.strip() else "empty",
    }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def discover_raw_files(raw_dir: Path, build_dir: Path, skipped: list[tuple[str, str]] | None = None) -> list[dict]:
    """Every raw document with its sha256 and layout, reading only files whose status changed.

    ``skipped`` receives (name, why) for entries not read: see ``raw_files``, and files that
    vanished between listing and reading. A damaged cache is set aside and rebuilt."""
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw directory {raw_dir} does not exist: create it or set BUDGET_RAW_DIR / --raw-dir")
    skips = skipped if skipped is not None else []
    cache_path = build_dir / CACHE_NAME
    cache = _read_cache(cache_path)
    files, fresh_cache = [], {}
    for path, key in raw_files(raw_dir, skips):
        cached = cache.get(str(path))
        if isinstance(cached, dict) and cached.get("stat") == key and "entry" in cached:
            entry = cached["entry"]
        else:
            try:
                entry = describe(path, raw_dir, size_bytes=key[0])
            except FileNotFoundError:
                skips.append((display_name(path, raw_dir), "vanished while the raw folder was read"))
                continue
        fresh_cache[str(path)] = {"stat": key, "entry": entry}
        files.append(entry)
    build_dir.mkdir(parents=True, exist_ok=True)
    temporary = cache_path.with_suffix(".writing")
    temporary.write_text(json.dumps(fresh_cache))  # ASCII: names with non-UTF-8 bytes survive
    temporary.replace(cache_path)
    return files


def _read_cache(cache_path: Path) -> dict:
    """The hash cache, or nothing (every file hashed again) when it is missing or damaged; a
    damaged one is kept beside it as ``raw_files.json.damaged`` for a look."""
    if not cache_path.exists():
        return {}
    try:
        cache = json.loads(cache_path.read_text())
        if isinstance(cache, dict):
            return cache
    except (ValueError, UnicodeDecodeError):
        pass
    cache_path.replace(cache_path.with_name(cache_path.name + ".damaged"))
    return {}


def raw_folder_fingerprint(raw_dir: Path) -> str:
    """Changes when any raw document is added, changed, renamed or removed (the sensor's cursor)."""
    entries = [(str(path.relative_to(raw_dir)), *key) for path, key in raw_files(raw_dir)] if raw_dir.is_dir() else []
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()
