"""What every HTTP request's input goes through before Truce acts on it: the body's size is known
and capped before a byte is read."""

from __future__ import annotations

import re
from typing import Any

LENGTH = re.compile(r"[0-9]{1,19}")


class HttpError(Exception):
    """A request Truce refuses: answered with `status` and a short plain-text `reason`."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def read_body(environ: dict[str, Any], cap: int) -> bytes:
    """Exactly Content-Length bytes, refused before reading when the length is missing (411),
    not a number (400) or over `cap` (413). A chunked body (no length) is read up to `cap` when
    the server has decoded it (`wsgi.input_terminated`, as gunicorn does), else refused (411)."""
    stream = environ["wsgi.input"]
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        if not environ.get("wsgi.input_terminated"):
            raise HttpError("411 Length Required", "Send the body with a Content-Length header.")
        body = stream.read(cap + 1)
        if len(body) > cap:
            raise HttpError("413 Content Too Large", f"The body is larger than {cap} bytes.")
        return body
    declared = environ.get("CONTENT_LENGTH", "")
    if declared == "":
        if environ.get("REQUEST_METHOD") in ("POST", "PUT", "PATCH"):
            raise HttpError("411 Length Required", "Send the body with a Content-Length header.")
        return b""
    if not LENGTH.fullmatch(declared):
        raise HttpError("400 Bad Request", "Content-Length must be a number of bytes.")
    length = int(declared)
    if length > cap:
        raise HttpError("413 Content Too Large", f"The body is larger than {cap} bytes.")
    chunks, left = [], length
    while left > 0:
        chunk = stream.read(left)
        if not chunk:
            raise HttpError("400 Bad Request", "The body is shorter than its Content-Length.")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
