"""Reading an input file: hash exactly the bytes on disk, decompress if they are compressed.

The sha256 in a Verdict is of the file as stored (what `sha256sum` prints),
and the kernels parse exactly the bytes that were hashed: there is one read.
"""
import fcntl
import hashlib
import io
import os
import threading
from _lzma import LZMAError  # lzma's own: gzip, lzma and bz2 themselves are imported when a file needs one

_MAGIC = ((b"\x1f\x8b", "gzip", lambda f: __import__("gzip").GzipFile(fileobj=f)),
          (b"\xfd7zXZ\x00", "xz", lambda f: __import__("lzma").LZMAFile(f)),
          (b"BZh", "bz2", lambda f: __import__("bz2").BZ2File(f)))
READ_ERRORS = (OSError, EOFError, LZMAError)  # what a corrupt compressed stream raises


class _Hashing(io.RawIOBase):
    def __init__(self, raw, sha):
        self.raw, self.sha, self.count = raw, sha, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = self.raw.readinto(buffer)
        self.sha.update(memoryview(buffer)[:n])
        self.count += n
        return n


class Source:
    """One input file.  `stream` gives its (decompressed) bytes; `sha256()` the digest of the raw file."""

    def __init__(self, path):
        self.path = os.fspath(path)
        self._raw = open(self.path, "rb")
        head = self._raw.read(6)
        self._raw.seek(0)
        self.size = os.fstat(self._raw.fileno()).st_size
        self._sha = hashlib.sha256()
        self._hashing = _Hashing(self._raw, self._sha)
        buffered = io.BufferedReader(self._hashing, 1 << 16)
        self.compression, self.stream, self._hasher = None, buffered, None
        for magic, name, opener in _MAGIC:
            if head.startswith(magic):
                self.compression, self.stream = name, opener(buffered)

    @property
    def bytes_read(self):
        return self._hashing.count

    def share(self):
        """A descriptor of its own for the C kernel to read this uncompressed file, hashed by pread:
        a large one meanwhile, on another core.  drain() then says whether the file stayed unchanged."""
        fd = self._raw.fileno()
        self._before = os.fstat(fd)
        self._hasher = threading.Thread(target=self._hash_by_pread, args=(fd,), daemon=True)
        (self._hasher.start if self.size > 1 << 20 else self._hasher.run)()  # a small file: a thread costs more
        shared = os.dup(fd)
        os.lseek(shared, 0, os.SEEK_SET)
        return shared

    def _hash_by_pread(self, fd):
        while chunk := os.pread(fd, 1 << 20, self._hashing.count):
            self._sha.update(chunk)
            self._hashing.count += len(chunk)

    def drain(self):
        """Read (and decompress) whatever the kernel did not; False if that fails: a corrupt file
        (or, for a shared file, one that changed while it was read)."""
        if self._hasher:
            self._hasher.is_alive() and self._hasher.join()
            now = os.fstat(self._raw.fileno())
            same = (now.st_size, now.st_mtime_ns, now.st_ino) == (
                self._before.st_size, self._before.st_mtime_ns, self._before.st_ino)
            return same and self._hashing.count == now.st_size
        try:
            while self.stream.read(1 << 20):
                pass
            return True
        except READ_ERRORS:
            return False

    def sha256(self):
        """Digest of the whole raw file: reads whatever the parser did not need."""
        if self._hasher:
            self._hasher.is_alive() and self._hasher.join()
        while not self._hasher and self._hashing.read(1 << 20):
            pass
        return self._sha.hexdigest()

    def describe(self, **extra):
        return {"path": self.path, "sha256": self.sha256(), "bytes": self.size,
                "compression": self.compression, **extra}

    def close(self):
        self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Feeder(threading.Thread):
    """Writes a Source's (decompressed) bytes into a pipe whose read end is `fd`; `error` if reading failed."""

    def __init__(self, source):
        super().__init__(daemon=True)
        self.fd, self._write = os.pipe()
        try:
            fcntl.fcntl(self._write, fcntl.F_SETPIPE_SZ, 1 << 20)
        except (AttributeError, OSError):
            pass  # a smaller pipe is only slower
        self.source, self.error = source, None

    def run(self):
        try:
            while chunk := self.source.stream.read(1 << 20):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(self._write, view):]
        except BrokenPipeError:
            pass  # the reader stopped: it has its answer
        except READ_ERRORS as error:
            self.error = error
        finally:
            os.close(self._write)


def descriptors(sources, pipe=False):
    """Descriptors to read the sources' bytes from: an uncompressed file itself (hashed meanwhile,
    see Source.share), else a pipe fed by a Feeder.  Returns (fds, feeders); see release()."""
    feeders = [Feeder(s) if s.compression or pipe else s.share() for s in sources]
    fds = [f if isinstance(f, int) else f.fd for f in feeders]
    feeders = [f for f in feeders if not isinstance(f, int)]
    for feeder in feeders:
        feeder.start()
    return fds, feeders


def release(sources, fds, feeders):
    """Close what descriptors() opened; the index of the first source whose reading failed, or None."""
    for fd in fds:
        os.close(fd)
    for feeder in feeders:
        feeder.join()
    failed = [sources.index(f.source) for f in feeders if f.error]
    return min(failed) if failed else None
