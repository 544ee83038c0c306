"""Serving module for video classifiers: a batch of `uint8` frame tensors in, activity probabilities out (per clip,
or per sampled frame)."""


def uniform_frame_indices(lengths, num_frames):
    """`(batch, num_frames)` indices spreading `num_frames` uniformly over each clip's `lengths` frames (the
    centre of each of `num_frames` equal parts, as `seqkit.data.video.frames` samples files), and the new
    lengths `min(lengths, num_frames)`. A clip with fewer frames keeps all of them, in order."""
    import tensorflow as tf

    lengths = tf.cast(lengths, tf.int32)
    count = tf.minimum(lengths, num_frames)
    steps = tf.cast(tf.range(num_frames), tf.float32)[None, :]
    total = tf.cast(lengths, tf.float32)[:, None]
    spread = tf.cast(tf.floor((steps + 0.5) * total / float(num_frames)), tf.int32)
    keep_all = tf.broadcast_to(tf.range(num_frames)[None, :], tf.shape(spread))
    indices = tf.where((lengths > num_frames)[:, None], spread, keep_all)
    indices = tf.minimum(indices, tf.maximum(lengths - 1, 0)[:, None])
    return indices, count


def centre_square(frames, frame_size, crop="center"):
    """`(N, H, W, 3)` frames → `(N, frame_size, frame_size, 3)` float32 in 0..255: a centred square crop of the
    shorter side (`crop="center"`), or the whole frame (`"resize"`), resized bilinearly."""
    import tensorflow as tf

    if crop == "center":
        height, width = tf.shape(frames)[1], tf.shape(frames)[2]
        side = tf.minimum(height, width)
        top, left = (height - side) // 2, (width - side) // 2
        frames = frames[:, top : top + side, left : left + side, :]
    resized = tf.image.resize(tf.cast(frames, tf.float32), [frame_size, frame_size], method="bilinear")
    return tf.clip_by_value(tf.round(resized), 0.0, 255.0)


def build_video_serving_module(model, classes, *, num_frames, frame_size, crop="center", feature_model=None,
                               per_frame=False):
    """A `tf.Module` whose `serve` function classifies a batch of clips given as decoded frames.

    The graph does what `seqkit video predict` does to a file once its frames are decoded: `num_frames` frames
    spread uniformly over each clip's `lengths` frames, a centred square crop, a resize to `frame_size` and,
    with a frozen backbone (`feature_model`), its per-frame features. Frames beyond a clip's length are padding
    and never read.

    Args:
        model: a trained `video_classifier` (inputs `frames` or `features`, and `lengths`).
        classes: the activity names, in id order.
        num_frames: frames the model was trained on per clip.
        frame_size: the side of its square frames.
        crop: `"center"` or `"resize"`.
        feature_model: the frozen backbone `(N, S, S, 3) → (N, D)`, or None.
        per_frame: whether `model` labels every frame (`video_classifier(per_frame=True)`).

    Returns:
        A `tf.Module` with a `serve` `tf.function` taking `frames` (`(batch, time, height, width, 3)` uint8, RGB,
        any size) and `lengths` (`(batch,)` int32, real frames per clip) and returning `label` (`(batch,)`
        strings), `class_id` (`(batch,)` int32) and `probabilities` (`(batch, classes)`).

        With `per_frame`, the outputs are per sampled frame: `label` (`(batch, num_frames)` strings, `""` past
        a clip's sampled frames), `class_id` (`(batch, num_frames)`, -1 there), `probabilities`
        (`(batch, num_frames, classes)`, 0 there), `frame_index` (`(batch, num_frames)`: which input frame
        each one is, -1 there) and `lengths` (`(batch,)`: the sampled frames of each clip).
    """
    import tensorflow as tf

    class VideoServing(tf.Module):
        def __init__(self):
            super().__init__(name="video_serving")
            self.model = model
            self.feature_model = feature_model
            self.class_names = tf.constant(list(classes))

        @tf.function(
            input_signature=[
                tf.TensorSpec([None, None, None, None, 3], tf.uint8, name="frames"),
                tf.TensorSpec([None], tf.int32, name="lengths"),
            ]
        )
        def serve(self, frames, lengths):
            lengths = tf.clip_by_value(lengths, 1, tf.shape(frames)[1])
            indices, count = uniform_frame_indices(lengths, num_frames)
            picked = tf.gather(frames, indices, batch_dims=1)  # (batch, num_frames, H, W, 3)
            shape = tf.shape(picked)
            flat = tf.reshape(picked, tf.concat([[-1], shape[2:]], axis=0))
            squares = centre_square(flat, frame_size, crop)
            valid = tf.reshape(tf.sequence_mask(count, num_frames), [-1])
            squares = tf.where(valid[:, None, None, None], squares, 0.0)
            if self.feature_model is None:
                inputs = {"frames": tf.cast(tf.reshape(squares, [shape[0], num_frames, frame_size, frame_size, 3]),
                                            tf.uint8)}
            else:
                features = self.feature_model(tf.cast(squares, tf.uint8), training=False)
                features = tf.where(valid[:, None], features, 0.0)
                inputs = {"features": tf.reshape(features, [shape[0], num_frames, -1])}
            logits = self.model({**inputs, "lengths": count}, training=False)
            probabilities = tf.nn.softmax(logits, axis=-1)
            class_id = tf.argmax(probabilities, axis=-1, output_type=tf.int32)
            if not per_frame:
                return {"label": tf.gather(self.class_names, class_id), "class_id": class_id,
                        "probabilities": probabilities}
            sampled = tf.sequence_mask(count, num_frames)  # (batch, num_frames)
            return {
                "label": tf.where(sampled, tf.gather(self.class_names, class_id), ""),
                "class_id": tf.where(sampled, class_id, -1),
                "probabilities": tf.where(sampled[:, :, None], probabilities, 0.0),
                "frame_index": tf.where(sampled, indices, -1),
                "lengths": count,
            }

    return VideoServing()
