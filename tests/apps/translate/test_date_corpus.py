"""The embedded date corpus of `seqkit translate` (`apps/translate/data/`): up to date, unambiguous, correct.

Fast and without TensorFlow: the generator script is loaded from its path and the committed files are read
as text. The month and weekday names below are written again here, independently of the generator.
"""

import collections
import datetime
import importlib.util
import pathlib
import re

import pytest

DATA = pathlib.Path(__file__).resolve().parents[3] / "apps" / "translate" / "data"
SEED = 2026


def _load_generator():
    spec = importlib.util.spec_from_file_location("seqkit_translate_make_dates", DATA / "make_dates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_dates = _load_generator()


def _read(name):
    return (DATA / name).read_bytes().decode("utf-8")


def _pairs(name):
    lines = _read(name).split("\n")
    assert lines[0] == "source\ttarget" and lines[-1] == ""
    return [tuple(line.split("\t")) for line in lines[1:-1]]


@pytest.fixture(scope="module")
def splits():
    return make_dates.make_splits(SEED)


@pytest.fixture(scope="module")
def pairs():
    return {"train": _pairs("train.tsv"), "valid": _pairs("valid.tsv")}


def test_committed_files_are_what_the_generator_makes(capsys):
    files = make_dates.generate(SEED)
    assert sorted(files) == ["train.tsv", "valid.tsv"]
    for name, text in files.items():
        assert _read(name) == text, f"{name} is stale: run python apps/translate/data/make_dates.py"
    assert make_dates.main(["--check"]) == 0
    assert capsys.readouterr().out == "corpus files match the generator: train.tsv, valid.tsv\n"


def test_output_depends_only_on_the_seed():
    files = make_dates.generate(SEED)
    assert make_dates.generate(SEED) == files
    other = make_dates.generate(7)
    assert other["train.tsv"] != files["train.tsv"] and other["valid.tsv"] != files["valid.tsv"]
    assert other["train.tsv"].startswith("source\ttarget\n") and other["train.tsv"].count("\n") == 12001


def test_layout_sizes_and_header(pairs):
    for name in ("train.tsv", "valid.tsv"):
        text = _read(name)
        assert text.startswith("source\ttarget\n") and text.endswith("\n") and "\r" not in text
        for line in text.split("\n")[1:-1]:
            assert line.count("\t") == 1, line
            source, target = line.split("\t")
            assert source and source == source.strip() and "  " not in source, line
    assert len(pairs["train"]) == 12000 and len(pairs["valid"]) == 1000
    assert sum((DATA / name).stat().st_size for name in ("train.tsv", "valid.tsv")) < 600_000


def test_targets_are_iso_dates_in_range(pairs):
    for rows in pairs.values():
        for source, target in rows:
            date = datetime.date.fromisoformat(target)  # a valid day, so leap years are right
            assert date.isoformat() == target and re.fullmatch(r"\d{4}-\d\d-\d\d", target)
            assert datetime.date(1900, 1, 1) <= date <= datetime.date(2099, 12, 31), source
    targets = [target for rows in pairs.values() for _, target in rows]
    assert any(target.endswith("-02-29") for target in targets)  # leap days occur ...
    assert all(int(target[:4]) % 4 == 0 for target in targets if target.endswith("-02-29"))
    assert "1900-02-29" not in targets  # ... and 1900 was no leap year (fromisoformat would refuse it)
    assert {target[:2] for target in targets} == {"19", "20"}


def test_the_files_are_the_rows_the_generator_labels(pairs, splits):
    train, valid = splits
    assert pairs["train"] == [(source, target) for source, target, _, _ in train]
    assert pairs["valid"] == [(source, target) for source, target, _, _ in valid]


# === An independent parser for a few formats ===
EN_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
             "october", "november", "december"]
DE_MONTHS = ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
             "november", "dezember"]
FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"]
ES_MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
             "noviembre", "diciembre"]
WEEKDAYS = {  # lowercase name -> Monday = 0
    **{name: i for i, name in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                          "sunday"])},
    **{name: i for i, name in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])},
    **{name: i for i, name in enumerate(["montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag",
                                          "sonntag"])},
    **{name: i for i, name in enumerate(["mo", "di", "mi", "do", "fr", "sa", "so"])},
    **{name: i for i, name in enumerate(["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
                                          "dimanche"])},
    **{name: i for i, name in enumerate(["lunes", "martes", "miércoles", "jueves", "viernes", "sábado",
                                          "domingo"])},
    **{name: i for i, name in enumerate(["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato",
                                          "domenica"])},
}


def _month(names):
    return "(" + "|".join(names) + ")"


PATTERNS = [  # (regex on the lowercased source, order of the groups: day, month, year)
    (rf"(?:[a-z]+, )?(\d{{1,2}}) {_month(EN_MONTHS)} (\d{{4}})", "dmy"),  # [Tuesday, ]2 March 2021
    (rf"(?:[a-z]+, )?{_month(EN_MONTHS)} (\d{{1,2}}), (\d{{4}})", "mdy"),  # [Tuesday, ]March 2, 2021
    (rf"(\d{{1,2}})(?:st|nd|rd|th) of {_month(EN_MONTHS)} (\d{{4}})", "dmy"),  # 2nd of March 2021
    (rf"(?:am )?(?:[a-zä]+, )?(?:dem )?(\d{{1,2}})\. {_month(DE_MONTHS)} (\d{{4}})", "dmy"),  # [am Montag, dem] 2. Mai
    (rf"(?:le )?(?:[a-z]+ )?(\d{{1,2}})(?:er)? {_month(FR_MONTHS)} (\d{{4}})", "dmy"),  # [le mardi ]1er mars 2021
    (rf"(?:el )?(?:[a-zé]+,? )?(\d{{1,2}}) de {_month(ES_MONTHS)} de (\d{{4}})", "dmy"),  # 2 de marzo de 2021
    (r"(\d\d)\.(\d\d)\.(\d{4})", "dmy"),  # 02.03.2021
    (r"(\d\d)/(\d\d)/(\d{4})", "dmy"),  # 02/03/2021
    (r"(\d{4})/(\d\d)/(\d\d)", "ymd"),  # 2021/03/02
]


def _month_number(text):
    for names in (EN_MONTHS, DE_MONTHS, FR_MONTHS, ES_MONTHS):
        if text in names:
            return names.index(text) + 1
    return int(text)


def parse(source):
    """The date of `source` when one of PATTERNS matches all of it, else None."""
    lowered = source.lower()
    for pattern, order in PATTERNS:
        match = re.fullmatch(pattern, lowered)
        if match:
            parts = dict(zip(order, match.groups()))
            return datetime.date(int(parts["y"]), _month_number(parts["m"]), int(parts["d"]))
    return None


def test_the_independent_parser_agrees_with_the_targets(pairs):
    parsed = collections.Counter()
    for rows in pairs.values():
        for source, target in rows:
            date = parse(source)
            if date is not None:
                assert date.isoformat() == target, source
                parsed[re.sub(r"\d", "9", source.lower())[:3]] += 1
    assert sum(parsed.values()) > 7000  # most rows are in a format the parser knows


def test_english_ordinals_have_the_right_suffix(pairs):
    suffixes = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}  # the rest: th
    found = set()
    for rows in pairs.values():
        for source, _ in rows:
            for day, suffix in re.findall(r"\b(\d{1,2})(st|nd|rd|th)\b", source.lower()):
                assert suffixes.get(int(day), "th") == suffix, source
                found.add(int(day))
    assert found == set(range(1, 32))


def test_the_parser_reads_known_examples():
    assert parse("Tuesday, 2 March 2021") == datetime.date(2021, 3, 2)
    assert parse("MARCH 2, 2021") == datetime.date(2021, 3, 2)
    assert parse("am Dienstag, dem 2. März 2021") == datetime.date(2021, 3, 2)
    assert parse("1er mars 2021") == datetime.date(2021, 3, 1)
    assert parse("el martes 2 de marzo de 2021") == datetime.date(2021, 3, 2)
    assert parse("2021/03/02") == parse("02.03.2021") == parse("02/03/2021") == datetime.date(2021, 3, 2)
    assert parse("2nd of March 2021") == datetime.date(2021, 3, 2)


def test_weekday_names_are_the_dates_own(pairs, splits):
    checked = 0
    for rows in pairs.values():
        for source, target in rows:
            named = [WEEKDAYS[word] for word in re.findall(r"[^\W\d_]+", source.lower()) if word in WEEKDAYS]
            assert len(named) <= 1, source
            if named:
                assert named[0] == datetime.date.fromisoformat(target).weekday(), source
                checked += 1
    with_weekday = sum(1 for rows in splits for _, _, name, _ in rows if "_wd" in name)
    assert checked == with_weekday > 3000
    assert make_dates.FORMATS["en_wd_d_month_y"][1](datetime.date(2021, 3, 2)) == "Tuesday, 2 March 2021"
    assert make_dates.FORMATS["fr_wd_d_month_y"][1](datetime.date(2000, 2, 29)) == "mardi 29 février 2000"


def test_no_source_names_two_dates(pairs):
    targets = {}
    for rows in pairs.values():
        for source, target in rows:
            assert targets.setdefault(source, target) == target, source
    # Every format and case, over every day of four years (leap and not): each string names one date.
    seen = {}
    for year in (1900, 2000, 2021, 2099):
        day = datetime.date(year, 1, 1)
        while day.year == year:
            for _, write in make_dates.FORMATS.values():
                for case in make_dates.CASES:
                    source = make_dates.apply_case(write(day), case)
                    assert seen.setdefault(source, day) == day, (source, seen[source], day)
            day += datetime.timedelta(days=1)


def test_sources_are_unique_and_validation_is_held_out(pairs):
    train_sources = [source for source, _ in pairs["train"]]
    valid_sources = [source for source, _ in pairs["valid"]]
    assert len(set(train_sources)) == len(train_sources) and len(set(valid_sources)) == len(valid_sources)
    assert not set(train_sources) & set(valid_sources)
    assert not {t for _, t in pairs["train"]} & {t for _, t in pairs["valid"]}  # whole dates held out


def test_languages_formats_and_cases_are_all_present(splits):
    train, valid = splits
    for rows, minimum in ((train, 100), (valid, 5)):
        formats = collections.Counter(name for _, _, name, _ in rows)
        assert set(formats) == set(make_dates.FORMATS)
        assert min(formats.values()) >= minimum
        languages = collections.Counter(make_dates.FORMATS[name][0] for name in formats.elements())
        assert set(languages) == {"en", "de", "fr", "es", "it", "num"}
        assert min(languages.values()) > 0.08 * len(rows) and max(languages.values()) < 0.25 * len(rows)
        assert {case for _, _, _, case in rows} == {"as written", "lower", "upper"}
    sources = [source for source, _, _, _ in train]
    assert "1er" in " ".join(sources) and "1º" in " ".join(sources)


def test_readme_records_the_per_format_counts(splits):
    readme = _read("README.md")
    train, valid = splits
    counts = {split: collections.Counter(name for _, _, name, _ in rows)
              for split, rows in (("train", train), ("valid", valid))}
    for name, (language, _) in make_dates.FORMATS.items():
        row = re.search(rf"^\| `{re.escape(name)}` \| {language} \| [^|]+ \| ([\d,]+) \| ([\d,]+) \|$", readme,
                        re.MULTILINE)
        assert row, f"README.md has no table row for {name}"
        assert (int(row[1].replace(",", "")), int(row[2].replace(",", ""))) == (
            counts["train"][name], counts["valid"][name]), name

