"""Layers over found: each one is its own distribution (found-nstore, found-bstore, ...).

`found.ext` is shared by several distributions, so its search path is extended with every
`found/ext` folder on `sys.path`: layers installed from wheels land in the same folder, and
editable installs add their own `src` folder, which this picks up.
"""

from pkgutil import extend_path

__path__ = extend_path(__path__, __name__)
