"""Input/output at the edges: reading and writing workspaces, built-in datasets."""

from forcegen.io.datasets import BUILTIN_DATASETS, builtin_path, load_builtin
from forcegen.io.loader import load_workspace, read_workspace_data
from forcegen.io.writer import write_workspace

__all__ = [
    "BUILTIN_DATASETS",
    "builtin_path",
    "load_builtin",
    "load_workspace",
    "read_workspace_data",
    "write_workspace",
]
