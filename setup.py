"""Build hook: compile the bundled data into the wheel (`icscli/bundled.ics`) when the package is built,
and write the click interface as data (`icscli/cli/cli_spec.marshal`) for the click-free fast path.

Everything else about the package is in setup.cfg. The compiled file is keyed on the package version
and the data's content hash; an installed `ics` reads it instead of parsing the YAML on its first run.
A source checkout or an editable install has no such file and compiles on first use into the cache.
"""
import os
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


class build_py_with_compiled_data(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's data and compiles it on first use
        sys.path.insert(0, HERE)
        try:
            from icscli.base.version import __version__
            from icscli.cli import app as cli, spec as cli_spec
            from icscli.store.shipped import compile_shipped

            package = os.path.join(self.build_lib, "icscli")
            compile_shipped(os.path.join(HERE, "data"), os.path.join(package, "bundled.ics"))
            cli_spec.write(cli.ics, os.path.join(package, "cli", "cli_spec.marshal"), __version__)
        finally:
            sys.path.remove(HERE)


setup(cmdclass={"build_py": build_py_with_compiled_data})
