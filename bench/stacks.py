"""`python -m bench.stacks FILE…` — where a py-spy recording (`--format raw --threads --idle`, as
`python -m bench.acks --py-spy DIR` makes them) says Truce's threads spent their time.

Each sample is one thread's stack at one moment. Threads are told apart by what they run: the
threads answering Slack (waitress's request threads), the background pools (work handed over after
the answer: `Runtime.defer`), the outbox's sender, the scheduler, waitress's I/O loop. For a role,
the share of its samples in each frame (inclusive: the frame is anywhere on the stack) and at each
leaf (self), files shortened; waiting counts too (a thread blocked on a lock, a socket or the
database shows where it waited).

    python -m bench.stacks acks-sqlite-intel-20.txt [--role answering] [--top 30]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^():]+?)(?::(?P<line>\d+))?\)$")
ROLES = [  # the first whose marker is on the stack names the thread's role (py-spy shortens paths)
    ("answering", ("waitress/task.py",)),
    ("sender", ("Sender._run_lane (", "Sender._loop (")),
    ("background", ("Runtime._hand_over.",)),
    ("scheduler", ("apscheduler/",)),
    ("server loop", ("waitress/", "TruceServer.")),
    ("other pools", ("concurrent/futures/thread.py",)),
]


def short(frame: str) -> str:
    """`func (…/site-packages/pkg/mod.py:12)` -> `func (pkg/mod.py)`."""
    m = FRAME.match(frame)
    if not m:
        return frame
    path = m.group("file")
    for cut in ("site-packages/", "/lib/python3.11/", "/wt-floors/", "/work/main/"):
        if cut in path:
            path = path.split(cut, 1)[1]
    return f"{m.group('func')} ({path})"


def parse(path: Path) -> list[tuple[list[str], int]]:
    samples = []
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [f for f in stack.split(";") if not f.startswith(("thread (", "process "))]
        samples.append((frames, int(count)))
    return samples


def role_of(frames: list[str]) -> str:
    joined = ";".join(frames)
    for role, markers in ROLES:
        if any(m in joined for m in markers):
            return role
    return "other"


def summary(path: Path, role: str, top: int) -> str:
    samples = parse(path)
    roles: Counter[str] = Counter()
    for frames, n in samples:
        roles[role_of(frames)] += n
    out = [f"# {path.name}: {sum(roles.values())} samples", "by role: " + ", ".join(
        f"{r} {n}" for r, n in roles.most_common())]
    mine = [(frames, n) for frames, n in samples if role_of(frames) == role]
    total = sum(n for _, n in mine) or 1
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    for frames, n in mine:
        for f in {short(f) for f in frames}:
            inclusive[f] += n
        leaf[short(frames[-1]) if frames else "?"] += n
    out.append(f"\n## {role}: {total} samples; inclusive (frame anywhere on the stack), top {top}")
    out += [f"{100 * n / total:5.1f} %  {f}" for f, n in inclusive.most_common(top)]
    out.append(f"\n## {role}: leaves (self), top {top}")
    out += [f"{100 * n / total:5.1f} %  {f}" for f, n in leaf.most_common(top)]
    return "\n".join(out)


def units_of_work(path: Path, top: int) -> str:
    """SQLite lets one unit of work write at a time (bot.db.WriteGate): the samples of threads waiting
    for their turn, by role and by the code that asked for the unit of work. (A unit in progress is
    not told apart: the body of a `with` block runs in its caller's frame, not under session_scope.)"""
    waiting: Counter[str] = Counter()
    asked_by: Counter[str] = Counter()
    for frames, n in parse(path):
        names = [short(f) for f in frames]
        if not any(f.startswith("WriteGate.turn (") for f in names):
            continue
        role = role_of(frames)
        waiting[role] += n
        scope = next((i for i, f in enumerate(names) if f.startswith("session_scope (")),
                     next(i for i, f in enumerate(names) if f.startswith("WriteGate.turn (")))
        callers = [f for f in names[:scope] if not f.startswith(("_GeneratorContextManager", "Runtime.session"))]
        asked_by[f"{role}: {callers[-1] if callers else '?'}"] += n
    out = [f"# {path.name}: waiting for a turn to write", ", ".join(f"{r} {n}" for r, n in waiting.most_common()),
           "asked by:"]
    out += [f"{n:6d}  {f}" for f, n in asked_by.most_common(top)]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.stacks", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--role", default="answering", choices=[r for r, _ in ROLES] + ["other"])
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--units", action="store_true", help="threads waiting for a turn to write (SQLite)")
    args = parser.parse_args(argv)
    for path in args.files:
        print(units_of_work(path, args.top) if args.units else summary(path, args.role, args.top))
        print()


if __name__ == "__main__":
    main()
