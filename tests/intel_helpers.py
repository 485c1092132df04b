"""Helpers the intel tests share: no DNS for made-up hosts, and reading intel posts."""

from __future__ import annotations

import socket

import pytest

from bot.intel.models import IntelPost, IntelShare
from bot.sandbox.state import Message

_real_getaddrinfo = socket.getaddrinfo


@pytest.fixture(autouse=True)
def no_dns(monkeypatch):
    """Made-up hosts (acme.example, …) never reach a real resolver: they do not resolve (IP literals do)."""

    def fake(host, port=None, family=0, type=0, proto=0, flags=0):
        if host == "localhost":
            return _real_getaddrinfo(host, port, family, type, proto, flags)
        # IP literals in any spelling the resolver reads (127.1, 0x7f.1, [::1]) need no DNS.
        return _real_getaddrinfo(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def intel_posts(stack, channel: str) -> list[Message]:
    return [m for m in stack.state.messages(channel) if any(
        b.get("block_id", "").startswith("intel_actions_") for b in m.blocks) or "intel" in m.text.lower()]


def block_text(message) -> str:
    """Every bit of text in a message's blocks, in order."""
    out = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and "text" in node:
                out.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.blocks)
    return "\n".join(out)


def shares(stack) -> list[IntelShare]:
    with stack.rt.session() as s:
        from sqlmodel import select

        return list(s.exec(select(IntelShare).order_by(IntelShare.id)).all())


def posts(stack, share_id: int) -> list[IntelPost]:
    with stack.rt.session() as s:
        from sqlmodel import select

        return list(s.exec(select(IntelPost).where(IntelPost.share_id == share_id).order_by(IntelPost.id)).all())
