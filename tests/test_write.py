import os
import stat

import pandas as pd
import pytest

from adcensus.errors import OutputError, UsageError
from adcensus.write import (
    atomic_write,
    csv_bytes,
    parse_out_delimiter,
    prepare_out_dir,
    write_csv,
)


def test_csv_is_excel_french_friendly():
    data = csv_bytes(pd.DataFrame({"ville": ["Béthune"], "n": [1]}))
    assert data == "\ufeffville;n\r\nBéthune;1\r\n".encode()


def test_written_file_has_ordinary_permissions(tmp_path):
    path = tmp_path / "a.csv"
    write_csv(pd.DataFrame({"a": [1]}), path)
    mode = stat.S_IMODE(path.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "summary.json"
    path.write_text("old")

    def explode(handle):
        handle.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, explode)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]


def test_unwritable_folder_is_an_output_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises((OutputError, UsageError)):
        atomic_write(blocker / "sub" / "a.csv", lambda h: h.write(b"x"))


def test_out_dir_rules(tmp_path):
    target = tmp_path / "out"
    prepare_out_dir(target, force=False)
    (target / "x").write_text("1")
    with pytest.raises(UsageError, match="--force"):
        prepare_out_dir(target, force=False)
    prepare_out_dir(target, force=True)
    with pytest.raises(UsageError, match="not a folder"):
        prepare_out_dir(target / "x", force=True)


def test_out_delimiter_option():
    assert parse_out_delimiter("tab") == "\t"
    assert parse_out_delimiter(",") == ","
    assert parse_out_delimiter("|", allowed=()) == "|"
    with pytest.raises(UsageError, match="; , or tab"):
        parse_out_delimiter("|")
    with pytest.raises(UsageError, match="one character"):
        parse_out_delimiter(";;", allowed=())
