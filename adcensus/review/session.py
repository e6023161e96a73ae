"""The interactive review: one key per answer, each answer saved the moment it is given.

Keys are read one at a time from a terminal (cbreak mode, so Ctrl-C still interrupts);
when stdin is not a terminal (a pipe, a test), one answer per line is read instead.
`y` same person, `n` different, `s` skip, `u` undo (the previous answer of this
session becomes a skip, and its pair comes back), `q` quit. Ctrl-C, `q`, Ctrl-D or the
end of the input stop the session; nothing is lost, as every answer is already on disk.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from rich.console import Console, RenderableType
from rich.text import Text

from adcensus.decisions import append_decision
from adcensus.review.queue import ReviewPair, repair_decisions_file
from adcensus.review.screen import pair_view
from adcensus.review.source import ReviewSource

View = Callable[[ReviewPair, int, int, int, str], RenderableType]


class KeyReader:
    """Read one answer key: single keystrokes from a terminal, else one line per answer.

    Use it as a context manager: the terminal is put in cbreak mode inside and always
    restored on the way out.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdin
        self.interactive = self._isatty()
        self._saved: list[Any] | None = None

    def _isatty(self) -> bool:
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False

    def __enter__(self) -> KeyReader:
        if self.interactive:
            try:
                import termios
                import tty

                fd = self.stream.fileno()
                self._saved = termios.tcgetattr(fd)
                tty.setcbreak(fd)
            except (ImportError, OSError):  # no termios (Windows): answer line by line
                self.interactive = False
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(self.stream.fileno(), termios.TCSADRAIN, self._saved)
            self._saved = None

    def __call__(self) -> str:
        """The key pressed (lower case), "" for keys that mean nothing; EOFError at the end."""
        if self.interactive:
            data = os.read(self.stream.fileno(), 32).decode("utf-8", errors="replace")
            if not data or data[0] == "\x04":
                raise EOFError
            return "" if data[0] == "\x1b" else data[0].lower()  # arrows and other escapes
        line = self.stream.readline()
        if not line:
            raise EOFError
        return line.strip()[:1].lower()


@dataclass
class SessionOutcome:
    """What a session did: answers kept (y/n), skips, pairs left, and how it ended.

    `left` counts every pair of the session not answered y or n, skipped ones included:
    the next session opens with exactly that many.
    """

    decided: int
    skipped: int
    left: int
    finished: bool


def review_session(
    view: View,
    pairs: list[ReviewPair],
    path: Path,
    mode: str,
    read_key: Callable[[], str],
    console: Console,
    prompt: bool = False,
) -> SessionOutcome:
    """Ask about each pair in turn and append each answer to the decisions file `path` at once.

    `view(pair, position, total, left, note)` makes the screen of a pair, `left` the
    pairs not answered y or n yet, this one and skipped ones included. With `prompt`, a
    prompt is printed before each read (for answers given line by line).
    """
    repair_decisions_file(path)
    answers: dict[int, str] = {}
    history: list[int] = []
    index, note = 0, ""
    try:
        while index < len(pairs):
            pair = pairs[index]
            console.clear()
            decided = sum(1 for a in answers.values() if a in ("y", "n"))
            console.print(view(pair, index + 1, len(pairs), len(pairs) - decided, note))
            if prompt:
                console.print(Text("answer (y/n/s/u/q): "), end="")
            key = read_key()
            if prompt:
                console.print()
            note = ""
            if key in ("y", "n", "s"):
                append_decision(path, pair.ad_a, pair.ad_b, key, mode)
                answers[index] = key
                history.append(index)
                index += 1
            elif key == "u":
                if not history:
                    note = "nothing to undo in this session"
                    continue
                index = history.pop()
                if answers.pop(index) != "s":
                    append_decision(path, pairs[index].ad_a, pairs[index].ad_b, "s", mode)
                note = "undone: answer this pair again"
            elif key == "q":
                break
            else:
                note = "press y (same person), n (different), s (skip), u (undo) or q (quit)"
    except (KeyboardInterrupt, EOFError):
        console.print()
    decided = sum(1 for a in answers.values() if a in ("y", "n"))
    skipped = sum(1 for a in answers.values() if a == "s")
    return SessionOutcome(decided, skipped, len(pairs) - decided, index >= len(pairs))


def run_review(
    source: ReviewSource,
    pairs: list[ReviewPair],
    mode: str,
    console: Console,
    show_phones: bool = False,
    stream: TextIO | None = None,
) -> SessionOutcome:
    """Review `pairs` of `source` on `console`, keys read from `stream` (default: stdin)."""

    def view(pair: ReviewPair, position: int, total: int, left: int, note: str) -> RenderableType:
        return pair_view(source, pair, mode, position, total, show_phones, note, left)

    with KeyReader(stream) as reader:
        return review_session(
            view, pairs, source.decisions_path, mode, reader, console, not reader.interactive
        )
