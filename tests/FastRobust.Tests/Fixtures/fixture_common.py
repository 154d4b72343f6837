"""What the PyTorch fixture scripts share: a FastRobust model spec built as a torch nn.Sequential, and the
safetensors layout read and written by hand (Debian has no safetensors package).

Imported by make_fixtures.py, measures_make_fixtures.py and attack_reference.py (so by attack_make_fixtures.py and
attack_compare.py too); each of them runs with this folder on sys.path."""
import json, struct
import numpy as np
import torch, torch.nn as nn

# safetensors dtype names of the tensors the fixtures hold
DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
NUMPY = {"F32": np.float32, "F64": np.float64, "I64": np.int64}


class Normalize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean).view(1, -1, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(std).view(1, -1, 1, 1), persistent=False)

    def forward(self, x):
        return (x - self.mean) / self.std


def build(spec):
    """The network of a FastRobust model spec (the NAME.json of a fixture) as an nn.Sequential, one module per
    layer of the spec, so that the state_dict's indices are the spec's layer numbers."""
    c, h, w = spec["input"]
    layers = []
    for L in spec["layers"]:
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
            k = L["kernel"]; s = L.get("stride", k); p = L.get("padding", 0)
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
            layers.append(nn.Dropout(L["p"]))
        elif t == "flatten":
            layers.append(nn.Flatten())
            c, h, w = c * h * w, 1, 1
        elif t == "linear":
            layers.append(nn.Linear(c, L["out"], bias=L.get("bias", True)))
            c = L["out"]
        else:
            raise ValueError(t)
    return nn.Sequential(*layers)


def write_safetensors(path, tensors):
    """A dict of name -> tensor as a safetensors file: in the dict's order, header padded with spaces to 8 bytes."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        data = t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
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
    """A safetensors file as a dict of name -> tensor (metadata left out)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=NUMPY[e["dtype"]]).reshape(e["shape"]).copy())
    return out
