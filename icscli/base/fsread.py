"""Reading a file that someone else may have planted: never block, never read without limit.

A data or cache path can be a FIFO (reading blocks for ever), a device (`/dev/zero` never ends) or a
symlink to either. `read_regular` opens without blocking, checks with fstat on the open descriptor
(no race between a check and the open) that it is a regular file, and reads at most `limit` bytes.
"""
import errno
import os
import stat


class NotRegularFile(OSError):
    """The path is a FIFO, a device, a socket or a directory rather than a regular file."""


class TooLarge(OSError):
    """The file is larger than the caller's limit."""

    def __init__(self, size, limit):
        super().__init__(errno.EFBIG, f"file is {size} bytes; the limit is {limit}")
        self.size, self.limit = size, limit


def describe(mode):
    """A short name for a non-regular file type, for error messages."""
    for test, name in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a directory")):
        if test(mode):
            return name
    return "not a regular file"


def read_regular(path, limit):
    """The bytes of a regular file of at most `limit` bytes.

    Raises NotRegularFile, TooLarge or another OSError; never blocks on a FIFO and never reads more
    than `limit` + 1 bytes, even if the file grows while it is read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, f"not a regular file: it is {describe(info.st_mode)}")
        if info.st_size > limit:
            raise TooLarge(info.st_size, limit)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise TooLarge(total, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)
