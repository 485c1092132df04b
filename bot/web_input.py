"""What every HTTP request's input goes through before Truce acts on it: the body's size is known
and capped before a byte is read, and JSON is taken apart only into what Truce can store."""

from __future__ import annotations

import json
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
    the server has decoded it (`wsgi.input_terminated`), else refused (411). (waitress de-chunks a body
    itself and gives its Content-Length.)"""
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


def media_type(environ: dict[str, Any]) -> str:
    """`application/json` of `Application/JSON; charset=utf-8`."""
    return environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()


def storable(text: str) -> bool:
    """Text a database can hold: no NUL character (PostgreSQL refuses it) and no lone surrogate
    (JSON's `\\ud800` escape, which is not a character and cannot be encoded)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _all_storable(data: Any) -> bool:
    stack = [data]  # iterative: as deep as the JSON parser allowed, without recursing again
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not storable(item):
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_object(text: str | bytes, what: str = "The body", *, storable_only: bool = True) -> dict[str, Any]:
    """A JSON object, or HttpError 400: not UTF-8, not JSON, nested too deep, NaN/Infinity, a
    number too long to be one, an array or a scalar, or (`storable_only`) text that cannot be stored.
    What people type into Slack is let through (`storable_only=False`): the engine cleans it on its
    way to the database (bot/db.py), so nothing they typed is refused for a stray character."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        data = json.loads(text, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise HttpError("400 Bad Request", f"{what} is not UTF-8.") from None
    except RecursionError:
        raise HttpError("400 Bad Request", f"{what} is nested too deeply.") from None
    except ValueError:  # JSONDecodeError, and integers longer than Python converts
        raise HttpError("400 Bad Request", f"{what} is not valid JSON.") from None
    if not isinstance(data, dict):
        raise HttpError("400 Bad Request", f"{what} must be a JSON object.")
    if storable_only and not _all_storable(data):
        raise HttpError("400 Bad Request", f"{what} contains a NUL character or an invalid \\u escape.")
    return data
