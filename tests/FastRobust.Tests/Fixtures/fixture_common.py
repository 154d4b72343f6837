"""What the PyTorch fixture scripts share: a FastRobust model spec built as a torch nn.Sequential and the
safetensors files, both from the repository's Python bridge (python/fastrobust_torch.py), so the fixtures are made
with the same code a PyTorch user runs.

Imported by make_fixtures.py, measures_make_fixtures.py, robust_make_fixtures.py and attack_reference.py (so by
attack_make_fixtures.py and attack_compare.py too); each of them runs with this folder on sys.path."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "python"))
from fastrobust_torch import Normalize, read_safetensors, write_safetensors  # noqa: E402,F401
from fastrobust_torch import from_spec as build  # noqa: E402,F401
