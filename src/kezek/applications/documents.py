"""Uploaded documents: PDF and images only, size-limited, recognised by their bytes, hashed.

The name's extension must agree with what the bytes are; a renamed executable is refused whatever
it is called. The SHA-256 is stored so a decision can cite exactly which file it rested on.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from kezek.errors import ValidationFailed

MAX_BYTES = 10 * 1024 * 1024  # 10 MiB per file (IMPL)
MIN_BYTES = 16

_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size: int
    sha256: str
    content: bytes


def sniff(content: bytes) -> str | None:
    """The type the bytes really are, or None if they are none of the accepted kinds."""
    if content.startswith(b"%PDF-") and b"%%EOF" in content[-2048:]:
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n") and content[12:16] == b"IHDR":
        return "image/png"
    if content.startswith(b"\xff\xd8\xff") and content.rstrip(b"\x00\r\n").endswith(b"\xff\xd9"):
        return "image/jpeg"
    return None


def _clean_name(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = re.sub(r"[^\w.\- ]", "_", name)[:200]
    return name or "document"


def check(filename: str, content: bytes) -> CheckedFile:
    """Accept a PDF, PNG or JPEG whose name agrees with its content, within the size limit."""
    size = len(content)
    if size > MAX_BYTES:
        raise ValidationFailed(
            f"the file is {size // 1024} KiB; the limit is {MAX_BYTES // 1024 // 1024} MiB",
            code="file_too_large",
        )
    if size < MIN_BYTES:
        raise ValidationFailed("the file is empty or truncated", code="file_empty")
    kind = sniff(content)
    if kind is None:
        raise ValidationFailed("only PDF, PNG and JPEG files are accepted", code="file_type_not_allowed")
    name = _clean_name(filename)
    if not name.lower().endswith(_EXTENSIONS[kind]):
        raise ValidationFailed(
            f"the file's name does not match its content ({kind})", code="file_extension_mismatch"
        )
    return CheckedFile(name, kind, size, hashlib.sha256(content).hexdigest(), content)
