"""Binary LRAT records, as CaDiCaL and drat-trim write them: `a` id lits 0 hints 0, `d` ids 0, each
number x as the variable-length encoding of 2|x| + (x < 0).  Untrusted reading, for copying and
converting proofs; the kernel has its own reader."""
from __future__ import annotations

from collections.abc import Iterable, Iterator


class BinaryLratError(ValueError):
    """(message, byte offset)."""


def records(chunks: Iterable[bytes]) -> Iterator[tuple[str, list[int]]]:
    """(kind, numbers including the 0s) per record; whitespace between records is skipped."""
    kind, nums, zeros, x, shift, offset = None, [], 0, 0, 0, -1
    for chunk in chunks:
        for byte in chunk:
            offset += 1
            if kind is None:
                if byte in (10, 13, 32):
                    continue
                if byte not in b"ad":
                    raise BinaryLratError(f"expected a binary LRAT record ('a' or 'd'), found {byte:#x}", offset)
                kind = chr(byte)
                continue
            x |= (byte & 0x7F) << shift
            shift += 7
            if byte & 0x80:
                continue
            nums.append(-(x >> 1) if x & 1 else x >> 1)
            zeros += x == 0
            x, shift = 0, 0
            if zeros == (1 if kind == "d" else 2):
                yield kind, nums
                kind, nums, zeros = None, [], 0
    if kind is not None:
        raise BinaryLratError("the binary LRAT ends inside a record", offset + 1)
