"""`python -m bench.outbox` — the outbox's delivery beside slack_sdk called directly, in one run.

The Slack emulator runs in a process of its own (bench/slack_fake.py) with `--channels` channels the
bot is in, and one more, limited as Slack limits posting into a channel (about 1 a second, bursts of
3; over it, HTTP 429 with Retry-After). Truce's runtime (bot.runtime) runs in this process with its
outbox sender (bot/sender.py), on a fresh database (SQLite, then a scratch PostgreSQL database).

1. Fan-out: first an untimed warm-up on both sides (64 posts into channels of their own, by the sender
   and by the floor: threads started, clients made, statements compiled, lazily imported code imported).
   Then, `--repeat` times: `--channels` posts, one into each channel, are queued (bot.delivery.queue_post,
   one transaction, untimed); the sender is kicked, and the time until it has sent and recorded the last
   is taken (its own count, read in memory), and until a query says every one is sent
   (`recorded_seconds`). Floor, right after in each round: the same number of chat.postMessage calls by
   slack_sdk's WebClient, straight to the emulator, from `--threads` threads (and from as many threads
   as the sender has workers), with text alone, and once more made as the outbox makes them (its key
   stamped as metadata, link previews off). Medians are reported, and each round's share of its floor.
2. One busy channel: `--burst` posts queued into the limited channel; the time until the last is
   sent, how many were sent and how many failed. Floor: slack_sdk posting the same number, one after
   the other, into a second channel with the same limit, waiting out each 429's Retry-After
   (slack_sdk's RateLimitErrorRetryHandler), and the limit's own arithmetic: (posts - burst) / rate.

    python -m bench.outbox [--channels 1000] [--burst 60] [--threads 8] [--repeat 3]
                            [--databases sqlite postgresql]
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text

from bench.measure import databases, emit, migrate, ratio, stamp
from bench.slack_fake import SlackFake, channel_ids

TEAM = "T0TRUCE"
PER_SECOND, BURST = 1.0, 3  # Slack's limit on posting into one channel, as the emulator applies it
WARM = 64  # posts of the untimed warm-up, each side, into channels of their own


def _queue(rt, channels: list[str], ref: str) -> None:
    from bot import delivery

    with rt.session(deliver=False) as session:
        for n, channel in enumerate(channels):
            delivery.queue_post(session, team_id=TEAM, channel=channel, text=f"Bench post {n} ({ref})", ref=ref)
    rt.take_queued(session)


def _count(rt, ref: str) -> dict[str, int]:
    with rt.engine.connect() as conn:
        rows = conn.execute(text("SELECT status, count(*) FROM outbox WHERE ref = :ref GROUP BY status"),
                            {"ref": ref}).all()
    return {status: n for status, n in rows}


def _until_settled(rt, ref: str, total: int, within: float, step: float = 0.02) -> tuple[float, dict[str, int]]:
    """Seconds until every row of `ref` is sent or failed (or `within` passed), and the statuses then."""
    began = time.perf_counter()
    while True:
        counts = _count(rt, ref)
        if counts.get("sent", 0) + counts.get("failed", 0) >= total or time.perf_counter() - began > within:
            return time.perf_counter() - began, counts
        time.sleep(step)


def _until_sent(rt, ref: str, total: int, within: float, began: float, base: int = 0) -> float:
    """Seconds from `began` until the sender (started then) has `total` posts sent and recorded, read from its
    in-memory count (incremented as the recorder's statement for each commits), rather than by a query every
    few milliseconds competing with the sender; the database is looked at every half second, for posts that
    failed instead."""
    last_look = began
    while rt.sender.sent - base < total:
        t = time.perf_counter()
        if t - began > within:
            break
        if t - last_look > 0.5:
            last_look = t
            counts = _count(rt, ref)
            if counts.get("sent", 0) + counts.get("failed", 0) >= total:
                break
        time.sleep(0.002)
    return time.perf_counter() - began


def _direct(api_url: str, token: str, channels: list[str], threads: int, *, as_truce: bool = False) -> float:
    """slack_sdk's WebClient posting into `channels` from `threads` threads; seconds taken. `as_truce`: each
    call as the outbox makes it (bot.delivery.post_call: the row's key stamped as message metadata, link
    previews off), rather than text alone."""
    from slack_sdk import WebClient

    from bot.delivery import post_call

    clients = [WebClient(token=token, base_url=api_url, timeout=10) for _ in range(threads)]

    def post(n: int) -> None:
        text = f"Direct post {n}"
        kwargs = post_call(key=f"post:direct-{n:024d}", channel=channels[n], text=text, blocks=None)[1] \
            if as_truce else {"channel": channels[n], "text": text}
        clients[n % threads].chat_postMessage(**kwargs)

    began = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(post, range(len(channels))))
    return time.perf_counter() - began


def _direct_limited(api_url: str, token: str, channel: str, count: int) -> float:
    from slack_sdk import WebClient
    from slack_sdk.http_retry import RateLimitErrorRetryHandler

    client = WebClient(token=token, base_url=api_url, timeout=10,
                       retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=10_000)])
    began = time.perf_counter()
    for n in range(count):
        client.chat_postMessage(channel=channel, text=f"Direct post {n}")
    return time.perf_counter() - began


def _fan_out(rt, api_url: str, token: str, fan: list[str], threads: int, within: float, repeat: int) -> dict:
    """The fan-out `repeat` times, each time Truce's sender and then its floors (all warmed beforehand)."""
    from bench import product

    workers = product.sender_workers()
    rounds = []
    for n in range(repeat):
        ref, base = f"bench:fan{n}", rt.sender.sent
        _queue(rt, fan, ref)
        began = time.perf_counter()
        rt.sender.kick()
        took = _until_sent(rt, ref, len(fan), within, began, base)
        _, counts = _until_settled(rt, ref, len(fan), within)  # each sent post marked sent
        recorded = time.perf_counter() - began
        direct = _direct(api_url, token, fan, threads)
        direct_same = _direct(api_url, token, fan, workers)
        direct_as_truce = _direct(api_url, token, fan, threads, as_truce=True)
        rounds.append({"took": took, "recorded": recorded, "counts": counts, "direct": direct,
                       "direct_same": direct_same, "direct_as_truce": direct_as_truce})
    channels = len(fan)

    def median(key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    took, direct = median("took"), median("direct")
    shares = [r["direct"] / r["took"] for r in rounds]  # each round's rate over its own floor's
    return {
        "posts": channels, "repeats": repeat,
        "seconds": round(took, 2), "posts_per_second": round(channels / took, 1),
        "recorded_seconds": round(median("recorded"), 2),
        "sent": min(r["counts"].get("sent", 0) for r in rounds),
        "failed": max(r["counts"].get("failed", 0) for r in rounds),
        "floor": f"slack_sdk direct, {threads} threads", "floor_seconds": round(direct, 3),
        "floor_posts_per_second": round(channels / direct, 1),
        f"slack_sdk_{workers}_threads_posts_per_second": round(channels / median("direct_same"), 1),
        "share_of_floor": round(statistics.median(shares), 2),
        "shares_of_floor": [round(x, 2) for x in shares],
        "ratio": ratio(took, direct),
        # the same calls as Truce's (its key stamped as metadata): what Slack is asked is the same
        f"slack_sdk_{threads}_threads_as_truce_posts_per_second": round(channels / median("direct_as_truce"), 1),
        "share_of_floor_as_truce": round(statistics.median(r["direct_as_truce"] / r["took"] for r in rounds), 2),
    }


def _warm_up(rt, api_url: str, token: str, channels: list[str], threads: int, within: float) -> None:
    """Posts into channels of their own, by the sender and by the floor, untimed: threads started,
    clients made, statements compiled, lazily imported code imported, on both sides alike."""
    _queue(rt, channels, "bench:warm")
    rt.start_sender()
    _until_sent(rt, "bench:warm", len(channels), within, time.perf_counter())
    _until_settled(rt, "bench:warm", len(channels), within)
    _direct(api_url, token, channels, threads)


def run(name: str, url: str, channels: int, burst: int, threads: int, within: float, repeat: int = 3) -> list[dict]:
    from bench import product
    from bot.runtime import build_runtime
    from bot.sandbox.seed import BOT_TOKEN

    warm = min(WARM, channels)
    targets = channel_ids(channels + 2 + warm)
    fan, limited, limited_direct = targets[:channels], targets[channels], targets[channels + 1]
    rows = []
    with SlackFake(channels=len(targets), limited=[limited, limited_direct], per_second=PER_SECOND,
                   burst=BURST) as slack:
        migrate(url)
        settings = product.settings(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET="bench",
                                    SLACK_API_URL=slack.api_url, SLACK_APP_TOKEN=None, DATABASE_URL=url,
                                    TRUCE_RUN_SCHEDULER="false", LOG_LEVEL="WARNING")
        rt = build_runtime(settings, name=f"bench-outbox-{name}")
        try:
            _warm_up(rt, slack.api_url, BOT_TOKEN, targets[channels + 2:], threads, within)
            rows.append(emit("outbox", {
                "database": name, "case": f"{channels} posts to {channels} channels",
                **_fan_out(rt, slack.api_url, BOT_TOKEN, fan, threads, within, repeat)}))
            _queue(rt, [limited] * burst, "bench:burst")
            calls_before = slack.methods().get("chat.postMessage", 0)
            rt.sender.kick()
            took, counts = _until_settled(rt, "bench:burst", burst, within, step=0.1)
            calls = slack.methods().get("chat.postMessage", 0) - calls_before
            direct = _direct_limited(slack.api_url, BOT_TOKEN, limited_direct, burst)
            arithmetic = max(burst - BURST, 0) / PER_SECOND
            rows.append(emit("outbox", {
                "database": name, "case": f"{burst} posts into one channel limited to {PER_SECOND:g}/s (burst {BURST})",
                "posts": burst, "seconds": round(took, 1), "sent": counts.get("sent", 0),
                "failed": counts.get("failed", 0), "unsettled": burst - counts.get("sent", 0) - counts.get("failed", 0),
                "rate_limited_answers": max(calls - burst, 0),
                "floor": "slack_sdk direct, waiting out Retry-After", "floor_seconds": round(direct, 1),
                "limit_arithmetic_seconds": arithmetic, "ratio": ratio(took, direct),
            }))
        finally:
            rt.shutdown(timeout=10)
            rt.engine.dispose()
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(prog="python -m bench.outbox", description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=1000, help="posts of the fan-out, one per channel")
    parser.add_argument("--burst", type=int, default=60, help="posts into the one rate-limited channel")
    parser.add_argument("--threads", type=int, default=8, help="threads of the slack_sdk floor")
    parser.add_argument("--repeat", type=int, default=3,
                        help="fan-outs timed, each beside its floor; medians reported, and each round's share")
    parser.add_argument("--within", type=float, default=600, help="seconds a case may take before it is cut short")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--postgres-url", help="server for the scratch PostgreSQL databases")
    args = parser.parse_args(argv)
    emit("run", stamp())
    rows: list[dict] = []
    with databases(args.databases, args.postgres_url) as each:
        for name, url in each:
            rows += run(name, url, args.channels, args.burst, args.threads, args.within, args.repeat)
    return rows


if __name__ == "__main__":
    main()
