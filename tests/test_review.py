"""`adcensus review`: the queue, the screen, the spreadsheet round trip, and decisions binding dedupe.

The terminal itself (single keys, Ctrl-C, resume) is driven through a pseudo-terminal
in test_review_tty.py; here answers are given one per line, as from a pipe.
"""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from rich.console import Console
from typer.testing import CliRunner

from adcensus.cli import app
from adcensus.decisions import append_decision
from adcensus.errors import InputError, UsageError
from adcensus.privacy import pseudonym
from adcensus.review import (
    build_queue,
    export_review,
    import_review,
    open_source,
    pair_id,
    pending,
    review_session,
    standing_records,
)
from adcensus.review.queue import repair_decisions_file
from adcensus.review.screen import (
    DELETED,
    INSERTED,
    diff_words,
    mask_text,
    pair_table,
    pair_view,
    printable,
)
from adcensus.write import write_csv, write_json

runner = CliRunner()


def said(result) -> str:
    """What a command printed on stderr, as one line (rich wraps at the terminal's width)."""
    return " ".join(result.stderr.split())


# A dedupe output folder written by hand, so that every kind of pair is there:
# C1-C2 doubtful and linked (0.83), B1-B2 doubtful, not linked (0.75), D1-D2 a refused
# conflict (0.90), E1-E2 and E1-E3 agency pairs, and a person of ten ads (L01…L10).
ROLES = {
    "ad_id": "Réf",
    "site": "Site",
    "date": "Date",
    "city": "Ville",
    "phone": "Téléphone",
    "name": "Pseudo",
    "age": "Âge",
    "text": "Texte",
}
B1_TEXT = "Appelle au 06 39 98 10 01 [bold]douce[/] et discrète, à Lens"
B2_TEXT = "Appelle vite [/] douce et coquine, à Lens"


def _ad(key: str, person: str, phone: str, name: str, text: str, city: str = "Lens") -> dict:
    return {
        "Réf": key,
        "Site": "annonces-exemple-01.test",
        "Date": "02/09/2018",
        "Ville": city,
        "Téléphone": phone,
        "Pseudo": name,
        "Âge": "24",
        "Texte": text,
        "person_id": person,
        "network_id": "N" + person[1:],
        "phones": "+33" + phone[1:] if phone else "",
        "link_reason": "",
        "ad_key": key,
        "flags": "",
    }


def ads_frame() -> pd.DataFrame:
    rows = [
        _ad("B1", "PB1", "0639981001", "Léa", B1_TEXT),
        _ad("B2", "PB2", "0639981002", "Lea", B2_TEXT, city="Arras"),
        _ad("C1", "PC", "0639981003", "Nina", "Nina, nouvelle"),
        _ad("C2", "PC", "0639981004", "Nina", "Nina, nouvelle à Arras"),
        _ad("D1", "PD1", "0639981005", "Sofia", '=HYPERLINK("http://x")'),
        _ad("D2", "PD2", "0639981005", "Maya", "Maya"),
        _ad("E1", "PE1", "0639981006", "Agence A", "Agence"),
        _ad("E2", "PE2", "0639981006", "Agence B", "Agence"),
        _ad("E3", "PE3", "0639981006", "Agence C", "Agence"),
    ]
    rows += [_ad(f"L{i:02d}", "PL", "0639981009", "Jade", f"Jade {i}") for i in range(1, 11)]
    return pd.DataFrame(rows)


def pairs_frame() -> pd.DataFrame:
    rows = [
        ("B1", "B2", 0.75, "doubtful", "phone +33639981001/+33639981002; name 0.90", 0),
        ("C1", "C2", 0.83, "doubtful", "name 1.00; text 0.80", 1),
        ("D1", "D2", 0.90, "conflict", "phone +33639981005; name 0.20", 0),
        ("E1", "E2", 0.60, "agency", "agency phone +33639981006", 0),
        ("E1", "E3", 0.40, "agency", "agency phone +33639981006", 0),
    ]
    # A chain L01-L02-…-L10, weaker and weaker, and two strong shortcuts.
    rows += [
        (f"L{i:02d}", f"L{i + 1:02d}", round(0.99 - i / 100, 2), "link", "phone", 1)
        for i in range(1, 10)
    ]
    rows += [("L01", "L05", 0.995, "link", "phone", 1), ("L02", "L09", 0.97, "link", "phone", 1)]
    return pd.DataFrame(
        rows, columns=["ad_a", "ad_b", "score", "decision", "evidence", "same_person"]
    )


def write_folder(folder: Path) -> Path:
    """A dedupe output folder with every kind of pair (see the module's constants)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(ads_frame(), folder / "ads.csv")
    write_csv(pairs_frame(), folder / "pairs.csv")
    summary = {
        "ads": 19,
        "persons": 10,
        "roles": ROLES,
        "inputs": [{"path": "ads.csv", "rows": 19, "sha256": "0"}],
        "settings": {"region": "FR", "link_threshold": 0.8, "doubtful_margin": 0.1},
    }
    write_json(summary, folder / "summary.json")
    return folder


# The review queue: the doubtful links (doubtful and conflict), closest to the threshold
# first; agency pairs (scored below the doubtful range) and confident links are not in it.
DOUBTFUL_ORDER = [
    ("C1", "C2"),  # 0.03 from the threshold
    ("B1", "B2"),  # 0.05
    ("D1", "D2"),  # the conflict, 0.10
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "out")


def keys(pairs) -> list[tuple[str, str]]:
    return [(p.ad_a, p.ad_b) for p in pairs]


# ---- the queue ----------------------------------------------------------------------------


def test_doubtful_queue_puts_the_hard_cases_first(folder):
    mode, pairs = build_queue(open_source(folder))
    assert mode == "doubtful"
    assert keys(pairs) == DOUBTFUL_ORDER


def test_decided_pairs_leave_the_queue_and_skipped_ones_come_last(folder):
    append_decision(folder / "review.jsonl", "C2", "C1", "y", "doubtful")
    append_decision(folder / "review.jsonl", "B1", "B2", "s", "doubtful")
    append_decision(folder / "review.jsonl", "E1", "E2", "n", "sample")
    _, pairs = build_queue(open_source(folder))
    assert keys(pending(pairs)) == [("D1", "D2"), ("B1", "B2")]


def test_sample_is_seeded_uniform_over_automatic_links_and_grows_by_prefix(folder):
    source = open_source(folder)
    mode, five = build_queue(source, sample=5, seed=7)
    assert mode == "sample"
    assert len(five) == 5 and {p.why for p in five} == {"sample"}
    assert all(p.same_person and p.decision in ("link", "doubtful") for p in five)
    assert keys(build_queue(source, sample=5, seed=7)[1]) == keys(five)
    assert keys(build_queue(source, sample=3, seed=7)[1]) == keys(five)[:3]
    assert keys(build_queue(source, sample=5, seed=8)[1]) != keys(five)
    assert len(build_queue(source, sample=100)[1]) == 12  # every automatic link


def test_a_sampled_pair_stays_in_the_sample_after_dedupe_confirms_it(folder):
    _, before = build_queue(open_source(folder), sample=4, seed=1)
    first = before[0]
    append_decision(folder / "review.jsonl", first.ad_a, first.ad_b, "y", "sample")
    pairs = pairs_frame()
    confirmed = (pairs["ad_a"] == first.ad_a) & (pairs["ad_b"] == first.ad_b)
    pairs.loc[confirmed, ["decision", "score"]] = ["confirmed", 1.0]
    write_csv(pairs, folder / "pairs.csv")
    _, after = build_queue(open_source(folder), sample=4, seed=1)
    assert keys(after) == keys(before)
    assert after[0].earlier == "y" and pending(after) == after[1:]


def test_pair_ids_come_from_the_ad_keys_in_either_order():
    assert pair_id("B1", "B2") == pair_id("B2", "B1")
    assert pair_id("B1", "B2") != pair_id("B1", "B3")
    assert pair_id("B1", "B2").startswith("R") and len(pair_id("B1", "B2")) == 11


def test_a_line_cut_short_by_a_crash_is_dropped_before_the_next_answer(tmp_path):
    path = tmp_path / "review.jsonl"
    append_decision(path, "a1", "a2", "y", "doubtful")
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"ad_a": "a1", "ad_b": "a3", "deci')
    repair_decisions_file(path)
    append_decision(path, "a1", "a3", "n", "doubtful")
    assert standing_records(path)["decision"].tolist() == ["y", "n"]


# ---- the screen and the session -----------------------------------------------------------


def quiet_console(**options) -> Console:
    return Console(file=io.StringIO(), **options)


def render(renderable, width: int = 160) -> str:
    console = quiet_console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_screen_shows_both_ads_masked_and_escaped(folder):
    source = open_source(folder)
    _, pairs = build_queue(source)
    screen = render(pair_view(source, pairs[1], "doubtful", 2, 8, show_phones=False))
    assert "ad A  B1" in screen and "ad B  B2" in screen
    assert "pair 2 of 8 · 7 left" in screen and "mode: doubtful links" in screen
    assert "[bold]douce[/]" in screen and "[/] douce" in screen  # shown, not interpreted
    assert "+33 6 •• •• •• 01" in screen  # in the phones row, the text and the evidence
    assert "06 39 98 10 01" not in screen and "+33639981001" not in screen
    assert "score 0.750 (threshold 0.80)" in screen and "score near the threshold" in screen
    shown = render(pair_view(source, pairs[1], "sample", 2, 8, show_phones=True))
    assert "06 39 98 10 01" in shown and "+33639981001" in shown
    assert "mode: random sample of links" in shown


def test_a_text_cannot_drive_the_terminal(folder):
    source = open_source(folder)
    source.ads.loc["B2", "text"] = "douce \x1b[2J\x1b]0;title\x07 \u202ecoquine"
    _, pairs = build_queue(source)
    screen = render(pair_view(source, pairs[1], "doubtful", 2, 8, show_phones=False))
    assert "\x1b" not in screen and "\x07" not in screen and "\u202e" not in screen
    assert "douce �[2J�]0;title� �coquine" in screen


def test_disguised_numbers_in_texts_are_masked():
    masked = mask_text("Appelle le zéro six trente-neuf 98 10 01 ou O6.39.98.10.02 !", "FR")
    assert "98 10 01" not in masked and "10.02" not in masked
    assert masked.count("+33 6 •• •• ••") == 2


def test_text_differences_are_highlighted_word_by_word():
    left, right = diff_words("Nina, nouvelle sur Lens", "Nina, nouvelle à Arras")
    removed = [left.plain[s.start : s.end] for s in left.spans if s.style == DELETED]
    added = [right.plain[s.start : s.end] for s in right.spans if s.style == INSERTED]
    assert "".join(removed).split() == ["sur", "Lens"]
    assert "".join(added).split() == ["à", "Arras"]
    assert left.plain == "Nina, nouvelle sur Lens"


@given(st.text(max_size=80), st.text(max_size=80))
@settings(max_examples=200, deadline=None)
def test_the_diff_shows_both_texts_exactly_whatever_they_hold(a, b):
    a, b = printable(a), printable(b)
    left, right = diff_words(a, b)
    assert (left.plain, right.plain) == (a, b)
    assert {s.style for s in left.spans} <= {DELETED}
    assert {s.style for s in right.spans} <= {INSERTED}


def test_session_saves_each_answer_and_undo_becomes_a_skip(folder):
    source = open_source(folder)
    _, pairs = build_queue(source)
    answers = iter(["y", "n", "u", "x", "s", "q"])
    console = quiet_console()
    outcome = review_session(
        lambda *_: "", pairs, source.decisions_path, "doubtful", lambda: next(answers), console
    )
    # left: D1-D2 not reached, and B1-B2 skipped: the next session opens with these two
    assert (outcome.decided, outcome.skipped, outcome.left, outcome.finished) == (1, 1, 2, False)
    lines = [json.loads(x) for x in source.decisions_path.read_text().splitlines()]
    assert [(x["ad_a"], x["decision"], x["mode"]) for x in lines] == [
        ("C1", "y", "doubtful"), ("B1", "n", "doubtful"), ("B1", "s", "doubtful"),
        ("B1", "s", "doubtful"),
    ]  # fmt: skip


def test_cli_review_from_a_pipe_resumes_and_says_so(folder):
    result = runner.invoke(app, ["review", str(folder)], input="y\nn\n")
    assert result.exit_code == 0, result.output
    assert "mode: doubtful links" in said(result)
    assert "2 decisions saved" in said(result) and "run again to resume" in said(result)
    assert result.stdout == ""
    again = runner.invoke(app, ["review", str(folder)], input="q\n")
    assert "1 pair left" in said(result)
    assert "ad A D1" in said(again) and "pair 1 of 1 · 1 left" in said(again)


def test_cli_review_says_when_nothing_is_left_and_how_to_apply(folder):
    runner.invoke(app, ["review", str(folder)], input="y\n" * 3)
    result = runner.invoke(app, ["review", str(folder)])
    assert result.exit_code == 0
    assert "nothing left to review: 3 pairs" in said(result)
    assert f"adcensus dedupe ads.csv --out {folder} --force" in said(result)


def test_cli_sample_mode_feeds_the_estimate(folder):
    result = runner.invoke(
        app, ["review", str(folder), "--sample", "4", "--seed", "3"], input="y\ny\nn\ns\n"
    )
    assert result.exit_code == 0, result.output
    assert "mode: random sample of links" in said(result)
    records = standing_records(folder / "review.jsonl", "sample")
    assert records["decision"].tolist().count("y") == 2 and len(records) == 4
    estimate = runner.invoke(app, ["estimate", str(folder), "--json", "--bootstrap", "50"])
    assert estimate.exit_code == 0, estimate.output
    review = json.loads(estimate.stdout)["review"]
    assert (review["correct"], review["wrong"]) == (2, 1)


# ---- the spreadsheet ----------------------------------------------------------------------


def test_spreadsheet_round_trip(folder, tmp_path):
    append_decision(folder / "review.jsonl", "C1", "C2", "y", "doubtful")
    sheet_path = tmp_path / "review.xlsx"
    result = runner.invoke(app, ["review", str(folder), "--export", str(sheet_path)])
    assert result.exit_code == 0, result.output
    book = load_workbook(sheet_path)
    sheet = book["review"]
    header = [c.value for c in sheet[1]]
    assert header[:7] == ["pair", "mode", "decision", "why", "score", "ad_a", "ad_b"]
    assert {"text A", "text B", "phones A", "evidence"} <= set(header)
    rows = {r[5]: list(r) for r in sheet.iter_rows(min_row=2, values_only=True)}
    order = [(r[5], r[6]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    # the doubtful links still to answer (C1-C2 was answered: it left the queue), then
    # every automatic link but C1-C2 in the sample's random order, to measure precision
    assert order[:2] == DOUBTFUL_ORDER[1:] and len(order) == 2 + 11
    assert {r[1] for r in sheet.iter_rows(min_row=4, values_only=True)} == {"sample"}
    assert sheet.data_validations.dataValidation[0].formula1 == '"same,different,skip"'
    text_a = header.index("text A")
    assert "06 39 98" not in str(rows["B1"][text_a]) and "+33 6 ••" in str(rows["B1"][text_a])
    neutralised = sheet.cell(row=3, column=text_a + 1)  # as in ads.csv
    assert neutralised.value == '\'=HYPERLINK("http://x")'

    decision = header.index("decision") + 1
    answers = {2: "different", 3: "Skip", 4: "oui"}  # B1-B2, D1-D2, the first sampled link
    for row, value in answers.items():
        sheet.cell(row=row, column=decision, value=value)
    book.save(sheet_path)
    result = runner.invoke(app, ["review", str(folder), "--import", str(sheet_path)])
    assert result.exit_code == 0, result.output
    assert "3 decisions imported" in said(result) and "0 unchanged" in said(result)
    standing = standing_records(folder / "review.jsonl")
    decided = {
        (f"{a}-{b}", d, m)
        for a, b, d, m in zip(*(standing[c] for c in standing.columns), strict=True)
    }
    first = f"{order[2][0]}-{order[2][1]}"
    assert decided == {
        ("C1-C2", "y", "doubtful"), ("B1-B2", "n", "doubtful"), ("D1-D2", "s", "doubtful"),
        (first, "y", "sample"),
    }  # fmt: skip
    again = import_review(sheet_path, open_source(folder))
    assert sum(again.saved.values()) == 0 and again.unchanged == 3


def test_an_export_is_capped_doubtful_links_first_and_says_what_did_not_fit(folder, tmp_path):
    sheet_path = tmp_path / "review.xlsx"
    result = runner.invoke(
        app, ["review", str(folder), "--export", str(sheet_path), "--limit", "2"]
    )
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(sheet_path)["review"].iter_rows(min_row=2, values_only=True))
    assert [(r[5], r[6]) for r in rows] == DOUBTFUL_ORDER[:2]
    assert "wrote 2 pairs" in said(result) and "2 doubtful links to review" in said(result)
    assert "1 more doubtful links did not fit (--limit 2)" in said(result)
    bigger = runner.invoke(
        app, ["review", str(folder), "--export", str(sheet_path), "--limit", "5", "--force"]
    )
    assert "3 doubtful links to review, then 2 links drawn at random" in said(bigger)
    again = runner.invoke(
        app, ["review", str(folder), "--export", str(sheet_path), "--limit", "5", "--force"]
    )
    assert said(again) == said(bigger)  # seeded: the same draw every time


def test_a_doubtful_link_drawn_by_the_sample_is_saved_in_sample_mode(folder):
    from adcensus.review import export_queue

    source = open_source(folder)
    pairs, left_out = export_queue(source, limit=20, seed=0)
    assert left_out == 0 and len(pairs) == 3 + 11  # C1-C2 is doubtful and a link
    modes = {(p.ad_a, p.ad_b): p.mode for p in pairs}
    assert modes[("C1", "C2")] == "sample" and modes[("B1", "B2")] == ""
    sampled, _ = export_queue(source, limit=20, seed=0, sample=4)
    assert keys(sampled) == keys(build_queue(source, sample=4, seed=0)[1])
    assert {p.mode for p in sampled} == {"sample"}


def test_limit_goes_with_export(folder):
    result = runner.invoke(app, ["review", str(folder), "--limit", "5"])
    assert result.exit_code == 2 and "--limit goes with --export" in said(result)


def test_a_pseudonymized_sheet_holds_tokens_and_its_answers_import_without_a_key(folder, tmp_path):
    key = bytes(range(32))
    sheet_path = tmp_path / "review.xlsx"
    result = runner.invoke(
        app,
        ["review", str(folder), "--export", str(sheet_path), "--pseudonymize"],
        env={"ADCENSUS_KEY": key.hex()},
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(sheet_path)
    sheet = book["review"]
    header = [c.value for c in sheet[1]]
    rows = {
        r[5]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    cells = " ".join(str(v) for r in rows.values() for v in r.values())
    numbers = [f"063998100{i}" for i in range(1, 10)]
    for number in numbers:
        for form in (number, "+33" + number[1:], number[2:], "06 39 98 10 0"):
            assert form not in cells
    assert rows["B1"]["phones A"] == pseudonym("0639981001", key, "phone")
    assert rows["B1"]["name A"] == rows["B1"]["name B"] == pseudonym("Léa", key, "name")
    assert pseudonym("06 39 98 10 01", key, "phone") in rows["B1"]["text A"]  # from the text
    assert "phone tel_" in rows["D1"]["evidence"]
    assert (rows["C1"]["site A"], rows["C1"]["person A"]) == (
        "annonces-exemple-01.test",
        "PC (2 ads)",
    )
    # Answers go back by pair id, with no key: the plain folder takes them.
    decision = header.index("decision") + 1
    for row in (2, 3, 4):  # C1-C2, B1-B2, D1-D2
        sheet.cell(row=row, column=decision, value=("same", "different", "skip")[row - 2])
    book.save(sheet_path)
    result = runner.invoke(app, ["review", str(folder), "--import", str(sheet_path)])
    assert result.exit_code == 0, result.output
    assert "3 decisions imported" in said(result)
    standing = standing_records(folder / "review.jsonl")
    pairs = standing["ad_a"] + "-" + standing["ad_b"]
    assert dict(zip(pairs, standing["decision"], strict=True)) == {
        "C1-C2": "y", "B1-B2": "n", "D1-D2": "s"
    }  # fmt: skip
    source = open_source(folder)
    _, queue = build_queue(source)
    assert [p.earlier for p in queue[:3]] == ["y", "n", "s"]


def test_a_text_that_looks_like_a_formula_stays_text(folder, tmp_path):
    source = open_source(folder)
    source.ads.loc["D1", "text"] = '=HYPERLINK("http://x")'
    mode, pairs = build_queue(source)
    export_review(source, pairs, mode, tmp_path / "review.xlsx")
    sheet = load_workbook(tmp_path / "review.xlsx")["review"]
    cells = [c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPER")]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_import_names_the_file_sheet_and_row_of_every_bad_row(folder, tmp_path):
    sheet_path = tmp_path / "review.xlsx"
    source = open_source(folder)
    mode, pairs = build_queue(source)
    export_review(source, pairs, mode, sheet_path)
    book = load_workbook(sheet_path)
    sheet = book["review"]
    sheet.cell(row=2, column=3, value="maybe")
    sheet.cell(row=3, column=1, value="R0000000000")
    sheet.cell(row=3, column=3, value="same")
    sheet.cell(row=4, column=2, value="sometimes")
    sheet.cell(row=4, column=3, value="n")
    book.save(sheet_path)
    result = runner.invoke(app, ["review", str(folder), "--import", str(sheet_path)])
    assert result.exit_code == 2
    message = said(result)
    assert f"{sheet_path}, sheet 'review'" in message
    assert "row 2: decision 'maybe'" in message
    assert "row 3: unknown pair 'R0000000000'" in message
    assert "row 4: mode 'sometimes'" in message
    assert "nothing was imported" in message
    assert not (folder / "review.jsonl").exists()


def test_export_refuses_to_overwrite_without_force(folder, tmp_path):
    sheet_path = tmp_path / "review.xlsx"
    sheet_path.write_bytes(b"answers not imported yet")
    result = runner.invoke(app, ["review", str(folder), "--export", str(sheet_path)])
    assert result.exit_code == 2 and "--force" in said(result)
    assert sheet_path.read_bytes() == b"answers not imported yet"
    forced = runner.invoke(app, ["review", str(folder), "--export", str(sheet_path), "--force"])
    assert forced.exit_code == 0 and load_workbook(sheet_path)["review"].max_row == 1 + 3 + 11


def test_import_of_a_file_that_is_not_a_review_sheet(folder, tmp_path):
    with pytest.raises(InputError, match="not found"):
        import_review(tmp_path / "missing.xlsx", open_source(folder))
    (tmp_path / "bad.xlsx").write_text("not a zip")
    with pytest.raises(InputError, match=r"not a readable \.xlsx"):
        import_review(tmp_path / "bad.xlsx", open_source(folder))


# ---- errors -------------------------------------------------------------------------------


def test_review_errors_are_one_line_with_exit_code_2(folder, tmp_path):
    missing = runner.invoke(app, ["review", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "not found" in said(missing)
    (tmp_path / "plain.txt").write_text("x")
    plain = runner.invoke(app, ["review", str(tmp_path / "plain.txt")])
    assert plain.exit_code == 2 and "neither a folder" in said(plain)
    both = runner.invoke(app, ["review", str(folder), "--export", "a.xlsx", "--import", "b.xlsx"])
    assert both.exit_code == 2 and "not both" in said(both)
    (folder / "review.jsonl").write_text("garbage\n")
    broken = runner.invoke(app, ["review", str(folder)])
    assert broken.exit_code == 2 and "review.jsonl, line 1" in said(broken)
    source = open_source(folder)
    with pytest.raises(UsageError, match=r"must be an \.xlsx file"):
        export_review(source, [], "doubtful", tmp_path / "review.csv")


# ---- decisions bind the next dedupe -------------------------------------------------------

ADS = (
    "Réf;Téléphone;Pseudo;Âge;Texte\n"
    "a1;06 39 98 10 01;Léa;24;Nouvelle sur Arras, douce et discrète\n"
    "a2;0639981001;Lea;24;Nouvelle sur Arras, douce\n"
    "a3;0639981001;Léa;24;Douce, nouvelle sur Arras\n"
    "b1;06 39 98 20 02;Nina;30;Femme élégante de passage\n"
)


def persons(out: Path) -> set[frozenset[str]]:
    ads = pd.read_csv(out / "ads.csv", sep=";", encoding="utf-8-sig", dtype=str)
    return set(ads.groupby("person_id")["Réf"].agg(frozenset))


def test_before_and_after_review_the_clusters_change(tmp_path):
    data = tmp_path / "ads.csv"
    data.write_text(ADS, encoding="utf-8")
    out = tmp_path / "out"
    assert runner.invoke(app, ["dedupe", str(data), "-o", str(out)]).exit_code == 0
    before = persons(out)
    assert before == {frozenset({"a1", "a2", "a3"}), frozenset({"b1"})}

    # a3 is someone else although her phone chains her to a1 and a2; b1 is Léa after all
    review = out / "review.jsonl"
    for other in ("a1", "a2"):
        append_decision(review, other, "a3", "n", "doubtful")
    append_decision(review, "a1", "b1", "y", "doubtful")
    result = runner.invoke(app, ["dedupe", str(data), "-o", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert "obeying 3 reviewed decisions from" in said(result)
    assert review.is_file()  # dedupe never deletes the decisions
    after = persons(out)
    assert after == {frozenset({"a1", "a2", "b1"}), frozenset({"a3"})}
    pairs = pd.read_csv(out / "pairs.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert set(pairs["decision"]) >= {"confirmed", "rejected"}

    elsewhere = tmp_path / "elsewhere"
    given = runner.invoke(
        app, ["dedupe", str(data), "-o", str(elsewhere), "--decisions", str(review)]
    )
    assert given.exit_code == 0, given.output
    assert persons(elsewhere) == after
    plain = runner.invoke(app, ["dedupe", str(data), "-o", str(tmp_path / "plain")])
    assert "obeying" not in said(plain) and persons(tmp_path / "plain") == before


def test_dedupe_decisions_errors(tmp_path):
    data = tmp_path / "ads.csv"
    data.write_text(ADS, encoding="utf-8")
    missing = runner.invoke(
        app, ["dedupe", str(data), "-o", str(tmp_path / "o"), "--decisions", "nope.jsonl"]
    )
    assert missing.exit_code == 2 and "decisions file not found" in said(missing)
    store = runner.invoke(
        app, ["dedupe", str(data), "--store", str(tmp_path / "c.db"), "--decisions", "x.jsonl"]
    )
    assert store.exit_code == 2 and "decisions file not found" in said(store)
    assert not (tmp_path / "c.db").exists()


def test_a_store_load_obeys_the_decisions_kept_beside_the_store(tmp_path):
    first, second = tmp_path / "oct.csv", tmp_path / "nov.csv"
    first.write_text(ADS, encoding="utf-8")
    second.write_text(
        "Réf;Téléphone;Pseudo;Âge;Texte\nc1;06 39 98 30 03;Zoé;40;Première annonce\n",
        encoding="utf-8",
    )
    store = tmp_path / "census.db"
    assert runner.invoke(app, ["dedupe", str(first), "--store", str(store)]).exit_code == 0
    exported = tmp_path / "before"
    runner.invoke(app, ["store", "export", str(store), "-o", str(exported)])
    before = pd.read_csv(exported / "ads.csv", sep=";", encoding="utf-8-sig", dtype=str)
    key = dict(zip(before["Réf"], before["ad_key"], strict=True))
    assert before.set_index("Réf")["person_id"]["a3"] == before.set_index("Réf")["person_id"]["a1"]
    for other in ("a1", "a2"):
        append_decision(tmp_path / "census.review.jsonl", key[other], key["a3"], "n", "doubtful")
    loaded = runner.invoke(app, ["dedupe", str(second), "--store", str(store)])
    assert loaded.exit_code == 0, loaded.output
    assert "obeying 2 reviewed decisions" in said(loaded)
    after_dir = tmp_path / "after"
    runner.invoke(app, ["store", "export", str(store), "-o", str(after_dir)])
    after = pd.read_csv(after_dir / "ads.csv", sep=";", encoding="utf-8-sig", dtype=str)
    ids = after.set_index("Réf")["person_id"]
    assert ids["a3"] != ids["a1"] == ids["a2"]


def test_a_folder_without_pairs_and_decisions_given_as_a_folder(tmp_path):
    data = tmp_path / "ads.csv"
    data.write_text(ADS, encoding="utf-8")
    out = tmp_path / "out"
    runner.invoke(app, ["dedupe", str(data), "-o", str(out)])
    (out / "pairs.csv").unlink()
    empty = runner.invoke(app, ["review", str(out)])
    assert empty.exit_code == 0 and "no pairs to review" in said(empty)
    append_decision(out / "review.jsonl", "a1", "a3", "n", "doubtful")
    append_decision(out / "review.jsonl", "a2", "a3", "n", "doubtful")
    other = tmp_path / "other"
    result = runner.invoke(app, ["dedupe", str(data), "-o", str(other), "--decisions", str(out)])
    assert result.exit_code == 0, result.output
    assert frozenset({"a3"}) in persons(other)


# ---- a census store -----------------------------------------------------------------------


def test_a_store_is_reviewed_and_its_decisions_kept_beside_it(tmp_path):
    data = tmp_path / "ads.csv"
    data.write_text(ADS, encoding="utf-8")
    store = tmp_path / "census.db"
    assert runner.invoke(app, ["dedupe", str(data), "--store", str(store)]).exit_code == 0
    source = open_source(store)
    assert source.is_store and source.decisions_path == tmp_path / "census.review.jsonl"
    assert set(source.ads.index) == {"A000001", "A000002", "A000003", "A000004"}
    result = runner.invoke(app, ["review", str(store), "--sample", "2"], input="y\nn\n")
    assert result.exit_code == 0, result.output
    assert "2 decisions saved" in said(result) and "Léa" in said(result)
    assert len(standing_records(tmp_path / "census.review.jsonl")) == 2


def test_the_command_runs_as_a_real_process(folder):
    done = subprocess.run(
        [sys.executable, "-m", "adcensus", "review", str(folder)],
        input="n\nq\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "1 decision saved" in said(done) and done.stdout == ""
    assert standing_records(folder / "review.jsonl")["decision"].tolist() == ["n"]


def test_a_change_of_case_or_accent_is_not_a_different_word():
    left, right = diff_words("MORGANE BRÉSILIENNE à LENS", "Morgane brésilienne à Lens, Arras")
    assert [s for s in left.spans if s.style == DELETED] == []
    added = [right.plain[s.start : s.end] for s in right.spans if s.style == INSERTED]
    assert "".join(added).split() == ["Arras"]
    emoji_left, _ = diff_words("Bonjour ✨", "Bonjour 💕")
    assert [s.style for s in emoji_left.spans] == [DELETED]


def test_short_fields_differing_only_by_case_or_accent_are_not_marked(folder):
    source = open_source(folder)
    ads = source.ads.copy()
    ads.loc["B1", "city"], ads.loc["B2", "city"] = "Hénin-Beaumont", "HENIN BEAUMONT"
    same = dataclasses.replace(source, ads=ads)
    pair = next(p for p in build_queue(same)[1] if {p.ad_a, p.ad_b} == {"B1", "B2"})
    table = pair_table(same, pair, show_phones=False)
    city = [c for c in table.columns[1].cells][
        [str(c) for c in table.columns[0].cells].index("city")
    ]
    assert city.style == ""


def test_a_folder_that_cannot_be_written_is_refused_before_the_first_question(folder):
    (folder / "review.jsonl").mkdir()  # where the answers go cannot be appended to
    result = runner.invoke(app, ["review", str(folder)], input="y\n")
    assert result.exit_code == 1
    assert "pair 1 of" not in said(result) and "unexpected" not in said(result)
    assert f"{folder}: cannot write the answers to review.jsonl" in said(result)
    assert "copy it to a folder of yours" in said(result)
    sheet = folder.parent / "answers.xlsx"
    export_review(open_source(folder), build_queue(open_source(folder))[1], "doubtful", sheet)
    imported = runner.invoke(app, ["review", str(folder), "--import", str(sheet)])
    assert imported.exit_code == 1 and "cannot write the answers" in said(imported)


def test_a_missing_decisions_file_is_not_created_by_the_check(folder):
    from adcensus.decisions import check_writable

    check_writable(folder / "review.jsonl")
    assert not (folder / "review.jsonl").exists()


def test_dedupe_and_review_name_the_same_queue_and_its_count_only_falls(tmp_path, sample_dir):
    out = tmp_path / "out"
    done = runner.invoke(app, ["dedupe", str(sample_dir / "ads.csv"), "-o", str(out)])
    assert done.exit_code == 0, done.output
    to_review = json.loads((out / "summary.json").read_text())["pairs_to_review"]
    assert to_review > 3 and f"doubtful links to review │ {to_review}" in said(done)
    first = runner.invoke(app, ["review", str(out)], input="y\nn\ns\nq\n")
    assert f"pair 1 of {to_review} · {to_review} left" in said(first)
    assert f"pair 4 of {to_review} · {to_review - 2} left" in said(first)  # the skip is left
    assert f"2 decisions saved to {out / 'review.jsonl'}; {to_review - 2} pairs left" in said(first)
    second = runner.invoke(app, ["review", str(out)], input="q\n")
    assert f"pair 1 of {to_review - 2} · {to_review - 2} left" in said(second)


def test_an_export_reports_its_progress(folder, tmp_path):
    from adcensus.review import export_queue

    source = open_source(folder)
    pairs, _ = export_queue(source, limit=500)
    calls: list[tuple[str, int | None, int | None]] = []
    written = export_review(
        source,
        pairs,
        "doubtful",
        tmp_path / "review.xlsx",
        progress=lambda stage, done=None, total=None: calls.append((stage, done, total)),
    )
    assert calls[0] == ("export", 0, written) and calls[-1] == ("export", written, written)


def test_a_sheet_with_more_doubtful_links_than_rows_keeps_a_fifth_for_the_sample(
    tmp_path, sample_dir
):
    from adcensus.review import export_queue

    out = tmp_path / "out"
    assert (
        runner.invoke(app, ["dedupe", str(sample_dir / "ads.csv"), "-o", str(out)]).exit_code == 0
    )
    source = open_source(out)
    doubtful = len(pending(build_queue(source)[1]))
    assert doubtful > 20
    rows, left_out = export_queue(source, limit=20, seed=0)
    extra = [p for p in rows if p.why == "sample"]
    assert len(rows) == 20 and len(extra) == 4  # a fifth of the rows
    assert all(p.mode == "sample" for p in extra)
    assert left_out == doubtful - (20 - 4)
    assert rows == export_queue(source, limit=20, seed=0)[0]  # seeded: the same rows
