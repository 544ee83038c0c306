"""Frozen ImageNet backbones (Keras Applications) that turn frames into feature vectors.

Computing the features of every frame once with a frozen backbone, caching them on disk and training
`video_classifier(..., feature_dim=D)` on them is much faster than training a CNN on the frames.
"""

import os

import keras

from seqkit.tasks import _checks

# name -> (keras.applications constructor name, how its inputs are preprocessed)
_BACKBONES = {
    "mobilenet_v3_small": ("MobileNetV3Small", "inside"),
    "mobilenet_v3_large": ("MobileNetV3Large", "inside"),
    "efficientnet_b0": ("EfficientNetB0", "inside"),
    "resnet50": ("ResNet50", "caffe"),
}
BACKBONE_NAMES = tuple(_BACKBONES)
# ResNet50's `preprocess_input` ("caffe"): RGB -> BGR, then minus the ImageNet mean pixel (BGR order).
_CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)


def frame_backbone(name, *, frame_size=112, weights="imagenet"):
    """Builds a frozen Keras Applications model that maps frames to features.

    The model takes RGB frames `(N, height, width, 3)`, uint8 or float with
    values in `[0, 255]`, of any size; resizes them to `frame_size` (bilinear,
    `FramePreprocessing`); applies the backbone's own preprocessing
    (MobileNetV3 and EfficientNet have it inside, ResNet50's `preprocess_input`
    is added); and returns the global average of the last feature map,
    float32 `(N, D)`. Every layer is frozen (`trainable=False`) and batch
    normalisation runs in inference mode.

    Backbones (`name`): `"mobilenet_v3_small"` (D = 576), `"mobilenet_v3_large"`
    (960), `"efficientnet_b0"` (1280), `"resnet50"` (2048).

    Args:
        name: str. Backbone name.
        frame_size: int. Frame height and width the backbone sees, at least 32.
        weights: `"imagenet"` (downloaded by Keras on first use), `None`
            (random weights) or the path of a weights file (`.h5` or
            `.weights.h5`) of the backbone without its top
            (`include_top=False`).

    Returns:
        `(model, feature_dim)`: a Functional `keras.Model` with input
        `"frames"` and its feature size D.

    Example:

    >>> import numpy as np
    >>> model, dim = frame_backbone("mobilenet_v3_small", frame_size=32, weights=None)
    >>> dim, model.trainable
    (576, False)
    >>> model(np.zeros((2, 40, 48, 3), "uint8")).shape
    TensorShape([2, 576])
    """
    from seqkit.layers import FramePreprocessing

    _checks.choice("name", name, BACKBONE_NAMES)
    _checks.positive_int("frame_size", frame_size)
    if frame_size < 32:
        raise ValueError(f"`frame_size` must be at least 32. Received: frame_size={frame_size}")
    if weights not in ("imagenet", None):
        if not isinstance(weights, (str, os.PathLike)):
            raise ValueError(
                f"`weights` must be 'imagenet', None or the path of a weights file. Received: weights={weights!r}"
            )
        weights = os.fspath(weights)
        if not weights.endswith(".h5"):
            raise ValueError(
                f"`weights` must be 'imagenet', None or a `.h5` / `.weights.h5` file. Received: weights={weights!r}"
            )
        if not os.path.isfile(weights):
            raise ValueError(f"`weights` file does not exist. Received: weights={weights!r}")

    constructor_name, preprocessing = _BACKBONES[name]
    kwargs = {"include_preprocessing": True} if name.startswith("mobilenet_v3") else {}
    constructor = getattr(keras.applications, constructor_name)
    try:
        backbone = constructor(
            include_top=False, pooling="avg", input_shape=(frame_size, frame_size, 3), weights=weights, **kwargs
        )
    except (ValueError, OSError) as error:
        if weights in ("imagenet", None):
            raise
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise ValueError(
            f"`weights` must be a weights file of keras.applications.{constructor_name}(include_top=False). "
            f"Received: weights={weights!r}, which does not load ({reason})"
        ) from None
    backbone.trainable = False

    # === Inputs ===
    frames = keras.Input(shape=(None, None, 3), dtype="float32", name="frames")

    # === Layers ===
    resize = FramePreprocessing(frame_size=frame_size, scale="none", name="resize")
    caffe_mean = None
    if preprocessing == "caffe":
        caffe_mean = keras.layers.Normalization(mean=_CAFFE_MEAN_BGR, variance=(1.0, 1.0, 1.0), name="caffe_mean")

    # === Functional Model ===
    # FramePreprocessing works on clips: the frames are one clip of N frames.
    x = resize(keras.ops.expand_dims(frames, 0))[0]
    if caffe_mean is not None:
        x = caffe_mean(keras.ops.flip(x, axis=-1))  # RGB -> BGR, then minus the mean pixel
    features = backbone(x, training=False)
    model = keras.Model(inputs=frames, outputs=features, name=f"{name}_backbone")
    model.trainable = False
    return model, model.output_shape[-1]
