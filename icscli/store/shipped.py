"""The compiled bundled data that ships inside the wheel (built by setup.py's build hook).

Its key is `shipped|FORMAT|VERSION|CONTENT-HASH`: the package version and a hash of every bundled
data file's name and bytes. A test compiles the data afresh and checks the shipped form against it.
"""
import os

from ..base.version import __version__
from . import cache
from .build import compile_layer
from .files import SHIPPED_KEY, data_files


def shipped_key(directory):
    files = data_files(directory)
    return SHIPPED_KEY.format(format=cache.FORMAT, version=__version__) + cache.content_hash(directory, files)


def compile_state(directory):
    """The state of the bundled layer (DataError on broken data)."""
    return compile_layer(directory, "")


def compile_shipped(directory, target):
    """Compile the data directory into `target` (raises DataError on broken data: no broken wheel)."""
    data = cache.encode(compile_state(directory), shipped_key(directory))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as handle:
        handle.write(data)
