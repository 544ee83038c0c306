"""Where the time of an LSTM training step goes on CPU, and what a faster loop would have to beat.

`benchmarks/torch_parity.py` shows Keras's LSTM (the path `RecurrentStack("lstm")` takes on CPU) training
below PyTorch's `nn.LSTM`. This probe times one LSTM layer's forward and backward pass (batch `--batch`,
`--steps` time steps, 64 input features, 128 units, loss `sum(outputs ** 2)`, gradients of the three weights)
in one process, rounds interleaved, and prints tokens/s and the ratio to Keras for:

- `keras`: `keras.layers.LSTM` (TensorFlow's `while_loop` and its automatic gradient);
- `custom gradient`: the same equations as a hand-written loop with `tf.custom_gradient`: the forward
  loop keeps the gate activations, the backward loop computes only `dz<t>` and `dz<t> Uᵀ` per step, and the
  recurrent-weight gradient is one `(units, T·B) x (T·B, 4·units)` matrix product after the loop;
- `custom gradient, XLA pointwise`: the same, with the element-wise part of each step compiled by XLA
  (one fused kernel per step instead of ~20 small ops);
- `BlockLSTMV2`: TensorFlow's fused LSTM op (`tf.raw_ops.BlockLSTMV2`, Eigen kernels, its own gradient);
- `matmul floor`: a loop that does only the recurrent matrix products of a training step (`h U` forward,
  `dz Uᵀ` backward, and the weight gradient as one product after the loop) with a tanh to keep the chain
  serial: no implementation in TensorFlow's executor can be faster than this;
- with PyTorch installed (`pip install torch==2.13.0`): `torch` (`nn.LSTM`, oneDNN enabled, the default) and
  `torch, no oneDNN` (`torch.backends.mkldnn.flags(enabled=False)`), same shapes and loss.

The custom-gradient loop's outputs and gradients are checked against Keras's (max abs difference printed).

Usage:
    python benchmarks/lstm_loop_probe.py                 # batch 64, 100 steps
    python benchmarks/lstm_loop_probe.py --batch 16
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

FEATURES, UNITS = 64, 128


def custom_gradient_lstm(pointwise_forward, pointwise_backward):
    """An LSTM loop over time-major projected inputs `zx (T, B, 4n)` with a hand-written gradient."""
    import tensorflow as tf

    @tf.custom_gradient
    def run(zx, h0, c0, kernel):
        units = kernel.shape[0]
        steps = tf.shape(zx)[0]

        def forward(t, h, c, hs, cs, gates):
            h, c, g = pointwise_forward(zx[t] + tf.matmul(h, kernel), c)
            return t + 1, h, c, hs.write(t, h), cs.write(t, c), gates.write(t, g)

        arrays = [tf.TensorArray(zx.dtype, size=steps) for _ in range(3)]
        _, h_last, c_last, hs, cs, gates = tf.while_loop(
            lambda t, *_: t < steps, forward, (0, h0, c0, *arrays), parallel_iterations=32
        )
        hs, cs, gates = hs.stack(), cs.stack(), gates.stack()

        def gradient(d_hs, d_h_last, d_c_last):
            c_prev = tf.concat([c0[None], cs[:-1]], 0)
            kernel_t = tf.transpose(kernel)

            def backward(t, dh, dc, dzs):
                dz, dc = pointwise_backward(dh + d_hs[t], dc, gates[t], cs[t], c_prev[t])
                return t - 1, tf.matmul(dz, kernel_t), dc, dzs.write(t, dz)

            _, dh0, dc0, dzs = tf.while_loop(
                lambda t, *_: t >= 0,
                backward,
                (steps - 1, d_h_last, d_c_last, tf.TensorArray(zx.dtype, size=steps)),
                parallel_iterations=32,
            )
            dzs = dzs.stack()
            h_prev = tf.concat([h0[None], hs[:-1]], 0)
            d_kernel = tf.matmul(
                tf.reshape(h_prev, [-1, units]), tf.reshape(dzs, [-1, 4 * units]), transpose_a=True
            )
            return dzs, dh0, dc0, d_kernel

        return (hs, h_last, c_last), gradient

    return run


def pointwise_functions(jit_compile):
    import tensorflow as tf

    @tf.function(jit_compile=jit_compile)
    def forward(z, c):
        i, f, g, o = tf.split(z, 4, axis=-1)
        i, f, g, o = tf.sigmoid(i), tf.sigmoid(f), tf.tanh(g), tf.sigmoid(o)
        c = i * g + f * c
        return o * tf.tanh(c), c, tf.concat([i, f, g, o], -1)

    @tf.function(jit_compile=jit_compile)
    def backward(dh, dc, gates, c, c_prev):
        i, f, g, o = tf.split(gates, 4, axis=-1)
        tanh_c = tf.tanh(c)
        dc = dc + dh * o * (1 - tanh_c * tanh_c)
        dz = tf.concat(
            [dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g * g), dh * tanh_c * o * (1 - o)], -1
        )
        return dz, dc * f

    return forward, backward


def tensorflow_steps(batch, steps):
    """`{name: callable returning gradients}` and a check of the custom-gradient loop against Keras."""
    import keras
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(batch, steps, FEATURES)).astype("float32"))
    layer = keras.layers.LSTM(UNITS, return_sequences=True)
    layer(x[:1])
    kernel, recurrent_kernel, bias = layer.weights

    def custom_outputs(run, x):
        zx = tf.transpose(tf.matmul(x, kernel) + bias, [1, 0, 2])
        zeros = tf.zeros((tf.shape(x)[0], UNITS))
        hs, _, _ = run(zx, zeros, zeros, recurrent_kernel.value)
        return tf.transpose(hs, [1, 0, 2])

    plain = custom_gradient_lstm(*pointwise_functions(jit_compile=False))
    fused = custom_gradient_lstm(*pointwise_functions(jit_compile=True))
    weights = [kernel, recurrent_kernel, bias]

    def train_step(outputs_of):
        @tf.function
        def step():
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(outputs_of(x) ** 2)
            return tape.gradient(loss, weights)

        return step

    block_w = tf.Variable(rng.normal(size=(FEATURES + UNITS, 4 * UNITS)).astype("float32") * 0.05)
    block_b = tf.Variable(np.zeros(4 * UNITS, "float32"))

    def block_outputs(x):
        zeros = tf.zeros((batch, UNITS))
        peephole = tf.zeros((UNITS,))
        outputs = tf.raw_ops.BlockLSTMV2(
            seq_len_max=tf.constant(steps, tf.int64), x=tf.transpose(x, [1, 0, 2]), cs_prev=zeros, h_prev=zeros,
            w=block_w, wci=peephole, wcf=peephole, wco=peephole, b=block_b, cell_clip=0.0, use_peephole=False,
        )
        return outputs[-1]

    @tf.function
    def block_step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(block_outputs(x) ** 2)
        return tape.gradient(loss, [block_w, block_b])

    matrix = tf.Variable(rng.normal(size=(UNITS, 4 * UNITS)).astype("float32") * 0.05)
    h0 = tf.constant(rng.normal(size=(batch, UNITS)).astype("float32"))

    @tf.function
    def matmul_floor():
        def forward(t, h, hs):
            return t + 1, tf.tanh(tf.matmul(h, matrix)[:, :UNITS]), hs.write(t, h)

        _, _, hs = tf.while_loop(lambda t, *_: t < steps, forward, (0, h0, tf.TensorArray(tf.float32, steps)))
        matrix_t = tf.transpose(matrix)

        def backward(t, dz, dzs):
            return t + 1, tf.tanh(tf.tile(tf.matmul(dz, matrix_t), [1, 4])), dzs.write(t, dz)

        dz0 = tf.zeros((batch, 4 * UNITS))
        _, _, dzs = tf.while_loop(lambda t, *_: t < steps, backward, (0, dz0, tf.TensorArray(tf.float32, steps)))
        return tf.matmul(tf.reshape(hs.stack(), [-1, UNITS]), tf.reshape(dzs.stack(), [-1, 4 * UNITS]),
                         transpose_a=True)

    with tf.GradientTape(persistent=True) as tape:
        keras_loss = tf.reduce_sum(tf.sin(layer(x)))
        custom_loss = tf.reduce_sum(tf.sin(custom_outputs(plain, x)))
    check = {
        "outputs": float(tf.reduce_max(tf.abs(layer(x) - custom_outputs(plain, x)))),
        "gradients (relative)": max(
            float(tf.reduce_max(tf.abs(a - b)) / tf.reduce_max(tf.abs(a)))
            for a, b in zip(tape.gradient(keras_loss, weights), tape.gradient(custom_loss, weights))
        ),
    }
    runs = {
        "keras": train_step(layer),
        "custom gradient": train_step(lambda x: custom_outputs(plain, x)),
        "custom gradient, XLA pointwise": train_step(lambda x: custom_outputs(fused, x)),
        "BlockLSTMV2": block_step,
        "matmul floor": matmul_floor,
    }
    return {name: (lambda f=f: [g.numpy() for g in f()]) for name, f in runs.items()}, check


def torch_steps(batch, steps):
    try:
        import torch
    except ImportError:
        return {}
    import tensorflow as tf

    torch.set_num_threads(max(1, tf.config.threading.get_intra_op_parallelism_threads() or os.cpu_count()))
    torch.manual_seed(0)
    layer = torch.nn.LSTM(FEATURES, UNITS, batch_first=True)
    x = torch.randn(batch, steps, FEATURES)

    def step(onednn):
        def run():
            with torch.backends.mkldnn.flags(enabled=onednn):
                layer.zero_grad(set_to_none=True)
                outputs, _ = layer(x)
                (outputs ** 2).sum().backward()
                return layer.weight_hh_l0.grad.sum().item()

        return run

    return {"torch": step(True), "torch, no oneDNN": step(False)}


def rate(run, tokens, rounds_seconds=1.0):
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < rounds_seconds:
        run()
        calls += 1
    return tokens * calls / (time.perf_counter() - start)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    runs, check = tensorflow_steps(args.batch, args.steps)
    runs.update(torch_steps(args.batch, args.steps))
    if "torch" not in runs:
        print("(PyTorch is not installed: `pip install torch==2.13.0` to time nn.LSTM as well)")
    print(f"custom-gradient loop vs Keras: max |outputs diff| {check['outputs']:.1e}, "
          f"max relative gradient diff {check['gradients (relative)']:.1e}")
    for run in runs.values():
        run()  # trace and warm up
    tokens = args.batch * args.steps
    best = {name: 0.0 for name in runs}
    for _ in range(args.rounds):
        for name, run in runs.items():
            best[name] = max(best[name], rate(run, tokens))
    print(f"\nLSTM layer forward + backward, batch {args.batch}, T {args.steps}, {FEATURES} -> {UNITS} "
          f"(best of {args.rounds} interleaved rounds of 1 s)")
    print(f"{'implementation':<34} {'tokens/s':>10} {'vs keras':>9}")
    for name, value in best.items():
        print(f"{name:<34} {value:>10.0f} {value / best['keras']:>8.2f}x")


if __name__ == "__main__":
    main()
