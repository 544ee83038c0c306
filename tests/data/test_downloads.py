import gzip
import hashlib
import http.server
import io
import json
import socket
import tarfile
import threading
import time
import zipfile

import pytest

from seqkit.data import downloads
from seqkit.data.downloads import (
    DATASETS,
    ChecksumError,
    DatasetSpec,
    DownloadError,
    dataset_files,
    extract_archive,
    fetch,
)
from seqkit.errors import UserInputError

MAX_REQUESTS = 20
MAX_SECONDS = 30


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def tar_gz(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


class Server:
    """Serves `files` on 127.0.0.1 and records the paths requested.

    It answers at most MAX_REQUESTS requests and stops by itself after
    MAX_SECONDS, so a test can never hang on it.
    """

    def __init__(self, files):
        self.files = files
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            timeout = 5

            def do_GET(self):
                server.requests.append(self.path)
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.timeout = 0.1
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        deadline = time.monotonic() + MAX_SECONDS
        while (
            not self._stop.is_set()
            and len(self.requests) < MAX_REQUESTS
            and time.monotonic() < deadline
        ):
            self.httpd.handle_request()
        self.httpd.server_close()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)


@pytest.fixture
def serve(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    servers = []

    def start(files):
        servers.append(Server(files))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def test_download_then_cache_hit_without_request(serve, cache):
    data = b"EU B-ORG\nrejects O\n"
    server = serve({"/data/train.txt": data})
    url = server.url + "/data/train.txt"
    path = fetch(url, sha256=sha256(data), cache_dir=cache)
    assert path.read_bytes() == data
    assert path.name == "train.txt"
    assert server.requests == ["/data/train.txt"]
    assert fetch(url, sha256=sha256(data), cache_dir=cache) == path
    assert fetch(url, cache_dir=cache) == path
    assert server.requests == ["/data/train.txt"]
    checksums = json.loads((cache / "checksums.json").read_text())
    assert checksums == {url: sha256(data)}
    assert [p.name for p in path.parent.iterdir()] == ["train.txt"]


def test_checksum_mismatch_removes_the_download(serve, cache):
    server = serve({"/f.bin": b"tampered"})
    url = server.url + "/f.bin"
    wrong = sha256(b"original")
    with pytest.raises(ChecksumError, match="SHA-256 mismatch") as info:
        fetch(url, sha256=wrong, cache_dir=cache)
    assert str(info.value).startswith(url + ": ")
    assert wrong in str(info.value)
    assert isinstance(info.value, UserInputError)
    folder = cache / "downloads"
    assert [p for p in folder.rglob("*") if p.is_file()] == []
    assert not (cache / "checksums.json").exists()


def test_unknown_digest_is_recorded_then_enforced(serve, cache):
    server = serve({"/v.txt": b"first"})
    url = server.url + "/v.txt"
    path = fetch(url, cache_dir=cache)
    recorded = json.loads((cache / "checksums.json").read_text())[url]
    assert recorded == sha256(b"first")
    path.unlink()  # the cache was cleaned and the file changed upstream
    server.files["/v.txt"] = b"second"
    with pytest.raises(ChecksumError, match=recorded):
        fetch(url, cache_dir=cache)
    assert not path.exists()


def test_corrupt_cached_file_is_downloaded_again(serve, cache):
    data = b"good"
    server = serve({"/g.txt": data})
    url = server.url + "/g.txt"
    path = fetch(url, cache_dir=cache)
    path.write_bytes(b"bad")
    assert fetch(url, sha256=sha256(b"bad"), cache_dir=cache) == path
    assert fetch(url, sha256=sha256(data), cache_dir=cache).read_bytes() == data
    assert len(server.requests) == 2


def test_offline_error_names_the_url_and_suggests_data_option(cache):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/conll.zip"
    with pytest.raises(DownloadError) as info:
        fetch(url, cache_dir=cache, timeout=5)
    message = str(info.value)
    assert message.startswith(url + ": cannot download (")
    assert "--data" in message
    assert "\n" not in message
    assert [p for p in cache.rglob("*") if p.is_file()] == []


def test_http_error_is_reported(serve, cache):
    server = serve({})
    with pytest.raises(DownloadError, match="HTTP 404"):
        fetch(server.url + "/missing.zip", cache_dir=cache)


@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_extraction(serve, cache, kind):
    members = {"corpus/train.txt": b"a b\n", "corpus/test.txt": b"c\n"}
    data = tar_gz(members) if kind == "tar.gz" else zip_bytes(members)
    server = serve({f"/corpus.{kind}": data})
    url = f"{server.url}/corpus.{kind}"
    folder = fetch(url, sha256=sha256(data), cache_dir=cache, extract=True)
    assert (folder / "corpus" / "train.txt").read_bytes() == b"a b\n"
    assert (folder / "corpus" / "test.txt").read_bytes() == b"c\n"
    assert fetch(url, cache_dir=cache, extract=True) == folder
    assert len(server.requests) == 1


@pytest.mark.parametrize("name", ["../evil.txt", "ABSOLUTE", "a/../../evil.txt"])
@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_extraction_refuses_path_traversal(tmp_path, name, kind):
    absolute = tmp_path / "absolute-evil.txt"
    name = str(absolute) if name == "ABSOLUTE" else name
    archive = tmp_path / f"bad.{kind}"
    members = {"ok.txt": b"ok", name: b"evil"}
    archive.write_bytes(tar_gz(members) if kind == "tar.gz" else zip_bytes(members))
    target = tmp_path / "out" / "inner"
    target.mkdir(parents=True)
    with pytest.raises(DownloadError, match="refusing to unpack"):
        extract_archive(archive, target)
    assert not (tmp_path / "out" / "evil.txt").exists()
    assert not (tmp_path / "evil.txt").exists()
    assert not absolute.exists()


def test_extraction_refuses_links_out_of_the_folder(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        link = tarfile.TarInfo("escape")
        link.type = tarfile.SYMTYPE
        link.linkname = "../../outside"
        tar.addfile(link)
    archive = tmp_path / "links.tar.gz"
    archive.write_bytes(buffer.getvalue())
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(DownloadError, match="refusing to unpack"):
        extract_archive(archive, target)


def _tar_of(*members):
    """A .tar.gz of `(TarInfo, bytes or None)` members, in order."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def _member(name, kind=tarfile.REGTYPE, linkname=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    return info


@pytest.mark.parametrize(
    "members",
    [
        # a hard link to a file outside the folder
        [(_member("passwd", tarfile.LNKTYPE, "../../outside.txt"), None)],
        # an absolute symbolic link
        [(_member("abs", tarfile.SYMTYPE, "/etc"), None)],
        # a link inside the folder, then a file written through it to outside
        [(_member("here", tarfile.SYMTYPE, "."), None), (_member("here/../../evil.txt"), b"evil")],
        # a link to outside, then a file written through it
        [(_member("up", tarfile.SYMTYPE, ".."), None), (_member("up/evil.txt"), b"evil")],
        # device files and FIFOs
        [(_member("zero", tarfile.CHRTYPE), None)],
        [(_member("disk", tarfile.BLKTYPE), None)],
        [(_member("pipe", tarfile.FIFOTYPE), None)],
    ],
    ids=["hardlink-out", "absolute-symlink", "through-inner-link", "through-outer-link", "chardev", "blockdev",
         "fifo"],
)
def test_extraction_refuses_unsafe_tar_members(tmp_path, members):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    archive = tmp_path / "bad.tar.gz"
    archive.write_bytes(_tar_of(*members))
    target = tmp_path / "out" / "inner"
    target.mkdir(parents=True)
    with pytest.raises(DownloadError, match="refusing to unpack"):
        extract_archive(archive, target)
    assert outside.read_text() == "secret"
    assert not (tmp_path / "out" / "evil.txt").exists() and not (tmp_path / "evil.txt").exists()
    assert not any(path.is_symlink() and not path.resolve().is_relative_to(target.resolve())
                   for path in target.rglob("*"))


def test_zip_symlink_entries_become_plain_files(tmp_path):
    import stat

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entry = zipfile.ZipInfo("escape")
        entry.external_attr = (stat.S_IFLNK | 0o777) << 16  # a symbolic link to /etc, as `zip --symlinks` stores
        archive.writestr(entry, "/etc")
    path = tmp_path / "links.zip"
    path.write_bytes(buffer.getvalue())
    target = tmp_path / "out"
    target.mkdir()
    extract_archive(path, target)
    assert not (target / "escape").is_symlink()
    assert (target / "escape").read_text() == "/etc"


def test_extracting_a_plain_file_is_an_error(serve, cache):
    server = serve({"/plain.txt": b"not an archive"})
    with pytest.raises(DownloadError, match="not a tar or zip archive"):
        fetch(server.url + "/plain.txt", cache_dir=cache, extract=True)
    assert not (cache / "extracted").exists() or not any(
        (cache / "extracted").iterdir()
    )


def test_registered_dataset_is_fetched_and_split(serve, cache, monkeypatch):
    data = zip_bytes({"train.txt": b"x O\n", "valid.txt": b"y O\n"})
    server = serve({"/tiny.zip": data, "/extra.tsv": b"z\n"})
    spec = DatasetSpec(
        files={
            "train": (server.url + "/tiny.zip", sha256(data), "train.txt"),
            "validation": (server.url + "/tiny.zip", sha256(data), "valid.txt"),
            "extra": (server.url + "/extra.tsv", None, None),
        }
    )
    monkeypatch.setitem(DATASETS, "tiny", spec)
    root = fetch("tiny", cache_dir=cache)
    assert root == cache / "datasets" / "tiny"
    paths = dataset_files("tiny", cache_dir=cache)
    assert {k: v.read_bytes() for k, v in paths.items()} == {
        "train": b"x O\n",
        "validation": b"y O\n",
        "extra": b"z\n",
    }
    assert sorted(server.requests) == ["/extra.tsv", "/tiny.zip"]


def test_dataset_of_single_gzip_files_is_unpacked_per_member(serve, cache, monkeypatch):
    english, german = gzip.compress(b"A dog .\nTwo men .\n"), gzip.compress(b"Ein Hund .\nZwei M\xc3\xa4nner .\n")
    server = serve({"/train.en.gz": english, "/train.de.gz": german})
    spec = DatasetSpec(
        files={
            "train.en": (server.url + "/train.en.gz", sha256(english), "train.en"),
            "train.de": (server.url + "/train.de.gz", None, "train.de"),
        }
    )
    monkeypatch.setitem(DATASETS, "pairs", spec)
    paths = dataset_files("pairs", cache_dir=cache)
    assert paths["train.en"].read_bytes() == b"A dog .\nTwo men .\n"
    assert paths["train.de"].read_text(encoding="utf-8") == "Ein Hund .\nZwei M\u00e4nner .\n"
    assert paths["train.en"].parent == paths["train.de"].parent == cache / "datasets" / "pairs"


def test_dataset_missing_member_leaves_no_folder(serve, cache, monkeypatch):
    data = zip_bytes({"train.txt": b"x\n"})
    server = serve({"/t.zip": data})
    url = server.url + "/t.zip"
    monkeypatch.setitem(
        DATASETS, "tiny", DatasetSpec(files={"test": (url, None, "test.txt")})
    )
    with pytest.raises(DownloadError, match="no 'test.txt' for split 'test'"):
        fetch("tiny", cache_dir=cache)
    assert not (cache / "datasets" / "tiny").exists()


def test_cache_dir_defaults_to_seqkit_home(monkeypatch, tmp_path):
    monkeypatch.setenv("SEQKIT_HOME", str(tmp_path / "home"))
    assert downloads.default_cache_dir() == tmp_path / "home" / "data"
    monkeypatch.delenv("SEQKIT_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert downloads.default_cache_dir() == tmp_path / ".seqkit" / "data"


def test_argument_errors(cache):
    with pytest.raises(UserInputError, match="unknown dataset 'conll'.*conll2003"):
        fetch("conll", cache_dir=cache)
    with pytest.raises(UserInputError, match="unknown dataset"):
        dataset_files("nope", cache_dir=cache)
    with pytest.raises(ValueError, match="`sha256` must be 64 hexadecimal digits"):
        fetch("http://127.0.0.1:9/x", sha256="abc", cache_dir=cache)
    with pytest.raises(ValueError, match="`sha256` cannot be given"):
        fetch("imdb", sha256="0" * 64, cache_dir=cache)


def test_registry_entries_are_well_formed():
    assert set(DATASETS) == {
        "conll2003", "imdb", "yelp-full", "multi30k-en-de", "multi30k-en-fr", "tatoeba-en-de", "fsdd", "yesno"
    }
    assert set(DATASETS["conll2003"].files) == {"train", "validation", "test"}
    assert set(DATASETS["multi30k-en-fr"].files) == {
        "train.en", "train.fr", "validation.en", "validation.fr"
    }
    # One gzip file per language and split, unpacked under the name the split reader expects.
    url, _, member = DATASETS["multi30k-en-de"].files["validation.de"]
    assert url.endswith("/val.de.gz") and member == "validation.de"
    for spec in DATASETS.values():
        for url, digest, member in spec.files.values():
            assert url.startswith("https://")
            assert digest is None or (
                len(digest) == 64 and set(digest) <= set("0123456789abcdef")
            )
            assert member is None or not member.startswith("/")
