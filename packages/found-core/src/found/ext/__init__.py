"""Layers over found: each one is its own distribution (found-nstore, found-bstore, ...).

`found.ext` is shared by several distributions. Installed from wheels, every layer lands in
the same `found/ext` folder and nothing more is needed. In an editable install each package
puts its own `src` folder on `sys.path`, and the layer's `found/ext/<name>` sits there, so the
search path of this package is extended with every `found/ext` folder found on `sys.path`.
(`pkgutil.extend_path` alone is not enough: for a subpackage it only looks inside the parent's
`__path__`, which is found-core's folder.)
"""

from __future__ import annotations

import os
import sys
from pkgutil import extend_path


def _sys_path_folders() -> list[str]:
    """Every `found/ext` folder directly under an entry of `sys.path`, in `sys.path` order."""
    folders = (os.path.join(entry, "found", "ext") for entry in sys.path if isinstance(entry, str))
    return [folder for folder in folders if os.path.isdir(folder)]


__path__ = extend_path(__path__, __name__)
__path__ += [
    folder
    for folder in dict.fromkeys(_sys_path_folders())
    if os.path.realpath(folder) not in {os.path.realpath(known) for known in __path__}
]
