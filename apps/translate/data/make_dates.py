"""Generates seqkit's embedded date corpus: `train.tsv` and `valid.tsv` (columns `source`, `target`) beside this file.

A date-normalisation "translation" task written for seqkit: each source is a calendar date between 1900-01-01
and 2099-12-31 written by hand-written rules in one of 29 formats in English, German, French, Spanish and
Italian, or as an unambiguous all-numeric date; the target is the ISO date `YYYY-MM-DD`. Month and weekday names
are spelled out below (no locale is consulted), so the files are the same on every machine. Weekdays are always
the date's own. All-numeric sources put the day before the month (`02.03.2021`, `2.3.2021`, `02/03/2021`) or
start with the four-digit year (`2021/03/02`); no month-first (US) numeric form and no two-digit year is used,
so every source names exactly one date. About one date in fifty never occurs in `train.tsv` and all of
`valid.tsv` is written from those held-out dates, so validation measures generalisation, not memorisation.
With `--check` the script verifies the committed files instead of writing them (`seqkit.data.generated_corpus`).
"""

import datetime
import pathlib
import random

from seqkit.data.generated_corpus import generator_main

HERE = pathlib.Path(__file__).resolve().parent
TRAIN_PAIRS = 12000
VALID_PAIRS = 1000
FIRST_DATE = datetime.date(1900, 1, 1)
LAST_DATE = datetime.date(2099, 12, 31)
HELD_OUT_FRACTION = 0.02  # of all dates, used only in valid.tsv
EDGE_FRACTION = 0.06  # of the pairs, drawn from the first and last days of months (leap days included)
CASES = {"as written": 0.80, "lower": 0.12, "upper": 0.08}  # applied to sources with letters
HEADER = "source\ttarget\n"

# === Hand-written names (index 0 = January / Monday) ===
EN_MONTHS = "January February March April May June July August September October November December".split()
EN_MONTHS_SHORT = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
EN_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
EN_WEEKDAYS_SHORT = "Mon Tue Wed Thu Fri Sat Sun".split()
DE_MONTHS = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
DE_MONTHS_SHORT = "Jan. Feb. März Apr. Mai Juni Juli Aug. Sept. Okt. Nov. Dez.".split()
DE_WEEKDAYS = "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag".split()
DE_WEEKDAYS_SHORT = "Mo. Di. Mi. Do. Fr. Sa. So.".split()
FR_MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
FR_MONTHS_SHORT = "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.".split()
FR_WEEKDAYS = "lundi mardi mercredi jeudi vendredi samedi dimanche".split()
ES_MONTHS = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split()
ES_MONTHS_SHORT = "ene. feb. mar. abr. may. jun. jul. ago. sept. oct. nov. dic.".split()
ES_WEEKDAYS = "lunes martes miércoles jueves viernes sábado domingo".split()
IT_MONTHS = "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre".split()
IT_MONTHS_SHORT = "gen feb mar apr mag giu lug ago set ott nov dic".split()
IT_WEEKDAYS = "lunedì martedì mercoledì giovedì venerdì sabato domenica".split()


def en_ordinal(day):
    """`1st`, `2nd`, `3rd`, `4th`, ..., `11th`, `12th`, `13th`, ..., `21st`, ..., `31st`."""
    if 11 <= day <= 13:
        return f"{day}th"
    return str(day) + {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def fr_day(day):
    return "1er" if day == 1 else str(day)  # le 1er mars, le 2 mars


def it_day(day):
    return "1º" if day == 1 else str(day)  # il 1º marzo, il 2 marzo


# === The formats: id -> (language, function of a date) ===
def _formats():
    def m(names):
        return lambda d: names[d.month - 1]

    def w(names):
        return lambda d: names[d.weekday()]

    en_m, en_mon, en_wd, en_wdy = m(EN_MONTHS), m(EN_MONTHS_SHORT), w(EN_WEEKDAYS), w(EN_WEEKDAYS_SHORT)
    de_m, de_mon, de_wd, de_wdy = m(DE_MONTHS), m(DE_MONTHS_SHORT), w(DE_WEEKDAYS), w(DE_WEEKDAYS_SHORT)
    fr_m, fr_mon, fr_wd = m(FR_MONTHS), m(FR_MONTHS_SHORT), w(FR_WEEKDAYS)
    es_m, es_mon, es_wd = m(ES_MONTHS), m(ES_MONTHS_SHORT), w(ES_WEEKDAYS)
    it_m, it_mon, it_wd = m(IT_MONTHS), m(IT_MONTHS_SHORT), w(IT_WEEKDAYS)
    return {
        "en_d_month_y": ("en", lambda d: f"{d.day} {en_m(d)} {d.year}"),
        "en_month_d_y": ("en", lambda d: f"{en_m(d)} {d.day}, {d.year}"),
        "en_d_mon_y": ("en", lambda d: f"{d.day} {en_mon(d)} {d.year}"),
        "en_mon_d_y": ("en", lambda d: f"{en_mon(d)} {d.day}, {d.year}"),
        "en_ord_of_month_y": ("en", lambda d: f"{en_ordinal(d.day)} of {en_m(d)} {d.year}"),
        "en_month_ord_y": ("en", lambda d: f"{en_m(d)} {en_ordinal(d.day)}, {d.year}"),
        "en_wd_d_month_y": ("en", lambda d: f"{en_wd(d)}, {d.day} {en_m(d)} {d.year}"),
        "en_wd_month_d_y": ("en", lambda d: f"{en_wd(d)}, {en_m(d)} {d.day}, {d.year}"),
        "en_wdy_d_mon_y": ("en", lambda d: f"{en_wdy(d)} {d.day} {en_mon(d)} {d.year}"),
        "de_d_month_y": ("de", lambda d: f"{d.day}. {de_m(d)} {d.year}"),
        "de_d_mon_y": ("de", lambda d: f"{d.day}. {de_mon(d)} {d.year}"),
        "de_wd_d_month_y": ("de", lambda d: f"{de_wd(d)}, {d.day}. {de_m(d)} {d.year}"),
        "de_wdy_d_month_y": ("de", lambda d: f"{de_wdy(d)}, {d.day}. {de_m(d)} {d.year}"),
        "de_am_wd_dem_d_month_y": ("de", lambda d: f"am {de_wd(d)}, dem {d.day}. {de_m(d)} {d.year}"),
        "fr_d_month_y": ("fr", lambda d: f"{fr_day(d.day)} {fr_m(d)} {d.year}"),
        "fr_d_mon_y": ("fr", lambda d: f"{fr_day(d.day)} {fr_mon(d)} {d.year}"),
        "fr_wd_d_month_y": ("fr", lambda d: f"{fr_wd(d)} {fr_day(d.day)} {fr_m(d)} {d.year}"),
        "fr_le_wd_d_month_y": ("fr", lambda d: f"le {fr_wd(d)} {fr_day(d.day)} {fr_m(d)} {d.year}"),
        "es_d_de_month_de_y": ("es", lambda d: f"{d.day} de {es_m(d)} de {d.year}"),
        "es_d_mon_y": ("es", lambda d: f"{d.day} {es_mon(d)} {d.year}"),
        "es_wd_d_de_month_de_y": ("es", lambda d: f"{es_wd(d)}, {d.day} de {es_m(d)} de {d.year}"),
        "es_el_wd_d_de_month_de_y": ("es", lambda d: f"el {es_wd(d)} {d.day} de {es_m(d)} de {d.year}"),
        "it_d_month_y": ("it", lambda d: f"{it_day(d.day)} {it_m(d)} {d.year}"),
        "it_d_mon_y": ("it", lambda d: f"{it_day(d.day)} {it_mon(d)} {d.year}"),
        "it_wd_d_month_y": ("it", lambda d: f"{it_wd(d)} {it_day(d.day)} {it_m(d)} {d.year}"),
        "num_dd.mm.yyyy": ("num", lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}"),
        "num_d.m.yyyy": ("num", lambda d: f"{d.day}.{d.month}.{d.year}"),
        "num_dd/mm/yyyy": ("num", lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}"),
        "num_yyyy/mm/dd": ("num", lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}"),
    }


FORMATS = _formats()
LANGUAGES = ("en", "de", "fr", "es", "it", "num")
# A language is drawn first (with these weights), then one of its formats uniformly.
LANGUAGE_WEIGHTS = {"en": 3, "de": 3, "fr": 3, "es": 3, "it": 2, "num": 2}
FORMATS_BY_LANGUAGE = {lang: [name for name, (l, _) in FORMATS.items() if l == lang] for lang in LANGUAGES}


def all_dates():
    """Every date from FIRST_DATE to LAST_DATE, in order."""
    count = (LAST_DATE - FIRST_DATE).days + 1
    return [FIRST_DATE + datetime.timedelta(days=i) for i in range(count)]


def is_edge(date):
    """The first or last day of a month (29 February included)."""
    return date.day == 1 or (date + datetime.timedelta(days=1)).day == 1


def apply_case(text, case):
    return {"as written": text, "lower": text.lower(), "upper": text.upper()}[case]


def _draw_rows(rng, dates, count, seen):
    """`count` rows `(source, target, format, case)` of `dates`, whose sources are new to `seen` (updated)."""
    edges = [date for date in dates if is_edge(date)]
    languages, weights = list(LANGUAGE_WEIGHTS), list(LANGUAGE_WEIGHTS.values())
    cases, case_weights = list(CASES), list(CASES.values())
    rows = []
    while len(rows) < count:
        date = rng.choice(edges if rng.random() < EDGE_FRACTION else dates)
        name = rng.choice(FORMATS_BY_LANGUAGE[rng.choices(languages, weights)[0]])
        case = rng.choices(cases, case_weights)[0]
        source = FORMATS[name][1](date)
        if not any(c.isalpha() for c in source):
            case = "as written"
        source = apply_case(source, case)
        if source in seen:
            if seen[source] != date.isoformat():
                raise AssertionError(f"{source!r} would name both {seen[source]} and {date.isoformat()}")
            continue
        seen[source] = date.isoformat()
        rows.append((source, date.isoformat(), name, case))
    return rows


def make_splits(seed):
    """`(train_rows, valid_rows)`, each row `(source, target, format id, case)`; depends only on `seed`."""
    rng = random.Random(seed)
    dates = all_dates()
    held_out = set(rng.sample(range(len(dates)), round(HELD_OUT_FRACTION * len(dates))))
    valid_dates = [date for i, date in enumerate(dates) if i in held_out]
    train_dates = [date for i, date in enumerate(dates) if i not in held_out]
    seen = {}
    train = _draw_rows(rng, train_dates, TRAIN_PAIRS, seen)
    valid = _draw_rows(rng, valid_dates, VALID_PAIRS, seen)
    for source, _, _, _ in train + valid:
        assert "\t" not in source and "\n" not in source and source == source.strip(), source
    return train, valid


def to_tsv(rows):
    return HEADER + "".join(f"{source}\t{target}\n" for source, target, _, _ in rows)


def generate(seed):
    train, valid = make_splits(seed)
    return {"train.tsv": to_tsv(train), "valid.tsv": to_tsv(valid)}


def main(argv=None):
    return generator_main(__doc__, generate, HERE, argv)


if __name__ == "__main__":
    raise SystemExit(main())
