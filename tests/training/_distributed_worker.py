"""Trains a tiny model under a distribution strategy; run as a subprocess.

Usage: python _distributed_worker.py {mirrored|multiworker} RUN_DIR

Prints one JSON line: the number of replicas and the history per epoch. For
`mirrored` it first splits the CPU into two logical devices, which must
happen before TensorFlow initialises; for `multiworker` the cluster comes
from TF_CONFIG and the strategy is made before any other TensorFlow work.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main(mode, run_dir):
    import tensorflow as tf

    if mode == "mirrored":
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from seqkit.training import TrainingConfig, fit, get_strategy

    strategy = get_strategy(mode)

    import keras
    import numpy as np

    def build_model():
        inputs = keras.Input((4,))
        return keras.Model(inputs, keras.layers.Dense(1)(inputs))

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5], [1.5]], dtype="float32")
    train_ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    config = TrainingConfig(epochs=3, learning_rate=0.1, seed=0, verbose=0, strategy=mode)
    _, history = fit(build_model, train_ds, train_ds, run_dir, config, loss="mse")
    result = {"replicas": strategy.num_replicas_in_sync, **history}
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
