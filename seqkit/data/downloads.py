"""Standard dataset downloads with a local cache and SHA-256 checks.

Files are cached under `$SEQKIT_HOME/data` (default `~/.seqkit/data`):

```
downloads/<url-hash>/<file name>   downloaded files, as served
extracted/<url-hash>/              `fetch(url, extract=True)`
datasets/<name>/                   `fetch(name)`: a registered dataset, ready
checksums.json                     SHA-256 of every verified download, by URL
```

Every download goes to a temporary file that is renamed only after its
SHA-256 matched; a mismatch removes the file. A URL without a known digest is
trusted on first use: its digest is recorded in `checksums.json`, and any
later download of that URL must match it. Archives (tar, tar.gz, tar.bz2,
tar.xz, zip) are extracted into a temporary directory renamed when complete;
members that would land outside it (absolute paths, `..`, links pointing
out) are refused.

Example:

>>> sorted(DATASETS)
['conll2003', 'fsdd', 'imdb', 'multi30k-en-de', 'multi30k-en-fr', 'tatoeba-en-de', 'yelp-full', 'yesno']
>>> DATASETS["conll2003"].files["validation"][2]
'valid.txt'
"""

import dataclasses
import hashlib
import http.client
import json
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

from seqkit.data.atomic import atomic_directory, atomic_write_json
from seqkit.errors import UserInputError

_CHUNK_SIZE = 1 << 20
_USER_AGENT = "seqkit-downloader"


class DownloadError(UserInputError):
    """A file could not be downloaded or unpacked (reported without traceback)."""


class ChecksumError(DownloadError):
    """A downloaded file's SHA-256 digest is not the expected one."""


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """Where a standard dataset's files come from.

    Args:
        files: `{split: (url, sha256, member)}`. `sha256` is the hex digest
            of the file at `url`, or `None` to record it on first download.
            `member` is the split's path inside the archive at `url` (a file
            or a folder), or `None` when `url` is the split's file itself.
        description: one line about the dataset.
        homepage: where the dataset is described and licensed.

    Example:

    >>> spec = DatasetSpec(files={"train": ("https://example.org/t.csv", None, None)})
    >>> spec.urls()
    ['https://example.org/t.csv']
    """

    files: dict
    description: str = ""
    homepage: str = ""

    def urls(self):
        """The distinct URLs of the dataset, in split order."""
        return list(dict.fromkeys(url for url, _, _ in self.files.values()))


_CONLL2003_URL = "https://data.deepai.org/conll2003.zip"
_CONLL2003_SHA256 = (
    "96a104d174ddae7558bab603f19382c5fe02ff1da5c077a7f3ce2ced1578a2c3"
)
_IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
_IMDB_SHA256 = (
    "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"
)
# The Yelp archive's SHA-256 is not published; it is recorded on first use.
_YELP_FULL_URL = "https://s3.amazonaws.com/fast-ai-nlp/yelp_review_full_csv.tgz"

_MULTI30K_URL = "https://raw.githubusercontent.com/multi30k/dataset/master/data/task1/raw/{split}.{lang}.gz"
_TATOEBA_DEU_URL = "https://www.manythings.org/anki/deu-eng.zip"
_FSDD_URL = "https://github.com/Jakobovski/free-spoken-digit-dataset/archive/refs/heads/master.zip"
_YESNO_URL = "https://www.openslr.org/resources/1/waves_yesno.tar.gz"


def _multi30k(languages):
    files = {}
    for split, name in (("train", "train"), ("validation", "val")):
        for lang in languages:
            # The SHA-256 of the raw files is not published; it is recorded on first use.
            files[f"{split}.{lang}"] = (_MULTI30K_URL.format(split=name, lang=lang), None, f"{split}.{lang}")
    return DatasetSpec(
        files=files,
        description=f"Multi30k task 1 ({'-'.join(languages)}): 29,000 training and 1,014 validation image "
        "descriptions, aligned files per language.",
        homepage="https://github.com/multi30k/dataset",
    )


DATASETS = {
    "conll2003": DatasetSpec(
        files={
            "train": (_CONLL2003_URL, _CONLL2003_SHA256, "train.txt"),
            "validation": (_CONLL2003_URL, _CONLL2003_SHA256, "valid.txt"),
            "test": (_CONLL2003_URL, _CONLL2003_SHA256, "test.txt"),
        },
        description="CoNLL-2003 English named entities (IOB1 tags, 4 columns).",
        homepage="https://www.clips.uantwerpen.be/conll2003/ner/",
    ),
    "imdb": DatasetSpec(
        files={
            "train": (_IMDB_URL, _IMDB_SHA256, "aclImdb/train"),
            "test": (_IMDB_URL, _IMDB_SHA256, "aclImdb/test"),
        },
        description="Large Movie Review Dataset: 50k reviews, pos/neg folders.",
        homepage="https://ai.stanford.edu/~amaas/data/sentiment/",
    ),
    "yelp-full": DatasetSpec(
        files={
            "train": (_YELP_FULL_URL, None, "yelp_review_full_csv/train.csv"),
            "test": (_YELP_FULL_URL, None, "yelp_review_full_csv/test.csv"),
        },
        description="Yelp reviews, 1-5 stars (CSV: class, text).",
        homepage="https://www.yelp.com/dataset",
    ),
    "multi30k-en-de": _multi30k(("en", "de")),
    "multi30k-en-fr": _multi30k(("en", "fr")),
    "fsdd": DatasetSpec(
        files={"train": (_FSDD_URL, None, "free-spoken-digit-dataset-master/recordings")},
        description="Free Spoken Digit Dataset: 3,000 8 kHz WAV recordings of the digits 0-9 by 6 speakers, named "
        "{digit}_{speaker}_{index}.wav (CC BY-SA 4.0).",
        homepage="https://github.com/Jakobovski/free-spoken-digit-dataset",
    ),
    "yesno": DatasetSpec(
        files={"train": (_YESNO_URL, None, "waves_yesno")},
        description="Kaldi yes/no: 60 8 kHz WAV clips of 8 spoken Hebrew words (yes/no), named 0_1_1_..._0.wav.",
        homepage="https://www.openslr.org/1/",
    ),
    "tatoeba-en-de": DatasetSpec(
        files={"train": (_TATOEBA_DEU_URL, None, "deu.txt")},
        description="Tatoeba English-German sentence pairs as published by manythings.org (tab-separated: "
        "English, German, attribution; CC-BY 2.0 France).",
        homepage="https://www.manythings.org/anki/",
    ),
}


def default_cache_dir():
    """`$SEQKIT_HOME/data`, with `SEQKIT_HOME` defaulting to `~/.seqkit`."""
    home = os.environ.get("SEQKIT_HOME") or "~/.seqkit"
    return Path(home).expanduser() / "data"


def fetch(name_or_url, *, sha256=None, cache_dir=None, extract=False, timeout=60):
    """Download a registered dataset or a URL once, and return its local path.

    Later calls find the file in the cache and make no request.

    Args:
        name_or_url: a key of `DATASETS` (e.g. `"conll2003"`) or an
            `http(s)://` URL.
        sha256: expected hex SHA-256 of the file at a URL. Without it, the
            digest recorded at the first download of that URL (if any) is
            checked. Not accepted with a dataset name (the registry has the
            digests).
        cache_dir: cache folder; defaults to `default_cache_dir()`.
        extract: for a URL, unpack the archive and return the folder holding
            its contents. A dataset name is always unpacked.
        timeout: seconds to wait for the server at each network operation.

    Returns:
        For a dataset name, the folder `datasets/<name>` where the members
        named in its `DatasetSpec` live (see `dataset_files()`). For a URL,
        the downloaded file, or with `extract=True` the extracted folder.

    Raises:
        seqkit.errors.UserInputError: unknown name or bad URL.
        DownloadError: the server cannot be reached (offline), answers with
            an HTTP error, or the archive is unsafe or unreadable.
        ChecksumError: the file's SHA-256 is not the expected one (the
            download is removed).

    Example:

    ```python
    train = fetch("conll2003") / "train.txt"
    archive = fetch("https://example.org/corpus.zip", sha256="…", extract=True)
    ```
    """
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    if name_or_url in DATASETS:
        if sha256 is not None:
            raise ValueError(
                "`sha256` cannot be given with a dataset name; the registry "
                f"has the digests. Received: name_or_url={name_or_url!r}, "
                f"sha256={sha256!r}"
            )
        return _fetch_dataset(name_or_url, cache_dir, timeout)
    _check_url(name_or_url)
    path = _download(name_or_url, _check_sha256(sha256), cache_dir, timeout)
    if not extract:
        return path
    target = cache_dir / "extracted" / _url_key(name_or_url)
    if not target.is_dir():
        with atomic_directory(target, overwrite=True) as tmp:
            extract_archive(path, tmp, source=name_or_url)
    return target


def dataset_files(name, *, cache_dir=None, timeout=60):
    """Fetch a registered dataset and return the local path of each split.

    Args:
        name: a key of `DATASETS`.
        cache_dir: cache folder; defaults to `default_cache_dir()`.
        timeout: seconds to wait for the server at each network operation.

    Returns:
        `{split: Path}` for the splits in the dataset's `DatasetSpec`.

    Example:

    ```python
    paths = dataset_files("conll2003")
    paths["validation"]  # ~/.seqkit/data/datasets/conll2003/valid.txt
    ```
    """
    _check_name(name)
    root = fetch(name, cache_dir=cache_dir, timeout=timeout)
    spec = DATASETS[name]
    return {
        split: root / (member if member is not None else _url_file_name(url))
        for split, (url, _, member) in spec.files.items()
    }


def extract_archive(archive, target, source=None):
    """Unpack a tar (optionally compressed) or zip archive into `target`.

    Members that would be written outside `target` (absolute names, `..`
    components, links pointing out of it) and device files are refused:
    for zip files before anything is written, for tar files by the tar
    `"data"` filter as each member is reached (unpack into a temporary
    folder, as `fetch` does, so that a refused archive leaves nothing).

    Args:
        archive: the archive file.
        target: an existing folder to unpack into.
        source: what to name in error messages (e.g. the URL); defaults to
            `archive`.

    Raises:
        DownloadError: the file is not a supported archive, or a member is
            unsafe.
    """
    archive, target = Path(archive), Path(target)
    source = str(archive) if source is None else source
    try:
        _extract(archive, target, source)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError) as error:
        if isinstance(error, tarfile.FilterError):
            raise DownloadError(
                f"unsafe archive member ({error}); refusing to unpack it",
                path=source,
            ) from None
        raise DownloadError(
            f"cannot unpack the archive ({error})", path=source
        ) from None


def _extract(archive, target, source):
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as handle:
            for name in handle.namelist():
                if not _is_inside(target, name):
                    raise DownloadError(
                        f"archive member {name!r} would be written outside "
                        "the extraction folder; refusing to unpack it",
                        path=source,
                    )
            handle.extractall(target)
    elif tarfile.is_tarfile(archive):
        with tarfile.open(archive) as handle:
            handle.extractall(target, filter=_tar_filter)
    else:
        raise DownloadError(
            "cannot unpack: not a tar or zip archive", path=source
        )


# === Internals ===


def _fetch_dataset(name, cache_dir, timeout):
    target = cache_dir / "datasets" / name
    if target.is_dir():
        return target
    spec = DATASETS[name]
    digests = {url: sha for url, sha, _ in spec.files.values()}
    members = {url: member for url, _, member in spec.files.values()}
    with atomic_directory(target, overwrite=True) as tmp:
        for url in spec.urls():
            path = _download(url, _check_sha256(digests[url]), cache_dir, timeout)
            if members[url] is None:
                shutil.copyfile(path, tmp / path.name)
            elif _is_single_gzip(path):
                _gunzip(path, tmp / members[url], source=url)
            else:
                extract_archive(path, tmp, source=url)
        for split, (url, _, member) in spec.files.items():
            if member is not None and not (tmp / member).exists():
                raise DownloadError(
                    f"the archive has no {member!r} for split {split!r}",
                    path=url,
                )
    return target


def _is_single_gzip(path):
    """A gzip-compressed file that is not a tar archive (such as `train.en.gz`)."""
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b" and not tarfile.is_tarfile(path)


def _gunzip(path, target, source):
    import gzip

    try:
        with gzip.open(path, "rb") as compressed, open(target, "wb") as out:
            shutil.copyfileobj(compressed, out, _CHUNK_SIZE)
    except (OSError, EOFError) as error:
        raise DownloadError(f"cannot decompress the gzip file ({error})", path=source) from None


def _download(url, expected, cache_dir, timeout):
    """The cached, verified file for `url`, downloading it if needed."""
    path = cache_dir / "downloads" / _url_key(url) / _url_file_name(url)
    recorded = _read_checksums(cache_dir).get(url)
    expected = expected or recorded
    if path.is_file():
        if expected is None or expected == recorded:
            if recorded is None:
                _record_checksum(cache_dir, url, _sha256_of(path))
            return path
        if _sha256_of(path) == expected:
            _record_checksum(cache_dir, url, expected)
            return path
        path.unlink()  # stale or corrupt copy: download it again
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = _stream_to(url, path, expected, timeout)
    _record_checksum(cache_dir, url, digest)
    return path


def _stream_to(url, path, expected, timeout):
    """Download `url` to `path` through a temporary file; return the digest."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    hasher = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, _open_url(url, timeout) as response:
            while chunk := _read_chunk(response, url):
                hasher.update(chunk)
                out.write(chunk)
        digest = hasher.hexdigest()
        if expected is not None and digest != expected:
            raise ChecksumError(
                f"SHA-256 mismatch: expected {expected}, got {digest}; "
                "the download was removed",
                path=url,
            )
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return digest


def _open_url(url, timeout):
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        raise DownloadError(
            f"the server answered HTTP {error.code} {error.reason}", path=url
        ) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", error)
        raise DownloadError(_offline_message(reason), path=url) from None


def _read_chunk(response, url):
    try:
        return response.read(_CHUNK_SIZE)
    except (OSError, http.client.HTTPException) as error:
        raise DownloadError(
            f"the download was interrupted ({error})", path=url
        ) from None


def _offline_message(reason):
    return (
        f"cannot download ({reason}); check the network connection, or "
        "download the file yourself and pass it with --data"
    )


def _read_checksums(cache_dir):
    path = cache_dir / "checksums.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise UserInputError(
            f"unreadable checksum record ({error}); delete it to start over",
            path=path,
        ) from None


def _record_checksum(cache_dir, url, digest):
    checksums = _read_checksums(cache_dir)
    if checksums.get(url) != digest:
        checksums[url] = digest
        atomic_write_json(cache_dir / "checksums.json", checksums)


def _sha256_of(path):
    hasher = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK_SIZE):
            hasher.update(chunk)
    return hasher.hexdigest()


def _tar_filter(member, destination):
    # The "data" filter would strip a leading "/" and unpack the member
    # inside the folder; refuse it instead, as for zip files.
    if member.name.startswith(("/", "\\")) or os.path.isabs(member.name):
        raise tarfile.AbsolutePathError(member)
    return tarfile.data_filter(member, destination)


def _is_inside(root, member_name):
    if os.path.isabs(member_name) or member_name.startswith(("/", "\\")):
        return False
    root = os.path.realpath(root)
    destination = os.path.realpath(os.path.join(root, member_name))
    return os.path.commonpath([root, destination]) == root


def _url_key(url):
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def _url_file_name(url):
    name = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path)).name
    return name if name not in ("", ".", "..") else "download"


def _check_url(url):
    scheme = urllib.parse.urlsplit(str(url)).scheme
    if scheme not in ("http", "https"):
        known = ", ".join(sorted(DATASETS))
        raise UserInputError(
            f"unknown dataset {url!r}: expected one of {known}, "
            "or an http(s) URL"
        )


def _check_name(name):
    if name not in DATASETS:
        known = ", ".join(sorted(DATASETS))
        raise UserInputError(f"unknown dataset {name!r}: expected one of {known}")


def _check_sha256(sha256):
    if sha256 is None:
        return None
    digest = str(sha256).lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(
            "`sha256` must be 64 hexadecimal digits. "
            f"Received: sha256={sha256!r}"
        )
    return digest
