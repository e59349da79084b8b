"""The terminal during a long command: Dagster's and dbt's logs go to a log file (and to the
terminal only with ``-v``), while the terminal shows progress.

Logs are captured at the file-descriptor level, so the output of every child process (dbt,
the parse workers) lands in the log file too, not only Python's own ``print``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TextIO

LOGS_KEPT = 30  # build-*.log files kept beside the warehouse (the oldest are removed)


def new_log_file(folder: Path, command: str) -> Path:
    """``<folder>/<command>-<timestamp>.log``; older logs of this command beyond LOGS_KEPT removed."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in sorted(folder.glob(f"{command}-*.log"))[: -LOGS_KEPT + 1]:
        old.unlink(missing_ok=True)
    return folder / f"{command}-{datetime.now():%Y%m%d-%H%M%S-%f}.log"


@contextmanager
def logs_to_file(log_path: Path, echo: bool) -> Iterator[TextIO]:
    """Within the block, file descriptors 1 and 2 write to ``log_path`` (and to the terminal
    when ``echo``). Yields a stream on the real terminal for progress and messages."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(saved_err), "w", buffering=1, encoding="utf-8", errors="replace")
    read_end, write_end = os.pipe()
    log = open(log_path, "ab")  # noqa: SIM115 - closed in the finally below, after the pump thread
    # the end of our output: children that outlive the block (multiprocessing's resource tracker)
    # keep the pipe open, so the pump stops at this marker, not at end-of-file
    end_marker = f"\0end of {log_path.name}\0".encode()

    log_failed: list[OSError] = []

    def pump() -> None:
        pending = b""
        while chunk := os.read(read_end, 65536):
            pending += chunk
            done = end_marker in pending
            data, pending = (
                (pending.split(end_marker, 1)[0], b"")
                if done
                else (pending[: -len(end_marker)], pending[-len(end_marker) :])
            )
            _to_log(data)
            if echo:
                _to_terminal(data)
            if done:
                return

    def _to_log(data: bytes) -> None:
        """Write to the log file; once that fails (a full disk) the pipe is still drained, or every
        process writing to it (this one, dbt) would wait on the full pipe for ever."""
        if log_failed:
            return
        try:
            log.write(data)
            log.flush()
        except OSError as err:
            log_failed.append(err)
            _to_terminal(
                f"\nbudget: the log {log_path} cannot be written ({err.strerror}); the rest is not kept\n".encode()
            )

    def _to_terminal(data: bytes) -> None:
        with contextlib.suppress(OSError):  # a terminal gone (a closed pipe): the log still gets it
            os.write(saved_err, data)

    pumping = threading.Thread(target=pump, name="log-pump", daemon=True)
    pumping.start()
    os.dup2(write_end, 1)
    os.dup2(write_end, 2)
    try:
        yield terminal
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved_out, 1)
        os.dup2(saved_err, 2)
        os.write(write_end, end_marker)
        pumping.join(timeout=30)
        for fd in (saved_out, saved_err, write_end, read_end):
            os.close(fd)
        with contextlib.suppress(OSError):  # a full disk: said on the terminal when it began
            log.close()
        terminal.close()


class Progress:
    """A line on the terminal saying what the build is doing: documents parsed / total with
    the rate while parsing, then the step after it. Redrawn in place on a terminal, printed
    every ``plain_every`` seconds otherwise (CI logs, pipes)."""

    def __init__(
        self, terminal: TextIO, read_parse: Callable[[], tuple[int, int, float | None]], plain_every: float = 15.0
    ) -> None:
        self._terminal = terminal
        self._read_parse = read_parse
        self._plain_every = plain_every
        self._stop = threading.Event()
        self._started = time.time()
        self._thread = threading.Thread(target=self._run, name="progress", daemon=True)
        self._live = terminal.isatty()
        self._last_line = ""

    def __enter__(self) -> Progress:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        if self._live and self._last_line:
            self._terminal.write("\r\x1b[2K")
        self._terminal.flush()

    def line(self) -> str:
        done, total, started = self._read_parse()
        elapsed = time.time() - self._started
        if total and done < total:
            rate = done / max(time.time() - (started or self._started), 1e-6)
            left = f", about {int((total - done) / rate)} s left" if rate > 0 and done else ""
            return f"parsing documents: {done}/{total} ({rate:.1f} documents/s{left})"
        parsed = f"{done} documents parsed; " if total else "no document changed; "
        return f"{parsed}building marts and checks (dbt), publishing… {int(elapsed)} s"

    def _run(self) -> None:
        last_plain = time.time()  # a plain first line after plain_every seconds, not at once
        while not self._stop.wait(0.5):
            line = self.line()
            if self._live:
                self._terminal.write("\r\x1b[2K" + line[: os.get_terminal_size(self._terminal.fileno()).columns - 1])
                self._terminal.flush()
            elif time.time() - last_plain >= self._plain_every and line != self._last_line:
                self._terminal.write(line + "\n")
                self._terminal.flush()
                last_plain = time.time()
            self._last_line = line
