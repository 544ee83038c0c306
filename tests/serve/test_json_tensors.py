"""TF Serving's JSON ⇄ tensor encoding, without a server or TensorFlow."""

import base64
import math

import numpy as np
import pytest

from seqkit.serve.errors import InvalidArgument
from seqkit.serve.json_tensors import (
    InputSpec,
    decode_predict_request,
    encode_predict_response,
    parse_json_body,
    tensor_to_json,
)

SIGNATURES = {
    "serving_default": {"x": InputSpec("float32", (None,))},
    "multi": {"text": InputSpec("string", (None,)), "values": InputSpec("float32", (None, 3))},
    "pixels": {"image": InputSpec("uint8", (None, 2, 2))},
    "scaled": {"x": InputSpec("float32", (None,)), "scale": InputSpec("float32", ())},
    "flags": {"flag": InputSpec("bool", (None,))},
}


def decode(payload):
    return decode_predict_request(payload, SIGNATURES)


def test_row_format_single_input_is_batched_along_axis_0():
    request = decode({"instances": [1, 2.5, 5.0]})
    assert (request.signature_name, request.format, request.rows) == ("serving_default", "row", 3)
    assert request.inputs["x"].dtype == np.float32
    assert request.inputs["x"].tolist() == [1.0, 2.5, 5.0]


def test_row_format_named_inputs_and_b64_strings():
    request = decode(
        {
            "signature_name": "multi",
            "instances": [
                {"text": "héllo", "values": [1, 2, 3]},
                {"text": {"b64": base64.b64encode(b"\xff\x00").decode()}, "values": [4, 5, 6]},
            ],
        }
    )
    assert request.inputs["text"].tolist() == ["héllo".encode(), b"\xff\x00"]
    assert request.inputs["values"].shape == (2, 3)
    assert request.rows == 2


def test_columnar_format_plain_value_object_and_scalar_input():
    assert decode({"inputs": [1.0, 2.0]}).inputs["x"].tolist() == [1.0, 2.0]
    request = decode({"signature_name": "scaled", "inputs": {"x": [1, 2], "scale": 0.5}})
    assert request.format == "columnar"
    assert request.inputs["scale"].shape == ()
    assert request.rows is None  # a scalar input: the request cannot join a batch


def test_uint8_images_and_range_check():
    request = decode({"signature_name": "pixels", "instances": [[[0, 255], [1, 2]]]})
    assert request.inputs["image"].dtype == np.uint8
    with pytest.raises(InvalidArgument, match="out of range for DT_UINT8"):
        decode({"signature_name": "pixels", "instances": [[[0, 256], [1, 2]]]})


def test_nan_and_infinity_are_accepted_as_tf_serving_does():
    request = decode(parse_json_body(b'{"instances": [NaN, Infinity, -Infinity]}'))
    values = request.inputs["x"].tolist()
    assert math.isnan(values[0]) and values[1:] == [math.inf, -math.inf]


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"instances": ["a"]}, "is not of expected type: DT_FLOAT"),
        ({"instances": [True]}, "is not of expected type: DT_FLOAT"),
        ({"signature_name": "flags", "instances": [1]}, "is not of expected type: DT_BOOL"),
        ({"signature_name": "multi", "instances": [{"text": 3, "values": [1, 2, 3]}]}, "DT_STRING"),
        ({"signature_name": "multi", "instances": [{"text": "a", "values": [1, 2]}]}, "must have shape \\[-1,3\\]"),
        ({"signature_name": "multi", "instances": [{"text": "a", "values": [1, 2, 3], "extra": 1}]}, "unknown input 'extra'"),
        ({"signature_name": "multi", "instances": ["a", "b"]}, "expecting list of objects"),
        ({"signature_name": "multi", "inputs": {"text": ["a"]}}, "Missing named input: values"),
        ({"inputs": {"y": [1.0]}}, "Unknown input 'y'"),
        ({"instances": [[1.0, 2.0], [3.0]]}, "ragged"),
        ({"signature_name": "multi", "instances": [{"text": "a", "values": [1, 2, 3]}, {"text": "b", "values": [1, 2]}]}, "ragged"),
        ({"inputs": [[1.0, 2.0], [3.0]]}, "ragged"),
        ({"instances": []}, "No values in 'instances' array"),
        ({"instances": 1.0}, "to be an list/array"),
        ({"instances": [1.0], "inputs": [1.0]}, "only one of 'inputs' or 'instances'"),
        ({"signature_name": "nope", "instances": [1.0]}, 'Serving signature name: "nope" not found'),
        ({"signature_name": 3, "instances": [1.0]}, "'signature_name' key must be a string"),
        ({"signature_name": "multi", "instances": [{"text": {"b64": "***"}, "values": [1, 2, 3]}]}, "base64"),
        ({"x": [1.0]}, "Missing 'inputs' or 'instances' key"),
    ],
)
def test_bad_requests_are_invalid_arguments(payload, message):
    with pytest.raises(InvalidArgument, match=message):
        decode(payload)


@pytest.mark.parametrize("body", [b"", b"{", b"[1, 2]", b'"text"', b"\xff\xfe", b"[" * 100_000])
def test_malformed_json_is_an_invalid_argument(body):
    with pytest.raises(InvalidArgument, match="JSON"):
        parse_json_body(body)


def test_row_response_single_and_multiple_outputs():
    single = {"y": np.array([3.5, 4.0], np.float32)}
    assert encode_predict_response(single, "row") == {"predictions": [3.5, 4.0]}
    multi = {"b": np.array([[1, 2], [3, 4]], np.int32), "a": np.array([b"x", b"y"], object)}
    assert encode_predict_response(multi, "row") == {"predictions": [{"a": "x", "b": [1, 2]}, {"a": "y", "b": [3, 4]}]}
    assert encode_predict_response(multi, "columnar") == {"outputs": {"a": ["x", "y"], "b": [[1, 2], [3, 4]]}}
    assert encode_predict_response(single, "columnar") == {"outputs": [3.5, 4.0]}


def test_row_response_needs_one_batch_size():
    outputs = {"a": np.zeros(2), "b": np.zeros(3)}
    with pytest.raises(InvalidArgument, match="inconsistent batch size"):
        encode_predict_response(outputs, "row")
    assert encode_predict_response({"n": np.array(5)}, "columnar") == {"outputs": 5}


def test_floats_are_written_as_the_shortest_float32_and_bytes_as_b64():
    assert tensor_to_json(np.array([0.1, 1e-8, np.inf], np.float32)) == [0.1, 1e-08, math.inf]
    assert tensor_to_json(np.array([b"caf\xc3\xa9", b"\xff"], object)) == ["café", {"b64": "/w=="}]
    assert tensor_to_json(np.array([b"ok"], object), name="image_bytes") == [{"b64": "b2s="}]
