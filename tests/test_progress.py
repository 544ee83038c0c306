import io
import re

import pytest

from seqkit.progress import Progress, quiet, step, track

LINE = r"{}: {} in \d+\.\d s(, [\d,]+/s)?"


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def _lines(stream):
    return stream.getvalue().splitlines()


def test_a_pass_shorter_than_delay_writes_nothing():
    for stream in (io.StringIO(), FakeTerminal()):
        with Progress("reading train.txt", unit="sentence", stream=stream, delay=3600) as progress:
            for _ in range(5):
                progress.update()
        assert progress.count == 5
        assert stream.getvalue() == ""


def test_close_writes_one_line_with_the_count_and_the_unit_pluralised():
    stream = io.StringIO()
    progress = Progress("reading train.txt", unit="sentence", stream=stream, delay=0, interval=3600)
    progress.update()
    # The first update after `delay` shows a line; the next ones wait for `interval`.
    progress.update(2)
    assert len(_lines(stream)) == 1
    before = stream.getvalue()
    progress.close()
    added = stream.getvalue()[len(before):]
    assert added.count("\n") == 1 and added.endswith("\n")
    assert re.fullmatch(LINE.format("reading train.txt", "1 sentence"), _lines(stream)[0])
    assert re.fullmatch(LINE.format("reading train.txt", "3 sentences"), added.rstrip("\n"))


def test_counts_other_than_one_are_plural_and_large_counts_grouped():
    for count, counted in [(0, "0 texts"), (1, "1 text"), (1234, "1,234 texts")]:
        stream = io.StringIO()
        progress = Progress("encoding", unit="text", stream=stream, delay=0)
        progress.count = count
        progress.close()
        assert re.fullmatch(LINE.format("encoding", counted), stream.getvalue().rstrip("\n"))


def test_a_known_total_shows_the_share():
    stream = io.StringIO()
    with Progress("evaluating", total=4, stream=stream, delay=0, interval=3600) as progress:
        for _ in range(4):
            progress.update()
    first, last = _lines(stream)
    assert re.fullmatch(LINE.format("evaluating", r"1 item of 4 \(25%\)"), first)
    assert re.fullmatch(LINE.format("evaluating", r"4 items of 4 \(100%\)"), last)


def test_a_terminal_gets_a_live_line_rewritten_in_place():
    stream = FakeTerminal()
    with Progress("evaluating", unit="batch", total=4, stream=stream, delay=0) as progress:
        progress.update()
    text = stream.getvalue()
    live, final = text.split("\r\033[K")[1:]
    assert text.startswith("\r\033[K") and text.count("\n") == 1 and text.endswith("\n")
    assert re.fullmatch(LINE.format("evaluating", r"\[#####\.{15}\] 1 batch of 4 \(25%\)"), live)
    # The final line has no bar.
    assert re.fullmatch(LINE.format("evaluating", r"1 batch of 4 \(25%\)"), final.rstrip("\n"))


def test_an_error_on_a_terminal_ends_the_live_line():
    stream = FakeTerminal()
    with pytest.raises(RuntimeError):
        with Progress("reading", stream=stream, delay=0) as progress:
            progress.update()
            raise RuntimeError("bad line")
    assert stream.getvalue().count("\r") == 1 and stream.getvalue().endswith("\n")
    assert "1 item " in stream.getvalue()


def test_an_error_inside_the_pass_writes_no_final_line():
    stream = io.StringIO()
    with pytest.raises(RuntimeError):
        with Progress("reading", stream=stream, delay=0):
            raise RuntimeError("bad line")
    assert stream.getvalue() == ""

    with pytest.raises(RuntimeError):
        with Progress("reading", stream=stream, delay=0, interval=3600) as progress:
            progress.update()
            progress.update()
            raise RuntimeError("bad line")
    (line,) = _lines(stream)  # only the first update's line, no "2 items"
    assert "1 item " in line


def test_quiet_silences_everything_nests_and_restores():
    stream = io.StringIO()

    def run_all():
        with Progress("reading", stream=stream, delay=0) as progress:
            progress.update()
        list(track(range(2), "adding", stream=stream, delay=0))
        with step("exporting", stream=stream, delay=0):
            pass

    with quiet():
        run_all()
        with quiet(False):
            run_all()
        with quiet():
            run_all()
        run_all()
    assert stream.getvalue() == ""
    with quiet(False):
        run_all()
    assert len(_lines(stream)) == 5  # reading (update, close), adding (update, close), exporting
    run_all()
    assert len(_lines(stream)) == 10


def test_quiet_restores_after_an_error():
    stream = io.StringIO()
    with pytest.raises(KeyError):
        with quiet():
            raise KeyError("x")
    with Progress("reading", stream=stream, delay=0) as progress:
        progress.update()
    assert stream.getvalue() != ""


def test_track_yields_the_items_unchanged_and_counts_them():
    items = [{"a": 1}, None, "text", 3.5, [1, 2]]
    stream = io.StringIO()
    out = list(track(iter(items), "reading", unit="row", stream=stream, delay=0, interval=3600))
    assert len(out) == len(items) and all(a is b for a, b in zip(out, items))
    assert re.fullmatch(LINE.format("reading", "5 rows"), _lines(stream)[-1])
    silent = io.StringIO()
    assert list(track(range(3), "adding", stream=silent, delay=3600)) == [0, 1, 2]
    assert silent.getvalue() == ""


def test_step_reports_once_when_it_lasted_at_least_delay():
    stream = io.StringIO()
    with step("exporting", stream=stream, delay=0):
        pass
    assert re.fullmatch(r"exporting: done in \d+\.\d s\n", stream.getvalue())
    short = io.StringIO()
    with step("exporting", stream=short, delay=3600):
        pass
    assert short.getvalue() == ""
