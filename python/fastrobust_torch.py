"""FastRobust <-> PyTorch, in one file (numpy and torch only).

A FastRobust model is model.json (the spec, docs/model-files.md) and model.safetensors (the nn.Sequential's
state_dict). This module turns an nn.Sequential into a spec and back, writes and reads both files (safetensors by
hand, so the safetensors package is not needed), and opens FastRobust's Parquet tables as pandas DataFrames.

    import fastrobust_torch as fr
    fr.save(model, "runs/mine", input_shape=(3, 32, 32))    # model.json + model.safetensors
    #   ./run.sh attack --model runs/mine/model.json --weights runs/mine/model.safetensors ...
    model = fr.load("runs/mine")                             # an nn.Sequential in eval mode
    table = fr.read_table("runs/quick/evaluations.parquet")  # a pandas DataFrame (or a report/tables/*.csv export)
"""
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn

__all__ = ["Normalize", "to_spec", "from_spec", "save", "load", "write_safetensors", "read_safetensors", "read_table"]

_DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32"}
_NUMPY = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32}


class Normalize(nn.Module):
    """(x - mean) / std per channel: FastRobust's `normalize` layer (no weights; inputs stay pixels in [0, 1])."""

    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1), persistent=False)

    def forward(self, x):
        return (x - self.mean) / self.std


def _square(value, what, index):
    """An int, or a pair of equal ints (FastRobust's kernels, strides and paddings are square)."""
    if isinstance(value, int):
        return value
    if len(value) == 2 and value[0] == value[1]:
        return int(value[0])
    raise ValueError(f"layer {index}: {what} {tuple(value)} is not square; FastRobust supports square {what}s only")


def to_spec(model, input_shape, classes=None):
    """The FastRobust spec (a dict, as in model.json) of an nn.Sequential taking images of `input_shape` [C, H, W].

    Each module is one layer, so the state_dict's indices are the spec's layer indices. A module FastRobust has no
    layer for, or a setting it does not support, raises ValueError naming the layer."""
    if not isinstance(model, nn.Sequential):
        raise ValueError(f"to_spec needs an nn.Sequential, not {type(model).__name__}")
    layers = []
    for i, m in enumerate(model):
        if isinstance(m, Normalize):
            layers.append({"type": "normalize", "mean": m.mean.flatten().tolist(), "std": m.std.flatten().tolist()})
        elif isinstance(m, nn.Conv2d):
            if m.groups != 1 or _square(m.dilation, "dilation", i) != 1 or m.padding_mode != "zeros":
                raise ValueError(f"layer {i}: Conv2d with groups, dilation or non-zero padding is not supported")
            if isinstance(m.padding, str):
                raise ValueError(f"layer {i}: Conv2d padding '{m.padding}' must be given as a number")
            layers.append({"type": "conv2d", "out": m.out_channels, "kernel": _square(m.kernel_size, "kernel", i),
                           "stride": _square(m.stride, "stride", i), "padding": _square(m.padding, "padding", i),
                           "bias": m.bias is not None})
        elif isinstance(m, nn.BatchNorm2d):
            if not (m.affine and m.track_running_stats) or m.eps != 1e-5 or m.momentum != 0.1:
                raise ValueError(f"layer {i}: BatchNorm2d must be affine with running statistics, eps 1e-5, momentum 0.1")
            layers.append({"type": "batchnorm2d"})
        elif isinstance(m, nn.ReLU):
            layers.append({"type": "relu"})
        elif isinstance(m, nn.GELU):
            if m.approximate != "none":
                raise ValueError(f"layer {i}: GELU(approximate='{m.approximate}'): only the exact erf form is supported")
            layers.append({"type": "gelu"})
        elif isinstance(m, nn.MaxPool2d):
            if _square(m.dilation, "dilation", i) != 1 or m.ceil_mode:
                raise ValueError(f"layer {i}: MaxPool2d with dilation or ceil_mode is not supported")
            layers.append({"type": "maxpool2d", "kernel": _square(m.kernel_size, "kernel", i),
                           "stride": _square(m.stride, "stride", i), "padding": _square(m.padding, "padding", i)})
        elif isinstance(m, nn.AvgPool2d):
            k = _square(m.kernel_size, "kernel", i)
            if _square(m.stride, "stride", i) != k or _square(m.padding, "padding", i) != 0 or m.ceil_mode:
                raise ValueError(f"layer {i}: AvgPool2d must have stride = kernel and no padding")
            layers.append({"type": "avgpool2d", "kernel": k})
        elif isinstance(m, nn.AdaptiveAvgPool2d):
            if _square(m.output_size, "output size", i) != 1:
                raise ValueError(f"layer {i}: AdaptiveAvgPool2d must pool to 1x1")
            layers.append({"type": "global_avgpool"})
        elif isinstance(m, nn.Dropout):
            layers.append({"type": "dropout", "p": m.p})
        elif isinstance(m, nn.Flatten):
            if m.start_dim != 1 or m.end_dim != -1:
                raise ValueError(f"layer {i}: Flatten must flatten every dimension after the batch")
            layers.append({"type": "flatten"})
        elif isinstance(m, nn.Linear):
            layers.append({"type": "linear", "out": m.out_features, "bias": m.bias is not None})
        else:
            raise ValueError(f"layer {i}: {type(m).__name__} has no FastRobust layer (docs/model-files.md lists them)")
    if classes is None:
        was_training = model.training
        model.eval()
        with torch.no_grad():
            out = model(torch.zeros(1, *input_shape))
        model.train(was_training)
        if out.dim() != 2:
            raise ValueError(f"the model's output has shape {tuple(out.shape)}, not [N, classes]")
        classes = out.shape[1]
    return {"input": [int(d) for d in input_shape], "classes": int(classes), "layers": layers}


def from_spec(spec):
    """The nn.Sequential of a FastRobust spec (a dict, or the path of a model.json), freshly initialised."""
    if isinstance(spec, (str, os.PathLike)):
        with open(spec) as f:
            spec = json.load(f)
    c, h, w = spec["input"]
    layers = []
    for i, L in enumerate(spec["layers"]):
        t = L["type"]
        if t == "normalize":
            layers.append(Normalize(L["mean"], L["std"]))
        elif t == "conv2d":
            k, s, p = L["kernel"], L.get("stride", 1), L.get("padding", 0)
            layers.append(nn.Conv2d(c, L["out"], k, s, p, bias=L.get("bias", True)))
            c, h, w = L["out"], (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        elif t == "batchnorm2d":
            layers.append(nn.BatchNorm2d(c))
        elif t == "relu":
            layers.append(nn.ReLU())
        elif t == "gelu":
            layers.append(nn.GELU())
        elif t == "maxpool2d":
            k = L["kernel"]
            s, p = L.get("stride", k), L.get("padding", 0)
            layers.append(nn.MaxPool2d(k, s, p))
            h, w = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        elif t == "avgpool2d":
            k = L["kernel"]
            layers.append(nn.AvgPool2d(k))
            h, w = h // k, w // k
        elif t == "global_avgpool":
            layers.append(nn.AdaptiveAvgPool2d(1))
            h = w = 1
        elif t == "dropout":
            layers.append(nn.Dropout(L.get("p", 0.5)))
        elif t == "flatten":
            layers.append(nn.Flatten())
            c, h, w = c * h * w, 1, 1
        elif t == "linear":
            layers.append(nn.Linear(c, L["out"], bias=L.get("bias", True)))
            c = L["out"]
        else:
            raise ValueError(f"layer {i}: unknown layer type '{t}'")
    return nn.Sequential(*layers)


def write_safetensors(path, tensors):
    """A dict of name -> tensor as a safetensors file (in the dict's order; header padded with spaces to 8 bytes)."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        if t.dtype not in _DTYPES:
            raise ValueError(f"tensor {name}: dtype {t.dtype} is not one FastRobust reads")
        data = t.numpy().tobytes()
        header[name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """A safetensors file as a dict of name -> tensor (the __metadata__ entry left out)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=_NUMPY[e["dtype"]]).reshape(e["shape"]).copy())
    return out


def save(model, directory, input_shape, classes=None):
    """Writes DIRECTORY/model.json and DIRECTORY/model.safetensors, which every FastRobust verb reads."""
    spec = to_spec(model, input_shape, classes)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "model.json"), "w") as f:
        json.dump(spec, f, indent=2)
    write_safetensors(os.path.join(directory, "model.safetensors"), model.state_dict())
    return spec


def load(directory):
    """The model in DIRECTORY (model.json + model.safetensors, as `train` writes them) as an nn.Sequential in eval mode."""
    model = from_spec(os.path.join(directory, "model.json"))
    state = read_safetensors(os.path.join(directory, "model.safetensors"))
    model.load_state_dict(state)
    return model.eval()


def read_table(path):
    """A FastRobust table as a pandas DataFrame: a Parquet file through DuckDB or pyarrow, whichever is installed, or
    an export of `report --format csv|json` (report/tables/NAME.csv or .json) through pandas alone."""
    import pandas as pd
    suffix = os.path.splitext(str(path))[1].lower()
    if suffix == ".csv":
        # only what the export writes for a missing value or NaN counts as missing: a text "NA" or "null" stays text
        return pd.read_csv(path, keep_default_na=False, na_values=["", "NaN"])
    if suffix == ".json":
        return pd.read_json(path, orient="records", dtype=False, precise_float=True)
    try:
        import duckdb
    except ImportError:
        duckdb = None
    if duckdb is not None:
        return duckdb.query(f"SELECT * FROM read_parquet('{str(path).replace(chr(39), chr(39) * 2)}')").to_df()
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError("read_table needs duckdb or pyarrow (pip install duckdb, or apt-get install python3-pyarrow)") from None
    return pq.read_table(path).to_pandas()
