"""What `seqkit video` adds to the shared recipe: folders of clips (one sub-folder per activity) or CSV lists as
clips, frames sampled uniformly and centre-cropped, a convolutional frame encoder (or a frozen ImageNet backbone
with cached features) under a bidirectional recurrent stack, and top-1/top-5 evaluation.

Clip tables whose clips have per-frame labels (a `frame_labels` column) train the per-frame model instead
(`video_classifier(per_frame=True)`, a masked loss over the real frames): the task is chosen by the data and
recorded in `video.json` (`task`) and `config.json` (`data.task`, `builder.per_frame`)."""

import pathlib

from seqkit.application import Application, EmbeddedData, Option
from seqkit.apps.video.presets import PRESETS

EMBEDDED_FOLDER = "video-shapes-v1"
BACKBONES = ("mobilenet_v3_small", "mobilenet_v3_large", "efficientnet_b0", "resnet50")


def backbone_weights(option):
    """`frame_backbone`'s `weights` for the `weights` option: ImageNet by default, None for `"random"`."""
    if option is None:
        return "imagenet"
    return None if option == "random" else str(option)


class VideoApplication(Application):
    name = "video"
    presets = PRESETS
    example_unit = "clip"
    feature_keys = ("frames", "features", "lengths")
    label_key = "labels"
    byte_fields = ("frames",)
    shuffle_buffer = 512  # clips are large: 512 of 16 × 64² frames are 100 MB
    predictor = "seqkit.apps.video.model.VideoModel"
    builder = "seqkit.tasks.video_classifier"
    options = {
        "skip_bad_rows": Option(False, "leave out and count clips that cannot be read instead of stopping."),
        "num_frames": Option(None, "frames sampled uniformly from each clip (preset default if None).", "data"),
        "fps": Option(None, "sample this many frames a second instead (at most 4 × num_frames).", "data"),
        "frame_size": Option(None, "side of the square frames after the centre crop (preset default if None).", "data"),
        "crop": Option(None, '`"center"` (square centre crop, then resize) or `"resize"` (whole frame).', "data"),
        "backbone": Option(None, f"a frozen ImageNet frame encoder ({', '.join(BACKBONES)}) or None.", "data"),
        "weights": Option(None, "the backbone's weights file, or `\"random\"` for none (default: ImageNet weights "
                                "downloaded by Keras)."),
        "feature_cache": Option(None, "folder of cached backbone features (default: the run's feature_cache/)."),
        "frame_differences": Option(None, "add the difference to the previous frame as input channels.", "model"),
        "conv_filters": Option(None, "filters of the frame encoder's convolution blocks (preset default if None).",
                               "model"),
        "pooling": Option(None, '`"mean"`, `"max"` or `"last"` over the frames (preset default if None).', "model"),
    }

    # === Settings ===

    def check_settings(self, settings):
        from seqkit.errors import UserInputError

        backbone = settings.data.get("backbone")
        if backbone is not None and backbone not in BACKBONES:
            raise UserInputError(f"unknown backbone {backbone!r}; choose one of: {', '.join(BACKBONES)}")
        weights = settings.options.get("weights")
        if backbone is None and weights is not None:
            raise UserInputError("--weights needs --backbone")
        if weights not in (None, "random") and not pathlib.Path(weights).is_file():
            raise UserInputError("no such weights file", path=weights)

    def sampling(self, settings):
        from seqkit.data.video.frames import FrameSampling

        data = settings.data
        fps = data.get("fps")
        return FrameSampling(
            num_frames=int(data["num_frames"]), fps=fps, max_frames=4 * int(data["num_frames"]),
            frame_size=int(data["frame_size"]), crop=data.get("crop") or "center",
        )

    # === Data ===

    def embedded_data(self, settings):
        from seqkit.apps.video.synthetic_clips import ensure_corpus
        from seqkit.data.downloads import default_cache_dir

        folder = ensure_corpus(default_cache_dir() / EMBEDDED_FOLDER)
        return EmbeddedData(folder / "train", folder / "valid", name="embedded generated shape motions")

    def read(self, source, settings, **options):
        from seqkit.data.video.clips import iter_clips

        return iter_clips(source, skip_bad_rows=bool(settings.options.get("skip_bad_rows")))

    # === Vectorizer ===

    def build_vectorizer(self, context, examples):
        from seqkit.apps.video.encoding import VideoVectorizer

        settings = context.settings
        vectorizer = VideoVectorizer.build(examples, self.sampling(settings), backbone=settings.data.get("backbone"))
        self._attach_backbone(context, vectorizer)
        return vectorizer

    def load_vectorizer(self, run, config):
        from seqkit.apps.video.encoding import VideoVectorizer

        return VideoVectorizer.load(run.path)

    def _attach_backbone(self, context, vectorizer):
        """The frozen backbone (built once, saved into the run) and the feature cache."""
        if not vectorizer.backbone:
            return
        from seqkit.apps.video.encoding import BACKBONE_FILE
        from seqkit.tasks.frame_backbone import frame_backbone

        from seqkit.errors import UserInputError

        weights = context.settings.options.get("weights")
        try:
            model, _ = frame_backbone(
                vectorizer.backbone, frame_size=vectorizer.sampling.frame_size, weights=backbone_weights(weights)
            )
        except ValueError as error:
            if weights in (None, "random"):
                raise
            raise UserInputError(str(error), path=weights) from None
        vectorizer.feature_model = model
        model.save(context.run.file(BACKBONE_FILE))
        vectorizer.feature_cache = self._feature_cache(context, vectorizer)

    def _feature_cache(self, context, vectorizer):
        """The `FeatureCache` of backbone features: `--feature-cache`, or the run's own folder."""
        from seqkit.apps.video.encoding import FEATURE_CACHE_DIR
        from seqkit.data.feature_cache import FeatureCache

        options = context.settings.options
        folder = options.get("feature_cache") or context.run.file(FEATURE_CACHE_DIR)
        return FeatureCache(folder, vectorizer.cache_settings())

    def save_vectorizer(self, context):
        context.vectorizer.save(context.run.path)

    def encode(self, context, example, split):
        vectorizer = context.vectorizer
        if vectorizer.backbone and vectorizer.feature_cache is None:  # a resumed run: the cache of this fit
            vectorizer.feature_cache = self._feature_cache(context, vectorizer)
        return self.encode_or_skip(context, example, vectorizer.encode)

    def length_key(self, context):
        return context.vectorizer.feature_key

    # === Run directory ===

    def config_entries(self, context):
        return {"vectorizer": context.vectorizer.settings()}

    def data_summary(self, context):
        vectorizer = context.vectorizer
        summary = {
            "task": vectorizer.task,
            "classes": vectorizer.classes,
            "clip_seconds": vectorizer.clip_seconds,
            "skipped_clips": dict(context.extras.get("skipped", {})),
        }
        if vectorizer.feature_cache is not None and vectorizer.task == "clip":  # per-frame runs do not cache
            summary["feature_cache"] = {
                "folder": str(vectorizer.feature_cache.folder),
                "hits": vectorizer.feature_cache.hits,
                "misses": vectorizer.feature_cache.misses,
            }
        return summary

    # === Model ===

    def builder_arguments(self, context):
        vectorizer = context.vectorizer
        model = dict(context.settings.model)
        model["conv_filters"] = tuple(model.get("conv_filters") or (16, 32, 64))
        arguments = {"num_classes": vectorizer.num_classes, **model}
        if vectorizer.backbone:
            for key in ("conv_filters", "frame_differences"):
                arguments.pop(key, None)
            arguments["feature_dim"] = int(vectorizer.feature_model.output_shape[-1])
        else:
            arguments["frame_size"] = vectorizer.sampling.frame_size
        if vectorizer.task == "frames":
            arguments["per_frame"] = True
        return arguments

    def loss(self, context, model):
        from seqkit.tasks import classifier_loss

        return classifier_loss(model)

    def metrics(self, context):
        import keras

        if context.vectorizer.task == "frames":
            from seqkit.tasks import frame_accuracy

            return [frame_accuracy(name="accuracy")]
        return [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]

    # === After training ===

    def evaluate(self, context, model, valid, history):
        from seqkit.apps.video.model import VideoModel

        predictor = VideoModel(context.run, model=model, vectorizer=context.vectorizer)
        return predictor.evaluate_clips(valid, skip_bad_rows=bool(context.settings.options.get("skip_bad_rows")),
                                        plot=True)

    def summary_lines(self, result):
        data, metrics = result.data, result.metrics
        per_frame = data.get("task") == "frames"
        lines = [
            f"Trained on {data['train']} ({data.get('train_clips', 0)} clips, {len(data['classes'])} activities"
            f"{' per frame' if per_frame else ''}: {', '.join(data['classes'])})."
        ]
        skipped = data.get("skipped_clips", {})
        if any(skipped.values()):
            lines.append(
                f"Skipped bad clips: {skipped.get('train', 0)} in training, {skipped.get('valid', 0)} in validation."
            )
        cache = data.get("feature_cache")
        if cache:
            lines.append(f"Backbone features: {cache['hits']} clips from the cache, {cache['misses']} computed.")
        if metrics and per_frame:
            lines.append(
                f"Validation ({metrics['count']} frames of {metrics['clips']} clips): per-frame accuracy "
                f"{metrics['accuracy']:.4f}, macro-F1 {metrics['macro_f1']:.4f}, segment F1 (exact / overlap) "
                f"{metrics['segment_exact']['f1']:.4f} / {metrics['segment_overlap']['f1']:.4f}."
            )
        elif metrics:
            top = f", top-5 {metrics['top_5_accuracy']:.4f}" if metrics.get("top_5_accuracy") is not None else ""
            lines.append(
                f"Validation ({metrics['count']} clips): accuracy {metrics['accuracy']:.4f}{top}, "
                f"macro-F1 {metrics['macro_f1']:.4f}."
            )
        return lines


APPLICATION = VideoApplication()
