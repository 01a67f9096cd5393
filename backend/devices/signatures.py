"""A handwritten signature, as the staff member's tablet sends it: a PNG, checked before it is kept.

Pure: no database, no Flask. `decode_png` takes the base64 text of the request (a `data:image/png;
base64,` prefix is tolerated, as canvas.toDataURL writes it) and returns the PNG's bytes, or raises
`Invalid` (422, on the field `signature_png`) when it is not really a PNG: the 8 signature bytes, then
an IHDR chunk of 13 bytes with a correct CRC, a width and height of at least one pixel, a known bit
depth and colour type — and at most `MAX_BYTES` (200 KB) decoded.
"""
import base64
import binascii
import struct
import zlib

from ..errors import Invalid

MAX_BYTES = 200 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FIELD = "signature_png"
# Colour type → bit depths the PNG specification allows for it.
_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
_MAX_SIDE = 10_000


def decode_png(text: str | None, field: str = FIELD) -> bytes:
    """The PNG bytes of a base64 signature, or 422."""
    if not isinstance(text, str) or not text.strip():
        raise Invalid(fields={field: ["请提供签名图片"]})
    raw = text.strip()
    if raw.startswith("data:"):
        head, _, raw = raw.partition(",")
        if head.lower() != "data:image/png;base64":
            raise Invalid(fields={field: ["签名图片格式不正确"]})
    # The base64 text of 200 KB is about 273 KB: refuse longer text before decoding it.
    if len(raw) > (MAX_BYTES * 4) // 3 + 8:
        raise Invalid(fields={field: ["签名图片不能超过 200 千字节"]})
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(fields={field: ["签名图片的编码无效"]}) from None
    check_png(data, field)
    return data


def check_png(data: bytes, field: str = FIELD) -> None:
    """422 unless `data` is a PNG (signature bytes and a well-formed IHDR) of at most 200 KB."""
    if len(data) > MAX_BYTES:
        raise Invalid(fields={field: ["签名图片不能超过 200 千字节"]})
    if len(data) < 8 + 25 or not data.startswith(PNG_MAGIC):
        raise Invalid(fields={field: ["签名图片格式不正确"]})
    length, kind = struct.unpack(">I4s", data[8:16])
    body, crc = data[16:29], data[29:33]
    if length != 13 or kind != b"IHDR" or struct.unpack(">I", crc)[0] != zlib.crc32(kind + body):
        raise Invalid(fields={field: ["签名图片已损坏"]})
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", body)
    if not (1 <= width <= _MAX_SIDE and 1 <= height <= _MAX_SIDE) or depth not in _DEPTHS.get(colour, ()) \
            or compression or filtering or interlace > 1:
        raise Invalid(fields={field: ["签名图片已损坏"]})


def encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def tiny_png(width: int = 2, height: int = 1) -> bytes:
    """A valid PNG (white pixels): what the demo and the tests sign with."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    rows = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    return (PNG_MAGIC + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
