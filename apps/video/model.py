"""A trained video run: recognise the activity of clips (with a timeline for long videos), evaluate, export.

A per-frame run (`task` `"frames"`, trained on clips with per-frame labels) labels every sampled frame instead:
`predict` gives a timeline of segments (runs of frames with the same label), `evaluate` per-frame and segment
scores, and the export per-frame labels."""

import pathlib

import numpy as np

from seqkit.application.trained_run import TrainedRun
from seqkit.progress import Progress

PREDICT_BATCH_SIZE = 16
TIMELINE_STRIDE_SECONDS = 1.0


def top_k_accuracy(true_ids, probabilities, k):
    """Share of examples whose gold class is among the `k` highest probabilities (ties broken by class order)."""
    probabilities = np.asarray(probabilities)
    ranked = np.argsort(-probabilities, axis=1, kind="stable")[:, :k]
    return float(np.mean([gold in row for gold, row in zip(np.asarray(true_ids), ranked)]))


def frame_segments(times, ids, probabilities, classes, seconds):
    """The segments of per-frame predictions: maximal runs of frames with the same class.

    A run's frames are `times` (seconds, sorted); it starts halfway between its first frame and the frame
    before (0 for the first frame) and ends halfway to the next run's first frame (`seconds` for the last).

    Args:
        times: `(T,)` frame times.
        ids: `(T,)` predicted class ids.
        probabilities: `(T,)` the probability of each frame's class.
        classes: the class names.
        seconds: where the last segment ends.

    Returns:
        `[{"start", "end", "label", "probability"}]` in time order, `probability` the mean over the run's frames.

    Example:

    >>> frame_segments([0.1, 0.3, 0.5, 0.7], [0, 0, 1, 1], [0.9, 0.7, 0.6, 0.8], ["a", "b"], 0.8)
    [{'start': 0.0, 'end': 0.4, 'label': 'a', 'probability': 0.8}, {'start': 0.4, 'end': 0.8, 'label': 'b', \
'probability': 0.7}]
    """
    from seqkit.metrics.base_tagging import runs

    times = np.asarray(times, np.float64)
    probabilities = np.asarray(probabilities, np.float64)
    segments = []
    for begin, end, class_id in runs(ids):
        start = 0.0 if begin == 0 else (times[begin - 1] + times[begin]) / 2
        stop = seconds if end == len(times) else (times[end - 1] + times[end]) / 2
        segments.append({"start": round(float(start), 3), "end": round(float(stop), 3),
                         "label": classes[int(class_id)],
                         "probability": round(float(probabilities[begin:end].mean()), 4)})
    return segments


class VideoModel(TrainedRun):
    """Predicts with a trained `seqkit video` run directory.

    `vectorizer`, when given, is the run's `VideoVectorizer` already in memory (`run` and `model`: see
    `TrainedRun`).
    """

    app = "video"

    def __init__(self, run, model=None, vectorizer=None):
        import tensorflow as tf

        from seqkit.apps.video.encoding import VideoVectorizer

        super().__init__(run, model)
        self.vectorizer = vectorizer or VideoVectorizer.load(run.path)
        self.classes = self.vectorizer.classes
        self.per_frame = self.vectorizer.task == "frames"
        key = self.vectorizer.feature_key

        # One trace for every batch size and number of frames.
        values_spec = self.input_specs([key])[key]
        lengths_spec = tf.TensorSpec([None], tf.int32, name="lengths")

        @tf.function(input_signature=[values_spec, lengths_spec])
        def probabilities(values, lengths):
            return tf.nn.softmax(self.model({key: values, "lengths": lengths}, training=False), axis=-1)

        self._probabilities = probabilities

    # === Core ===

    def _batches(self, inputs):
        """`(lengths, probabilities)` of each batch of encoded clips, padded to the batch's longest clip."""
        key = self.vectorizer.feature_key
        for begin in range(0, len(inputs), PREDICT_BATCH_SIZE):
            chunk = inputs[begin : begin + PREDICT_BATCH_SIZE]
            lengths = np.asarray([item["lengths"] for item in chunk], dtype=np.int32)
            first = chunk[0][key]
            batch = np.zeros((len(chunk), int(lengths.max()), *first.shape[1:]), dtype=first.dtype)
            for row, item in enumerate(chunk):
                batch[row, : len(item[key])] = item[key]
            yield lengths, self._probabilities(batch, lengths).numpy()

    def probabilities(self, inputs):
        """`(N, classes)` probabilities of encoded clips (`{"frames" | "features", "lengths"}` dicts)."""
        rows = [probabilities for _, probabilities in self._batches(inputs)]
        return np.concatenate(rows) if rows else np.zeros((0, len(self.classes)), np.float32)

    def frame_probabilities(self, inputs):
        """A per-frame run's `(T, classes)` probabilities of each encoded clip (its `T` real frames)."""
        return [row[:length] for lengths, batch in self._batches(inputs) for length, row in zip(lengths, batch)]

    def _ranked(self, probabilities):
        return {name: round(float(p), 6) for name, p in sorted(zip(self.classes, probabilities), key=lambda x: -x[1])}

    # === Prediction ===

    def predict(self, paths, *, timeline=None, frames_png=None):
        """Recognise the activity of video files.

        Args:
            paths: video files.
            timeline: `True` for a per-second timeline of every file, `False` for none, None (default) for one
                where a file lasts more than twice the training clips' median duration.
            frames_png: a folder to write a contact sheet of each file's sampled frames into, or None.

        Returns:
            One dict per file: `path`, `activity`, `probabilities` (`{activity: p}`, highest first), `frames`
            (frames read), `seconds`, and with a timeline `timeline` (`[{start, end, activity, probability}]`,
            windows of the training clips' length every second; `activity` and `probabilities` are then their
            mean).

            For a per-frame run: `path`, `frames`, `seconds`, `segments` (`[{start, end, label, probability}]`,
            the runs of frames with one label, see `frame_segments`) and `frame_labels` (`[{time, label,
            probability}]`, every sampled frame); a timeline (same rule) samples back-to-back windows of the
            training clips' length instead of the whole video.
        """
        from seqkit.data.video.clips import Clip
        from seqkit.data.video.frames import video_info

        results = []
        with Progress("recognising", unit="video", total=len(paths)) as progress:
            for path in paths:
                path = pathlib.Path(path)
                info = video_info(path)
                window = self.vectorizer.clip_seconds
                long_video = window and info.duration and info.duration > 2 * window
                if self.per_frame:
                    windowed = timeline or (timeline is None and long_video)
                    result = self._frame_timeline(path, info, (window or info.duration) if windowed else None,
                                                  frames_png)
                elif timeline or (timeline is None and long_video):
                    result = self._timeline(path, info, window or info.duration)
                else:
                    clip = Clip(path=path.resolve(), label=None, start=None, end=None, source=path, line=None)
                    frames = self.vectorizer.frames(clip)
                    inputs = self._inputs_of(frames.pixels)
                    p = self.probabilities([inputs])[0]
                    result = {"path": str(path), "activity": self.classes[int(p.argmax())],
                              "probabilities": self._ranked(p), "frames": int(len(frames.pixels)),
                              "seconds": round(float(info.duration or 0.0), 3)}
                    if frames_png is not None:
                        result["frames_png"] = str(self._contact_sheet(frames, path, frames_png))
                results.append(result)
                progress.update()
        return results

    def _inputs_of(self, pixels):
        return self.vectorizer.inputs_of_pixels(pixels)

    def _frame_timeline(self, path, info, window, frames_png):
        """A per-frame run's prediction: every sampled frame's label, and the segments they form. The whole
        video is sampled as one clip, or (`window` seconds) as back-to-back windows of the training clips'
        length, each sampled as a training clip is."""
        from seqkit.data.video.clips import Clip
        from seqkit.data.video.frames import iter_frame_windows

        if window:
            pieces = [frames for _, _, frames in iter_frame_windows(
                path, self.vectorizer.sampling, window_seconds=window, stride_seconds=window)]
        else:
            clip = Clip(path=path.resolve(), label=None, source=str(path))
            pieces = [self.vectorizer.frames(clip)]
        probabilities = np.concatenate(self.frame_probabilities([self._inputs_of(f.pixels) for f in pieces]))
        times = np.concatenate([f.times for f in pieces]).astype(np.float64)
        ids = probabilities.argmax(axis=1)
        best = probabilities.max(axis=1)
        seconds = float(info.duration or (times[-1] + 1.0 / pieces[-1].fps))
        result = {
            "path": str(path),
            "frames": int(len(ids)),
            "seconds": round(seconds, 3),
            "segments": frame_segments(times, ids, best, self.classes, seconds),
            "frame_labels": [{"time": round(float(t), 3), "label": self.classes[int(i)],
                              "probability": round(float(p), 4)} for t, i, p in zip(times, ids, best)],
        }
        if frames_png is not None:
            from seqkit.data.video.contact_sheet import write_contact_sheet

            folder = pathlib.Path(frames_png)
            folder.mkdir(parents=True, exist_ok=True)
            labels = [f"{t:.1f}s {self.classes[int(i)]}" for t, i in zip(times, ids)]
            pixels = np.concatenate([f.pixels for f in pieces])
            result["frames_png"] = str(write_contact_sheet(pixels, folder / f"{path.stem}.frames.png", labels=labels))
        return result

    def _timeline(self, path, info, window):
        from seqkit.data.video.frames import iter_frame_windows

        spans, inputs = [], []
        stride = min(TIMELINE_STRIDE_SECONDS, window)
        for start, end, frames in iter_frame_windows(
            path, self.vectorizer.sampling, window_seconds=window, stride_seconds=stride
        ):
            spans.append((start, end))
            inputs.append(self._inputs_of(frames.pixels))
        probabilities = self.probabilities(inputs)
        mean = probabilities.mean(axis=0)
        return {
            "path": str(path),
            "activity": self.classes[int(mean.argmax())],
            "probabilities": self._ranked(mean),
            "frames": int(sum(int(item["lengths"]) for item in inputs)),
            "seconds": round(float(info.duration or 0.0), 3),
            "timeline": [
                {"start": round(float(s), 3), "end": round(float(e), 3), "activity": self.classes[int(p.argmax())],
                 "probability": round(float(p.max()), 4)}
                for (s, e), p in zip(spans, probabilities)
            ],
        }

    def _contact_sheet(self, frames, path, folder):
        from seqkit.data.video.contact_sheet import write_contact_sheet

        folder = pathlib.Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        labels = [f"{t:.1f}s" for t in frames.times]
        return write_contact_sheet(frames.pixels, folder / f"{path.stem}.frames.png", labels=labels)

    def format_prediction(self, result):
        if "segments" in result:  # a per-frame run
            count = len(result["segments"])
            line = f"{result['path']}\t{count} segment{'' if count == 1 else 's'} ({result['frames']} frames)"
            for span in result["segments"]:
                line += f"\n  {span['start']:7.2f}-{span['end']:<7.2f} {span['label']}  {span['probability']:.3f}"
            return line
        top = list(result["probabilities"].items())[:3]
        line = f"{result['path']}\t{result['activity']}  (" + ", ".join(f"{n} {p:.3f}" for n, p in top) + ")"
        for span in result.get("timeline", []):
            line += f"\n  {span['start']:7.1f}-{span['end']:<7.1f} {span['activity']}  {span['probability']:.3f}"
        return line

    # === Evaluation ===

    def evaluate(self, path, skip_bad_rows=False, confusion_png=None):
        """Scores on a folder of clips (one sub-folder per activity) or a CSV of `path,label[,start,end]` (with a
        `frame_labels` column for a per-frame run)."""
        from seqkit.data.video.clips import iter_clips

        return self.evaluate_clips(iter_clips(path, skip_bad_rows=skip_bad_rows), skip_bad_rows=skip_bad_rows,
                                   confusion_png=confusion_png)

    def evaluate_clips(self, clips, *, skip_bad_rows=False, plot=False, confusion_png=None):
        """Top-1/top-5 accuracy, macro-F1, MCC, per-class scores and the confusion matrix of labelled clips.

        For a per-frame run the same scores are over every sampled frame of the clips (`count` frames of
        `clips` clips, `task` `"frames"`), with segment scores (`seqkit.metrics.base_tagging`: runs of one label
        that is not `background`, matched exactly, `segment_exact`, or by one shared frame, `segment_overlap`).

        Args:
            clips: `Clip`s (and `Skipped` items), read once.
            skip_bad_rows: count clips that cannot be decoded instead of stopping.
            plot: also write the confusion matrix to the run's `plots/confusion_matrix.png`.
            confusion_png: write it to this file instead.
        """
        from seqkit.application.sources import Skipped
        from seqkit.errors import UserInputError
        from seqkit.metrics.classification import classification_scores

        inputs, labels, skipped = [], [], 0
        with Progress("reading the evaluation clips", unit="clip") as progress:
            for clip in clips:
                progress.update()
                if isinstance(clip, Skipped):
                    skipped += 1
                    continue
                try:
                    if self.per_frame:
                        clip_inputs, label = self.vectorizer.frame_targets(clip)
                    else:
                        label = self.vectorizer.label_id(clip.label, path=clip.source, line=clip.line)
                        clip_inputs = self.vectorizer.inputs(clip)
                except UserInputError:
                    if not skip_bad_rows:
                        raise
                    skipped += 1
                    continue
                inputs.append(clip_inputs)
                labels.append(label)
        if not inputs:
            raise UserInputError("no clips to evaluate")
        if self.per_frame:
            scores = self._frame_scores(labels, self.frame_probabilities(inputs))
        else:
            probabilities = self.probabilities(inputs)
            scores = classification_scores(np.asarray(labels), probabilities, self.classes)
            scores["top_5_accuracy"] = top_k_accuracy(labels, probabilities, 5) if len(self.classes) > 5 else None
        scores["skipped_clips"] = skipped
        path = confusion_png or (self.run.plots_dir / "confusion_matrix.png" if plot else None)
        if path is not None:
            from seqkit.metrics.classification_report import plot_confusion_matrix

            scores["confusion_png"] = str(plot_confusion_matrix(scores, path, title="Activities: confusion matrix"))
        return scores

    def _frame_scores(self, labels, probabilities):
        """Per-frame scores (those of the clip task, over all frames) and segment scores of a per-frame run."""
        from seqkit.data.video.frame_labels import BACKGROUND
        from seqkit.metrics.base_tagging import base_tagging_scores
        from seqkit.metrics.classification import classification_scores

        frames = np.concatenate(probabilities)
        gold = np.concatenate(labels)
        scores = {"task": "frames", "clips": len(labels), **classification_scores(gold, frames, self.classes)}
        scores["top_5_accuracy"] = top_k_accuracy(gold, frames, 5) if len(self.classes) > 5 else None
        background = BACKGROUND if BACKGROUND in self.classes else None
        segments = base_tagging_scores(labels, [p.argmax(axis=1) for p in probabilities], self.classes,
                                       background=background)
        for key in ("background", "segment_exact", "segment_overlap"):
            scores[key] = segments[key]
        return scores

    def format_evaluation(self, metrics):
        from seqkit.metrics.classification import format_classification_scores

        unit = f" frames of {metrics['clips']} clips:" if metrics.get("task") == "frames" else " clips:"
        text = format_classification_scores(metrics).replace(" examples:", unit, 1)
        if metrics.get("task") == "frames":
            background = metrics["background"]
            text = text.replace("\n\n", (
                f"\nsegments (runs of one label{'' if background is None else ', ' + repr(background) + ' left out'}): "
                f"exact F1 {metrics['segment_exact']['f1']:.4f}, overlap F1 {metrics['segment_overlap']['f1']:.4f}"
                "\n\n"), 1)
        if metrics.get("top_5_accuracy") is not None:
            text = text.replace(", macro-F1", f", top-5 {metrics['top_5_accuracy']:.4f}, macro-F1", 1)
        if metrics.get("skipped_clips"):
            text += f"\n\n{metrics['skipped_clips']} bad clip(s) skipped"
        if metrics.get("confusion_png"):
            text += f"\nconfusion matrix: {metrics['confusion_png']}"
        return text

    # === Export ===

    def export(self, export_root, version=None):
        """Write `<export_root>/video/<version>/` with a `serving_default` taking `uint8` frames and lengths
        (per-frame outputs for a per-frame run; see `build_video_serving_module`)."""
        from seqkit.export.video_serving import build_video_serving_module

        sampling = self.vectorizer.sampling
        return self._export(
            export_root,
            version,
            lambda: build_video_serving_module(
                self.model, self.classes, num_frames=sampling.num_frames, frame_size=sampling.frame_size,
                crop=sampling.crop, feature_model=self.vectorizer.feature_model, per_frame=self.per_frame,
            ),
            metadata={"classes": self.classes, "sampling": sampling.settings(), "backbone": self.vectorizer.backbone,
                      "task": self.vectorizer.task},
        )
