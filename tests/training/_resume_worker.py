"""Trains a tiny seeded model through `seqkit.training.fit`; run as a subprocess that may kill itself.

Usage: python _resume_worker.py RUN_DIR [--resume] [--kill-at epoch:E | step:S] [--checkpoint-every N]

`--kill-at epoch:E` sends SIGKILL to the process once epoch E (1-based) has ended, after the trainer's
own callbacks; `step:S` once the S-th batch of the run has ended. The model has dropout (a Keras
`SeedGenerator`), the data is reshuffled every epoch, the optimizer is Adam with a moving average of
the weights and early stopping watches the validation loss, so everything that decides the rest of a
run must be restored for a resumed run to equal an uninterrupted one. A run that ends writes its final
weights to RUN_DIR/final_weights.npz.
"""

import argparse
import os
import signal
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

EPOCHS = 4
BATCHES_PER_EPOCH = 6


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--kill-at", default=None)
    parser.add_argument("--checkpoint-every", type=int, default=None)
    args = parser.parse_args(argv)

    import keras
    import numpy as np
    import tensorflow as tf

    from seqkit.training import TrainingConfig, fit

    class KillAt(keras.callbacks.Callback):
        def __init__(self, where):
            super().__init__()
            self.kind, number = where.split(":")
            self.number = int(number)
            self.steps = 0

        def on_train_batch_end(self, batch, logs=None):
            self.steps += 1
            if self.kind == "step" and self.steps == self.number:
                os.kill(os.getpid(), signal.SIGKILL)

        def on_epoch_end(self, epoch, logs=None):
            if self.kind == "epoch" and epoch + 1 == self.number:
                os.kill(os.getpid(), signal.SIGKILL)

    def build_model():
        inputs = keras.Input((5, 3))
        hidden = keras.layers.GRU(8, dropout=0.25)(inputs)
        hidden = keras.layers.Dropout(0.3)(hidden)
        return keras.Model(inputs, keras.layers.Dense(1)(hidden))

    rng = np.random.default_rng(0)
    x = rng.normal(size=(8 * BATCHES_PER_EPOCH, 5, 3)).astype("float32")
    y = np.tanh(x.sum(axis=(1, 2)))[:, None].astype("float32")
    x_valid = rng.normal(size=(16, 5, 3)).astype("float32")
    y_valid = np.tanh(x_valid.sum(axis=(1, 2)))[:, None].astype("float32")
    seed = 7
    # As the applications' pipelines do: a seeded shuffle, drawn anew every epoch.
    tf.random.set_seed(seed)
    train_ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    train_ds = train_ds.batch(8).prefetch(2)
    valid_ds = tf.data.Dataset.from_tensor_slices((x_valid, y_valid)).batch(8)

    settings = {
        "epochs": EPOCHS,
        "learning_rate": 0.01,
        "seed": seed,
        "verbose": 0,
        "resume": args.resume,
        "weight_averaging": 0.9,
        "early_stopping_patience": 3,
    }
    if args.checkpoint_every is not None:
        settings["checkpoint_every"] = args.checkpoint_every
    callbacks = [KillAt(args.kill_at)] if args.kill_at else []
    model, _ = fit(build_model, train_ds, valid_ds, args.run_dir, TrainingConfig(**settings), "mse", callbacks=callbacks)
    np.savez(os.path.join(args.run_dir, "final_weights.npz"), *model.get_weights())


if __name__ == "__main__":
    main(sys.argv[1:])
