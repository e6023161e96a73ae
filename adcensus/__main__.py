"""`python -m adcensus` and the `adcensus` command: run the CLI.

Importing the CLI takes a second or two (pandas, pyarrow): a Ctrl-C meanwhile ends
the program with exit code 130 and one line, like a Ctrl-C during a command, rather
than a traceback through the imports. Nothing has been written yet then.
"""

from __future__ import annotations

import os
import signal
from types import FrameType

INTERRUPTED = 130  # 128 + SIGINT, what shells report for a Ctrl-C


def _interrupted_while_starting(signum: int, frame: FrameType | None) -> None:
    os.write(2, b"interrupted: nothing was written.\n")
    os._exit(INTERRUPTED)


def main() -> None:
    """Run the adcensus command line on sys.argv."""
    previous = signal.signal(signal.SIGINT, _interrupted_while_starting)
    from adcensus.cli import app

    signal.signal(signal.SIGINT, previous)
    app(prog_name="adcensus")


if __name__ == "__main__":
    main()
