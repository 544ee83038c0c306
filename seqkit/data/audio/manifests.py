"""Find the clips of a speech corpus and their transcripts: manifests, LibriSpeech folders, named clips.

`iter_utterances` reads one source as a stream of `Utterance`s (an absolute audio path and its transcript as
written; no audio is decoded here):

- a CSV or TSV manifest (`.csv`, `.tsv`, `.tab`) with a header: the audio path in a column `path`, `file`,
  `audio` or `wav`, the transcript in `transcript`, `text` or `sentence` (found case-insensitively), and an
  optional `duration` in seconds. Relative paths are relative to the manifest's folder, or to its `clips/`
  sub-folder (Common Voice's layout, whose `train.tsv` names files in `clips/`);
- a folder given with `transcript_from_name`: every `.wav`, `.flac` and `.ogg` file under it (recursively, in
  path order; hidden files are passed over), its transcript made from its file name by a rule:

  - `"digits"`: Free Spoken Digit Dataset names `{digit}_{speaker}_{index}` (`7_jackson_32.wav` → `seven`);
  - `"yesno"`: Kaldi yes/no names, one 0/1 per word (`1_0_1_1_0_0_0_1.wav` → `yes no yes yes no no no yes`);
  - `"stem"`: the file name without its extension, `_` and `-` read as spaces (`turn_left.wav` → `turn left`);
- a folder without `transcript_from_name`: its `manifest.csv` (or `manifest.tsv`) if it has one; else, if any
  `*.trans.txt` file is under it, the LibriSpeech layout: lines `ID transcript` with the audio `ID.flac` (or
  `ID.wav`) beside the transcript file, all such files under the folder in path order.

A bad item (an empty transcript, a missing audio file, a file name that does not fit the rule) raises
`UserInputError` with the file and line, or with `skip_bad_rows=True` is yielded as a
`seqkit.application.Skipped` item in its place. A manifest's header is line 1; a clip named by its file has no
line. A source without any usable utterance is an error either way.

Example:

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> for name in ("0_george_5.wav", "9_lucas_12.wav"):
...     _ = (folder / name).write_bytes(b"")
>>> [(u.path.name, u.transcript) for u in iter_utterances(folder, transcript_from_name="digits")]
[('0_george_5.wav', 'zero'), ('9_lucas_12.wav', 'nine')]
>>> [speaker_of(u, "digits") for u in iter_utterances(folder, transcript_from_name="digits")]
['george', 'lucas']
"""

import dataclasses
import os
import pathlib
import re

from seqkit.data.audio.transcripts import DIGIT_WORDS
from seqkit.data.audio.waveforms import AUDIO_SUFFIXES
from seqkit.data.columns import find_column
from seqkit.errors import UserInputError

PATH_ALIASES = ("path", "file", "audio", "wav")
TRANSCRIPT_ALIASES = ("transcript", "text", "sentence")
DURATION_COLUMN = "duration"
MANIFEST_NAMES = ("manifest.csv", "manifest.tsv")
NAME_RULES = ("digits", "yesno", "stem")
SPEAKER_RULES = ("digits", "librispeech")
_TABLE_SUFFIXES = (".csv", ".tsv", ".tab")
_LIBRISPEECH_ID = re.compile(r"^([^-\s]+)-([^-\s]+)-([^-\s]+)$")


@dataclasses.dataclass(frozen=True)
class Utterance:
    """One audio clip and its transcript.

    Args:
        path: the audio file, an absolute `pathlib.Path`.
        transcript: the transcript as written (surrounding whitespace removed, not normalised).
        source: where it was listed, as a string: the manifest, the LibriSpeech `*.trans.txt` file, or the
            folder of named clips.
        line: the 1-based line in `source`, or None for a clip named by its file.
        duration: the duration in seconds if the manifest gives it, else None.
    """

    path: pathlib.Path
    transcript: str
    source: str
    line: int | None = None
    duration: float | None = None


def iter_utterances(source, *, transcript_from_name=None, skip_bad_rows=False):
    """Stream the utterances of a manifest or a corpus folder (see the module docstring).

    Args:
        source: a `.csv`/`.tsv` manifest, or a folder.
        transcript_from_name: None, or the rule that makes a folder's transcripts from its file names:
            `"digits"`, `"yesno"` or `"stem"`.
        skip_bad_rows: yield bad items as `Skipped` items instead of raising.

    Yields:
        `Utterance`s (and `Skipped` items), in file order.

    Raises:
        ValueError: an unknown `transcript_from_name` (a `UserInputError`, so the CLI reports it plainly).
        seqkit.errors.UserInputError: a missing source, a manifest without the columns, a folder that is no
            known layout, a bad item (without `skip_bad_rows`), or no usable utterance.

    Example:

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "clips").mkdir()
    >>> _ = (folder / "clips" / "a.wav").write_bytes(b"")
    >>> _ = (folder / "train.tsv").write_text("path\\tsentence\\nclips/a.wav\\tHello there.\\n")
    >>> [(u.path.name, u.transcript, u.line) for u in iter_utterances(folder / "train.tsv")]
    [('a.wav', 'Hello there.', 2)]
    """
    if transcript_from_name is not None and transcript_from_name not in NAME_RULES:
        raise UserInputError(
            "`transcript_from_name` must be 'digits', 'yesno', 'stem' or None. "
            f"Received: transcript_from_name={transcript_from_name!r}"
        )
    source = pathlib.Path(source)
    if source.is_dir():
        if transcript_from_name is not None:
            return _iter_named_clips(source, transcript_from_name, skip_bad_rows)
        manifest = next((source / name for name in MANIFEST_NAMES if (source / name).is_file()), None)
        if manifest is not None:
            return _iter_manifest(manifest, skip_bad_rows)
        transcript_files = sorted(source.rglob("*.trans.txt"))
        if transcript_files:
            return _iter_librispeech(source, transcript_files, skip_bad_rows)
        raise UserInputError(
            "a folder of clips needs a transcript rule (transcript_from_name 'digits', 'yesno' or 'stem'); "
            "without one a folder must hold a manifest.csv or LibriSpeech *.trans.txt files",
            path=source,
        )
    if not source.exists():
        raise UserInputError("file or folder not found", path=source)
    if source.suffix.lower() not in _TABLE_SUFFIXES:
        raise UserInputError(
            f"expected a manifest table (.csv, .tsv) or a folder, found a {source.suffix or 'extensionless'} file",
            path=source,
        )
    return _iter_manifest(source, skip_bad_rows)


def name_fields(path):
    """The fields of a file name without its extension, split on `_`.

    Example:

    >>> name_fields("recordings/3_theo_48.wav")
    ['3', 'theo', '48']
    """
    return pathlib.Path(path).stem.split("_")


def speaker_of(utterance, rule):
    """The speaker of an utterance according to its corpus's naming rule, or None if its name does not tell.

    Use it to hold out whole speakers for validation.

    Args:
        utterance: an `Utterance` or an audio path.
        rule: `"digits"` (Free Spoken Digit Dataset names: the middle field of `{digit}_{speaker}_{index}`)
            or `"librispeech"` (the first field of `SPEAKER-CHAPTER-UTTERANCE`).

    Example:

    >>> speaker_of("0_jackson_12.wav", "digits"), speaker_of("84-121123-0000.flac", "librispeech")
    ('jackson', '84')
    >>> print(speaker_of("hello.wav", "digits"))
    None
    """
    if rule not in SPEAKER_RULES:
        raise UserInputError(f"`rule` must be 'digits' or 'librispeech'. Received: rule={rule!r}")
    path = utterance.path if isinstance(utterance, Utterance) else pathlib.Path(utterance)
    if rule == "digits":
        fields = name_fields(path)
        return fields[1] if _digits_transcript(fields) is not None else None
    found = _LIBRISPEECH_ID.match(path.stem)
    return found.group(1) if found else None


# === Internals ===


def _iter_manifest(manifest, skip_bad_rows):
    from seqkit.data.text_classification import iter_table_rows

    rows = iter_table_rows(manifest)
    columns = next(rows)
    path_name = find_column("audio path", "path", "path", PATH_ALIASES[1:], columns, manifest)
    transcript_name = find_column("transcript", "transcript", "transcript", TRANSCRIPT_ALIASES[1:], columns, manifest)
    lowered = {str(column).strip().lower(): column for column in columns}
    duration_name = lowered.get(DURATION_COLUMN)
    folder = manifest.parent
    found = False
    for line, row in rows:
        if all(not str(cell).strip() for cell in row.values()):
            continue
        cell, transcript = str(row[path_name]).strip(), str(row[transcript_name]).strip()
        duration, problem = None, None
        if not cell:
            problem = "missing audio path"
        elif not transcript:
            problem = "empty transcript"
        else:
            audio = _resolve(folder, cell)
            if audio is None:
                problem = f"audio file not found: {cell} (relative paths are read from {folder})"
            elif duration_name is not None and str(row[duration_name]).strip():
                duration = _duration(str(row[duration_name]).strip())
                if duration is None:
                    problem = f"the duration {str(row[duration_name]).strip()!r} is not a positive number of seconds"
        if problem:
            yield _bad(problem, manifest, line, skip_bad_rows)
            continue
        found = True
        yield Utterance(audio, transcript, str(manifest), line, duration)
    if not found:
        raise UserInputError("no usable rows found", path=manifest)


def _iter_librispeech(folder, transcript_files, skip_bad_rows):
    found = False
    for transcript_file in transcript_files:
        try:
            text = transcript_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UserInputError(f"cannot read the transcript file ({error})", path=transcript_file) from None
        for line, content in enumerate(text.splitlines(), start=1):
            if not content.strip():
                continue
            words = content.split(None, 1)
            identifier, transcript = words[0], (words[1].strip() if len(words) > 1 else "")
            audio = next(
                (transcript_file.parent / f"{identifier}{suffix}" for suffix in (".flac", ".wav")
                 if (transcript_file.parent / f"{identifier}{suffix}").is_file()),
                None,
            )
            if not transcript:
                yield _bad(f"empty transcript for {identifier}", transcript_file, line, skip_bad_rows)
            elif audio is None:
                yield _bad(
                    f"no audio file {identifier}.flac or {identifier}.wav beside the transcript file",
                    transcript_file, line, skip_bad_rows,
                )
            else:
                found = True
                yield Utterance(_absolute(audio), transcript, str(transcript_file), line)
    if not found:
        raise UserInputError("no usable lines in the *.trans.txt files under the folder", path=folder)


def _iter_named_clips(folder, rule, skip_bad_rows):
    clips = sorted(
        (path for path in folder.rglob("*")
         if path.suffix.lower() in AUDIO_SUFFIXES and not path.name.startswith(".") and path.is_file()),
        key=lambda path: path.relative_to(folder).parts,
    )
    if not clips:
        raise UserInputError(f"no audio files ({', '.join(AUDIO_SUFFIXES)}) under the folder", path=folder)
    found = False
    for clip in clips:
        transcript = _transcript_from_name(clip, rule)
        if transcript is None:
            yield _bad(f"the file name does not fit the {rule!r} rule: {_RULE_FORMS[rule]}", clip, None,
                       skip_bad_rows)
            continue
        found = True
        yield Utterance(_absolute(clip), transcript, str(folder), None)
    if not found:
        raise UserInputError(f"no file name under the folder fits the {rule!r} rule", path=folder)


_RULE_FORMS = {
    "digits": "{digit}_{speaker}_{index}, like 7_jackson_32.wav",
    "yesno": "one 0 (no) or 1 (yes) per word, joined by _, like 0_1_1_0.wav",
    "stem": "a name with letters, like turn_left.wav",
}


def _transcript_from_name(path, rule):
    """The transcript a clip's file name stands for under `rule`, or None when the name does not fit."""
    fields = name_fields(path)
    if rule == "digits":
        return _digits_transcript(fields)
    if rule == "yesno":
        if not all(field in ("0", "1") for field in fields):
            return None
        return " ".join("yes" if field == "1" else "no" for field in fields)
    words = re.sub(r"[_\-]", " ", path.stem).split()
    return " ".join(words) or None


def _digits_transcript(fields):
    if len(fields) != 3 or fields[0] not in "0123456789" or len(fields[0]) != 1:
        return None
    if not fields[1] or not fields[2].isdigit():
        return None
    return DIGIT_WORDS[int(fields[0])]


def _resolve(folder, cell):
    """The absolute path of a manifest's audio cell, or None when no such file exists."""
    path = pathlib.Path(cell).expanduser()
    candidates = [path] if path.is_absolute() else [folder / path, folder / "clips" / path]
    return next((_absolute(candidate) for candidate in candidates if candidate.is_file()), None)


def _absolute(path):
    return pathlib.Path(os.path.abspath(path))


def _duration(text):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value > 0 and value != float("inf") else None


def _bad(problem, path, line, skip_bad_rows):
    """The `Skipped` item of a bad item, or (without `skip_bad_rows`) its `UserInputError`."""
    from seqkit.application.sources import Skipped

    if not skip_bad_rows:
        raise UserInputError(problem + " (--skip-bad-rows leaves such rows out)", path=path, line=line)
    return Skipped(str(path), line, problem)
