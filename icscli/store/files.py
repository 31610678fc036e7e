"""Where the data files are: the bundled data, an overlay directory, and the compiled bundled data in
an installed package. Nothing here reads a record."""
import os

from ..errors import BadValue, Problem


def bundled_data_dir():
    """The bundled data: `icscli/data` when installed, `../data` in a source checkout.

    ICS_BUNDLED_DATA replaces it wholesale (for development and for testing a refreshed data tree).
    """
    explicit = os.environ.get("ICS_BUNDLED_DATA")
    if explicit:
        return explicit
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the icscli package
    installed = os.path.join(here, "data")
    if os.path.isdir(installed):
        return installed
    return os.path.join(os.path.dirname(here), "data")


MAX_DIR_DEPTH = 64  # deeper overlays are reported, not walked: nobody nests data that deep


def data_files(directory):
    """Every *.yaml / *.yml file below a directory, in a stable order (see `scan`)."""
    return scan(directory)[0]


def scan(directory):
    """(files, problems): every *.yaml / *.yml file below a directory, in a stable order, and what
    could not be read.

    Names starting with "." (hidden: .git, editor files) are skipped; symlinks to directories are not
    followed (no loops, no walking into /dev or /proc). The walk is iterative and stops at
    MAX_DIR_DEPTH levels, so a deep tree gives a problem rather than a RecursionError.
    """
    found, problems = [], []
    pending = [(directory, 0)]
    while pending:
        root, depth = pending.pop()
        try:
            with os.scandir(root) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(root, 0, "", f"cannot read this directory: {exc.strerror or exc}"))
            continue
        subdirs = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                subdirs.append(entry.path)
            elif entry.name.endswith((".yaml", ".yml")):
                found.append(entry.path)
        if subdirs and depth >= MAX_DIR_DEPTH:
            problems.append(Problem(root, 0, "", f"directories nested more than {MAX_DIR_DEPTH} levels deep are not read"))
            continue
        pending.extend((path, depth + 1) for path in reversed(subdirs))
    return found, problems  # depth first, files before subdirectories: the order os.walk gave


def check_overlay(overlay):
    """A usage error (exit 2) unless the overlay is a directory: it names nothing, or a file."""
    if not os.path.isdir(overlay):
        what = "is not a directory" if os.path.lexists(overlay) else "does not exist"
        raise BadValue(f"data directory '{overlay}' {what}")


SHIPPED = "bundled.ics"  # the bundled layer, compiled when the wheel is built (setup.py)
SHIPPED_KEY = "shipped|{format}|{version}|"  # + the data's content hash


def shipped_path():
    """The compiled bundled data inside an installed package, or None when running from a checkout
    or with ICS_BUNDLED_DATA (then the bundled layer is compiled on first use, like an overlay)."""
    if os.environ.get("ICS_BUNDLED_DATA"):
        return None
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the icscli package
    path = os.path.join(here, SHIPPED)
    return path if os.path.isfile(path) and os.path.isdir(os.path.join(here, "data")) else None
