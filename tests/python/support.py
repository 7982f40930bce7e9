"""Helpers of the Python tests."""

import subprocess
from pathlib import Path


def run(command, expect=0, cwd=None):
    """Runs a command; fails the test with its output unless it exits `expect`."""
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, cwd=cwd)
    if done.returncode != expect:
        raise AssertionError(f"{' '.join(map(str, command))} exited {done.returncode}, not "
                             f"{expect}:\n{done.stdout}\n{done.stderr}")
    return done

BLOCK = 512  # the user block holding a result file's checksum header (docs/output.md)
MAGIC = b"stsim-results checksum"


def crc64(data):
    """CRC-64 of ECMA-182, reflected, as xz computes it (the checksum of a result file)."""
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0xC96C5795D7870F42 if crc & 1 else 0)
        table.append(crc)
    crc = 0xFFFFFFFFFFFFFFFF
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFFFFFFFFFF


def crc64_header(path):
    """Rewrites the checksum header of a result file edited on purpose (e.g. with h5py)."""
    path = Path(path)
    data = path.read_bytes()
    assert data.startswith(MAGIC), f"{path} has no checksum header"
    image = data[BLOCK:]
    header = MAGIC + f"\ncrc64 {crc64(image):016x}\nbytes {len(image)}\n".encode()
    path.write_bytes(header.ljust(BLOCK, b"\0") + image)
