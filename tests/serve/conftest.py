"""Fixtures of the `seqkit serve` tests: small hand-made SavedModels and a server on a free port."""

import contextlib
import json
import pathlib

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("httpx")
pytest.importorskip("prometheus_client")


def write_metadata(version_dir, app="toy", **extra):
    """The `seqkit.json` that marks a version directory as a complete export."""
    version_dir = pathlib.Path(version_dir)
    (version_dir / "seqkit.json").write_text(json.dumps({"app": app, "version": int(version_dir.name), **extra}))


def save_toy_model(version_dir):
    """A SavedModel with one signature per protocol feature.

    - `serving_default`: `x` float32 `[-1]` → `y = 0.5 x + 3` (TF Serving's half_plus_three);
    - `multi`: `text` string `[-1]` and `values` float32 `[-1, 3]` → `length`, `total`, `text_bytes`;
    - `pixels`: `image` uint8 `[-1, 2, 2]` → `brightness` (mean / 255);
    - `scaled`: `x` float32 `[-1]` and a scalar `scale` → `y = x * scale` (columnar only, never batched);
    - `split`: `sentences` string `[-1]` → `words` (`""` padded) and `positions` (`-1` padded), whose width
      depends on the longest sentence of the call (the case dynamic batching must trim);
    - `split_scores`: as `split` plus a float `scores` of content-dependent width (never batched);
    - `sleep`: `seconds` float32 `[-1]` → `slept`, after sleeping the largest of them (a slow model call).
    """
    import tensorflow as tf
    from tensorflow.python.data.experimental.ops import testing as data_testing

    class Toy(tf.Module):
        def __init__(self):
            super().__init__()
            self.offset = tf.Variable(3.0)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32, name="x")])
        def half_plus_three(self, x):
            return {"y": 0.5 * x + self.offset}

        @tf.function(
            input_signature=[tf.TensorSpec([None], tf.string, name="text"), tf.TensorSpec([None, 3], tf.float32, name="values")]
        )
        def multi(self, text, values):
            return {"length": tf.strings.length(text), "total": tf.reduce_sum(values, axis=-1), "text_bytes": text}

        @tf.function(input_signature=[tf.TensorSpec([None, 2, 2], tf.uint8, name="image")])
        def pixels(self, image):
            return {"brightness": tf.reduce_mean(tf.cast(image, tf.float32), axis=[1, 2]) / 255.0}

        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32, name="x"), tf.TensorSpec([], tf.float32, name="scale")])
        def scaled(self, x, scale):
            return {"y": x * scale}

        def _split(self, sentences):
            words = tf.strings.split(sentences)
            positions = tf.cast(tf.ragged.range(words.row_lengths()), tf.int32)
            return words, positions

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="sentences")])
        def split(self, sentences):
            words, positions = self._split(sentences)
            return {"words": words.to_tensor(""), "positions": positions.to_tensor(-1)}

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="sentences")])
        def split_scores(self, sentences):
            words, positions = self._split(sentences)
            return {"words": words.to_tensor(""), "scores": tf.cast(positions, tf.float32).to_tensor(0.0)}

        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32, name="seconds")])
        def sleep(self, seconds):
            # SleepDataset sleeps at each `get_next`; reading the single element takes two of them.
            microseconds = tf.cast(tf.reduce_max(seconds) * 0.5e6, tf.int64)
            dataset = tf.data.Dataset.from_tensors(seconds).apply(data_testing.sleep(microseconds))
            return {"slept": dataset.get_single_element()}

    module = Toy()
    signatures = {
        "serving_default": module.half_plus_three,
        "multi": module.multi,
        "pixels": module.pixels,
        "scaled": module.scaled,
        "split": module.split,
        "split_scores": module.split_scores,
        "sleep": module.sleep,
    }
    tf.saved_model.save(module, str(version_dir), signatures=signatures)
    write_metadata(version_dir)
    return pathlib.Path(version_dir)


def save_version_model(version_dir, value):
    """A SavedModel whose `serving_default` maps `x` float32 `[-1]` to `version`, `value` for every row."""
    import tensorflow as tf

    class Versioned(tf.Module):
        def __init__(self):
            super().__init__()
            self.value = tf.Variable(float(value))

        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32, name="x")])
        def serve(self, x):
            return {"version": tf.zeros_like(x) + self.value}

    module = Versioned()
    tf.saved_model.save(module, str(version_dir), signatures={"serving_default": module.serve})
    write_metadata(version_dir, app="versioned")
    return pathlib.Path(version_dir)


@pytest.fixture(scope="session")
def toy_models_root(tmp_path_factory):
    """`<root>/toy/1/`: the toy SavedModel, built once per test session (read-only for tests)."""
    root = tmp_path_factory.mktemp("toy_models")
    save_toy_model(root / "toy" / "1")
    return root


@pytest.fixture(scope="session")
def version_model_factory(tmp_path_factory):
    """`build(value)`: the path of a saved `Versioned` model answering `value` (cached), to copy into a root."""
    cache = {}
    folder = tmp_path_factory.mktemp("version_models")

    def build(value):
        if value not in cache:
            cache[value] = save_version_model(folder / str(value), value)
        return cache[value]

    return build


@contextlib.contextmanager
def running_server(models, **options):
    """A `BackgroundServer` on a free port of 127.0.0.1, with an httpx client; yields `(server, client)`."""
    import httpx

    from seqkit.serve.server import BackgroundServer
    from seqkit.serve.settings import ServeSettings

    settings = ServeSettings(models=str(models), port=0, **options)
    with BackgroundServer(settings) as server:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            yield server, client


@pytest.fixture(scope="session")
def serve():
    """`serve(models, **settings)`: a context manager running a server; yields `(server, client)`."""
    return running_server
