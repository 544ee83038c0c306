"""TF Serving's JSON encoding of tensors: predict requests to NumPy arrays, model outputs back to JSON.

This follows TensorFlow Serving's REST API (`tensorflow_serving/g3doc/api_rest.md`):

- a request has either `"instances"` (row format: one item per example, all inputs sharing the 0-th
  dimension; an object per item when the signature has several inputs) or `"inputs"` (columnar format: the
  tensor itself, or an object of input name to tensor), and optionally `"signature_name"`;
- strings are JSON strings, or `{"b64": "<base64>"}` for bytes; numbers are JSON numbers (`NaN`,
  `Infinity` and `-Infinity` accepted); booleans are `true`/`false`;
- a row-format request is answered `{"predictions": [...]}` (a list of values when the signature has one
  output, a list of objects otherwise), a columnar one `{"outputs": ...}` (the tensor, or an object of output
  name to tensor); string outputs whose name ends in `_bytes` (and, here, any string that is not valid UTF-8)
  are written `{"b64": ...}`; floats are written with the fewest digits that read back as the same float32.

Nothing here imports TensorFlow: specs are `TensorSpec`-like tuples of a dtype name and a shape.

Example:

>>> specs = {"serving_default": {"x": InputSpec("float32", (None,))}}
>>> request = decode_predict_request({"instances": [1.0, 2, 5.5]}, specs)
>>> request.format, request.rows, request.inputs["x"].tolist()
('row', 3, [1.0, 2.0, 5.5])
>>> import numpy as np
>>> encode_predict_response({"y": np.array([3.5, 4.0, 5.75], np.float32)}, "row")
{'predictions': [3.5, 4.0, 5.75]}
"""

import base64
import binascii
import collections
import json

import numpy as np

from seqkit.serve.errors import InvalidArgument, ServingError

DEFAULT_SIGNATURE = "serving_default"

InputSpec = collections.namedtuple("InputSpec", ["dtype", "shape"])
InputSpec.__doc__ = """One input of a signature: a dtype name (`"float32"`, `"string"`, ...) and a shape (`None` for
any size), as in `tf.TensorSpec`."""

PredictRequest = collections.namedtuple("PredictRequest", ["signature_name", "inputs", "format", "rows"])
PredictRequest.__doc__ = """A decoded predict request: the signature, `{name: np.ndarray}` inputs (strings as
object arrays of `bytes`), `"row"` or `"columnar"`, and the common size of the 0-th dimension of every input
(`None` when an input is a scalar or the inputs disagree, so the request cannot join a batch)."""

# TensorFlow's names of the dtypes, for messages in TF Serving's words.
TF_DTYPE_NAMES = {
    "bool": "DT_BOOL",
    "string": "DT_STRING",
    "float16": "DT_HALF",
    "bfloat16": "DT_BFLOAT16",
    "float32": "DT_FLOAT",
    "float64": "DT_DOUBLE",
    "int8": "DT_INT8",
    "int16": "DT_INT16",
    "int32": "DT_INT32",
    "int64": "DT_INT64",
    "uint8": "DT_UINT8",
    "uint16": "DT_UINT16",
    "uint32": "DT_UINT32",
    "uint64": "DT_UINT64",
}
_INTEGER_DTYPES = {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}
_FLOAT_DTYPES = {"float16", "float32", "float64"}
_BYTES_SUFFIX = "_bytes"


def parse_json_body(body):
    """Parse a request body into a JSON object; malformed JSON is an `InvalidArgument` (400).

    Example:

    >>> parse_json_body(b'{"instances": [NaN]}')["instances"][0] != 0
    True
    >>> parse_json_body(b'{"instances": [1,')  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    seqkit.serve.errors.InvalidArgument: JSON Parse error: Expecting value at offset: 15
    """
    if not body:
        raise InvalidArgument("JSON Parse error: The document is empty")
    try:
        text = body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else body
        payload = json.loads(text)
    except UnicodeDecodeError as error:
        raise InvalidArgument(f"JSON Parse error: Invalid encoding in string (not UTF-8) at offset: {error.start}")
    except json.JSONDecodeError as error:
        raise InvalidArgument(f"JSON Parse error: {error.msg} at offset: {error.pos}") from None
    except RecursionError:
        raise InvalidArgument("JSON Parse error: the document is nested too deeply") from None
    if not isinstance(payload, dict):
        raise InvalidArgument(f"JSON Value: {_short(payload)} Is not object")
    return payload


def decode_predict_request(payload, signatures, default_signature=DEFAULT_SIGNATURE):
    """Decode a parsed predict request against the signatures of a model.

    Args:
        payload: the request body as parsed JSON (a dict).
        signatures: `{signature_name: {input_name: InputSpec}}` of the model version.
        default_signature: the signature used when the request names none.

    Returns:
        A `PredictRequest`.

    Raises:
        InvalidArgument: an unknown signature, a missing or extra input, a value of the wrong type, a ragged
            list, a shape that the signature does not accept.
    """
    name = payload.get("signature_name", default_signature)
    if not isinstance(name, str):
        raise InvalidArgument(
            f"JSON Value: {_short(payload)} not formatted correctly. 'signature_name' key must be a string value."
        )
    name = name or default_signature
    if name not in signatures:
        raise InvalidArgument(f'Serving signature name: "{name}" not found in signature def')
    specs = signatures[name]
    if not specs:
        raise InvalidArgument(f"Failed to get input map for signature: {name}")
    has_instances, has_inputs = "instances" in payload, "inputs" in payload
    if has_instances and has_inputs:
        raise InvalidArgument("Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist")
    if has_instances:
        inputs, fmt = _decode_instances(payload["instances"], specs), "row"
    elif has_inputs:
        inputs, fmt = _decode_inputs(payload["inputs"], specs), "columnar"
    else:
        raise InvalidArgument("Missing 'inputs' or 'instances' key")
    for input_name, array in inputs.items():
        _check_shape(input_name, array, specs[input_name])
    return PredictRequest(name, inputs, fmt, _common_rows(inputs))


def encode_predict_response(outputs, fmt):
    """TF Serving's JSON answer for `outputs` (`{name: np.ndarray}`) of a `"row"` or `"columnar"` request.

    Example:

    >>> import numpy as np
    >>> out = {"label": np.array([b"pos", b"neg"], object), "score": np.array([0.25, 0.5], np.float32)}
    >>> encode_predict_response(out, "row")
    {'predictions': [{'label': 'pos', 'score': 0.25}, {'label': 'neg', 'score': 0.5}]}
    >>> encode_predict_response(out, "columnar")
    {'outputs': {'label': ['pos', 'neg'], 'score': [0.25, 0.5]}}
    """
    if not outputs:
        raise ServingError("Cannot convert empty tensor map to JSON", status=500)
    names = sorted(outputs)
    if fmt == "columnar":
        if len(names) == 1:
            return {"outputs": tensor_to_json(outputs[names[0]], names[0])}
        return {"outputs": {name: tensor_to_json(outputs[name], name) for name in names}}
    batch_size = None
    for name in names:
        array = np.asarray(outputs[name])
        if array.ndim == 0:
            raise InvalidArgument(f"Tensor name: {name} has no shape information ")
        if batch_size is not None and array.shape[0] != batch_size:
            raise InvalidArgument(
                f"Tensor name: {name} has inconsistent batch size: {array.shape[0]} expecting: {batch_size}"
            )
        batch_size = array.shape[0]
    if len(names) == 1:
        return {"predictions": tensor_to_json(outputs[names[0]], names[0])}
    columns = [tensor_to_json(outputs[name], name) for name in names]
    return {"predictions": [dict(zip(names, row)) for row in zip(*columns)]}


def tensor_to_json(array, name=""):
    """A NumPy array as nested JSON-ready lists, in TF Serving's encoding.

    Example:

    >>> import numpy as np
    >>> tensor_to_json(np.array([[0.1, np.nan]], np.float32))
    [[0.1, nan]]
    >>> tensor_to_json(np.array([b"\\xff", b"ok"], object)), tensor_to_json(np.array([b"ok"], object), "raw_bytes")
    ([{'b64': '/w=='}, 'ok'], [{'b64': 'b2s='}])
    """
    array = np.asarray(array)
    kind = array.dtype.kind
    if kind == "f":
        if array.dtype.itemsize < 8:
            # The shortest decimal that reads back as this float32, not the float64 expansion (0.1, not
            # 0.10000000149011612), as TF Serving writes floats.
            return array.astype(str).astype(np.float64).tolist()
        return array.tolist()
    if kind in "iub":
        return array.tolist()
    if kind == "U":
        return array.tolist()
    if kind in "OS":
        as_bytes = name.endswith(_BYTES_SUFFIX)
        encode = np.frompyfunc(lambda value: _string_to_json(value, as_bytes), 1, 1)
        return encode(array).tolist() if array.ndim else _string_to_json(array.item(), as_bytes)
    raise ServingError(f"Failed to write JSON value for tensor {name!r} of type {array.dtype}", status=500)


def _string_to_json(value, as_bytes):
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not as_bytes:
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return {"b64": base64.b64encode(value).decode("ascii")}


# === Requests ===


def _decode_instances(instances, specs):
    if not isinstance(instances, list):
        raise InvalidArgument("Excepting 'instances' to be an list/array")
    if not instances:
        raise InvalidArgument("No values in 'instances' array")
    names = sorted(specs)
    first_is_object = _is_named_object(instances[0])
    if len(names) > 1 and not first_is_object:
        raise InvalidArgument(
            "instances is a plain list, but expecting list of objects as multiple input tensors required as per "
            "tensorinfo_map"
        )
    if not first_is_object:
        for index, item in enumerate(instances):
            if _is_named_object(item):
                raise InvalidArgument(f"Expecting value/list but got object at item {index} of input list")
        return {names[0]: _stack_rows(instances, names[0], specs[names[0]])}
    columns = {name: [] for name in names}
    for index, item in enumerate(instances):
        if not _is_named_object(item):
            raise InvalidArgument(f"Expecting object but got list at item {index} of input list")
        if set(item) != set(names):
            unknown = sorted(set(item) - set(names))
            problem = f"unknown input {unknown[0]!r}; " if unknown else ""
            raise InvalidArgument(
                f"Failed to process element: {index} of 'instances' list. JSON object: {_short(item)} keys must be "
                f"equal to: {','.join(names)} ({problem}inputs of the signature: {', '.join(names)})"
            )
        for name in names:
            columns[name].append(item[name])
    return {name: _stack_rows(columns[name], name, specs[name]) for name in names}


def _decode_inputs(value, specs):
    names = sorted(specs)
    if not _is_named_object(value):
        if len(names) > 1:
            raise InvalidArgument(
                "inputs is a plain value/list, but expecting an object as multiple input tensors required as per "
                "tensorinfo_map"
            )
        return {names[0]: _to_array(value, specs[names[0]], names[0])}
    unknown = sorted(set(value) - set(names))
    if unknown:
        raise InvalidArgument(
            f"Unknown input {unknown[0]!r} in 'inputs' object; the signature's inputs are: {', '.join(names)}"
        )
    for name in names:
        if name not in value:
            raise InvalidArgument(f"Missing named input: {name} in 'inputs' object.")
    return {name: _to_array(value[name], specs[name], name) for name in names}


def _stack_rows(rows, name, spec):
    """The items of a row-format request for one input, stacked along a new 0-th dimension."""
    shapes = [_dense_shape(row) for row in rows]
    for index, shape in enumerate(shapes):
        if shape != shapes[0]:
            raise InvalidArgument(
                f"Failed to process element: {index} key: {name} of 'instances' list. Error: Expecting shape "
                f"{_shape_text(shapes[0])} but got: {_shape_text(shape)} (a ragged batch: every instance needs the "
                "same shape; pad them, or send them in separate requests)"
            )
    try:
        return _to_array(rows, spec, name)
    except InvalidArgument as error:
        raise InvalidArgument(f"Failed to process element of 'instances' list, key: {name}. Error: {error}") from None


def _to_array(value, spec, name):
    dtype = spec.dtype
    if dtype == "string":
        return _string_array(value, name)
    if dtype not in _FLOAT_DTYPES and dtype not in _INTEGER_DTYPES and dtype != "bool":
        raise InvalidArgument(f"Conversion of JSON Value: {_short(value)} to type: {_tf_name(dtype)} is not supported")
    try:
        array = np.asarray(value)
    except (ValueError, TypeError, OverflowError):
        array = None
    if array is None or array.dtype.kind == "O":
        _raise_first_problem(value, dtype, name)
    kind = array.dtype.kind
    if dtype == "bool":
        if kind != "b":
            _raise_first_problem(value, dtype, name)
        return array
    if kind not in "iu" and not (kind == "f" and dtype in _FLOAT_DTYPES):
        _raise_first_problem(value, dtype, name)
    if dtype in _INTEGER_DTYPES and array.size:
        limits = np.iinfo(dtype)
        low, high = array.min(), array.max()
        if low < limits.min or high > limits.max:
            bad = low if low < limits.min else high
            raise InvalidArgument(f"JSON Value: {bad} is out of range for {_tf_name(dtype)} (input {name!r})")
    return array.astype(dtype)


def _string_array(value, name):
    shape = _dense_shape(value)
    flat = []
    _flatten_strings(value, 0, shape, flat, name)
    array = np.empty(len(flat), dtype=object)
    array[:] = flat
    return array.reshape(shape)


def _flatten_strings(value, level, shape, flat, name):
    if isinstance(value, list):
        if level >= len(shape):
            raise InvalidArgument(f"Encountered list at unexpected level: {level} expected < {len(shape)}")
        if len(value) != shape[level]:
            raise _ragged(name, level, len(value), shape[level])
        for item in value:
            _flatten_strings(item, level + 1, shape, flat, name)
        return
    if level != len(shape):
        raise _misplaced(value, level, shape, name)
    if isinstance(value, str):
        flat.append(value.encode("utf-8"))
    elif _is_base64_object(value):
        try:
            flat.append(base64.b64decode(value["b64"], validate=True))
        except (binascii.Error, ValueError):
            raise InvalidArgument(f"Unable to base64 decode the value of input {name!r}: {_short(value)}") from None
    elif isinstance(value, dict):
        raise InvalidArgument(f"JSON Value: {_short(value)} not formatted correctly for base64 data")
    else:
        raise _type_error(value, "string", name)


def _raise_first_problem(value, dtype, name):
    """Walk `value` to raise the precise error for an array NumPy could not build or typed wrongly."""
    shape = _dense_shape(value)

    def walk(item, level):
        if isinstance(item, list):
            if level >= len(shape):
                raise InvalidArgument(f"Encountered list at unexpected level: {level} expected < {len(shape)}")
            if len(item) != shape[level]:
                raise _ragged(name, level, len(item), shape[level])
            for element in item:
                walk(element, level + 1)
            return
        if level != len(shape):
            raise _misplaced(item, level, shape, name)
        if dtype == "bool":
            ok = isinstance(item, bool)
        elif dtype in _INTEGER_DTYPES:
            ok = isinstance(item, int) and not isinstance(item, bool)
        else:
            ok = isinstance(item, (int, float)) and not isinstance(item, bool)
        if not ok:
            raise _type_error(item, dtype, name)
        if dtype in _INTEGER_DTYPES:
            limits = np.iinfo(dtype)
            if not limits.min <= item <= limits.max:
                raise InvalidArgument(f"JSON Value: {item} is out of range for {_tf_name(dtype)} (input {name!r})")

    walk(value, 0)
    raise InvalidArgument(f"JSON Value: {_short(value)} cannot be converted to {_tf_name(dtype)} (input {name!r})")


def _check_shape(name, array, spec):
    expected = tuple(spec.shape) if spec.shape is not None else None
    if expected is None:
        return
    if array.ndim != len(expected) or any(want is not None and want != got for want, got in zip(expected, array.shape)):
        raise InvalidArgument(
            f"Input {name!r} must have shape {_shape_text(expected)} (-1: any size); got {_shape_text(array.shape)}"
        )


def _common_rows(inputs):
    sizes = {array.shape[0] if array.ndim else None for array in inputs.values()}
    if len(sizes) != 1:
        return None
    return sizes.pop()


def _dense_shape(value):
    """The shape of nested lists, following the first element of each level (as TF Serving does)."""
    shape = []
    while isinstance(value, list):
        shape.append(len(value))
        if not value:
            break
        value = value[0]
    return tuple(shape)


def _is_base64_object(value):
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get("b64"), str)


def _is_named_object(value):
    return isinstance(value, dict) and not _is_base64_object(value)


def _ragged(name, level, size, expected):
    return InvalidArgument(
        f"Input {name!r} is ragged: encountered list at unexpected size: {size} at level: {level} expected size: "
        f"{expected} (tensors must be rectangular)"
    )


def _misplaced(value, level, shape, name):
    return InvalidArgument(
        f"JSON Value: {_short(value)} found at incorrect level: {level + 1} in the JSON DOM. Expected at level: "
        f"{len(shape)} (input {name!r} is ragged)"
    )


def _type_error(value, dtype, name):
    return InvalidArgument(
        f"JSON Value: {_short(value)} Type: {_json_type(value)} is not of expected type: {_tf_name(dtype)} "
        f"(input {name!r})"
    )


def _json_type(value):
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, dict):
        return "Object"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, str):
        return "String"
    return "Number"


def _tf_name(dtype):
    return TF_DTYPE_NAMES.get(dtype, dtype)


def _shape_text(shape):
    return "[" + ",".join("-1" if size is None else str(size) for size in shape) + "]"


def _short(value, limit=80):
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."
