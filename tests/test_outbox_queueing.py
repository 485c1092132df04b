"""bot.delivery's queueing: one INSERT … ON CONFLICT DO NOTHING per call, the same key is the same row
(queued before, in this transaction, twice in one call, or by another transaction), and nothing read back."""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import func, select

from bot import delivery
from bot.db import session_scope
from bot.models import Outbox

TEAM = "T0QUEUE"


def _count(db) -> int:
    with session_scope(db) as s:
        return s.exec(select(func.count()).select_from(Outbox).where(Outbox.team_id == TEAM)).one()


def _statements(db):
    seen: list[str] = []

    def note(conn, cursor, statement, *rest) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(statement)
    event.listen(db, "before_cursor_execute", note)
    return seen, lambda: event.remove(db, "before_cursor_execute", note)


def test_several_posts_are_one_statement_and_get_ids_in_order(db) -> None:
    seen, stop = _statements(db)
    try:
        with session_scope(db) as s:
            rows = delivery.queue_many(s, [delivery.new_post(team_id=TEAM, channel=f"C{n}", text=f"t{n}", key=f"k{n}")
                                           for n in range(3)])
            assert [r.channel for r in rows] == ["C0", "C1", "C2"]
            assert all(r.id is not None for r in rows) and rows[0].id < rows[1].id < rows[2].id
            assert s.info["outbox_ids"] == [r.id for r in rows]
            assert s.get(Outbox, rows[1].id) is rows[1]  # in the session, not read back
    finally:
        stop()
    assert len(seen) == 1 and "ON CONFLICT" in seen[0].upper()
    assert _count(db) == 3


def test_same_key_is_the_same_row_however_it_comes(db) -> None:
    with session_scope(db) as s:
        first = delivery.queue_post(s, team_id=TEAM, channel="C1", text="one", key="same")
        first_id = first.id
    with session_scope(db) as s:
        again = delivery.queue_post(s, team_id=TEAM, channel="C1", text="two", key="same")
        assert again.id == first_id and again.text == "one"
        assert "outbox_ids" not in s.info  # nothing new to send
        twice = delivery.queue_many(s, [delivery.new_post(team_id=TEAM, channel="C2", text="a", key="dup"),
                                        delivery.new_post(team_id=TEAM, channel="C2", text="b", key="dup"),
                                        delivery.new_post(team_id=TEAM, channel="C1", text="c", key="same")])
        assert twice[0].id == twice[1].id and twice[0].text == "a"
        assert twice[2].id == first_id
        assert s.info["outbox_ids"] == [twice[0].id]
    assert _count(db) == 2


def test_an_update_of_a_queued_post(db) -> None:
    with session_scope(db) as s:
        post = delivery.queue_post(s, team_id=TEAM, channel="C1", text="one", key="p")
        update = delivery.queue_update(s, target=post, text="changed")
        assert (update.kind, update.target_id, update.team_id) == ("update", post.id, TEAM)
    with session_scope(db) as s:
        stored = s.get(Outbox, update.id)
        assert stored is not None and stored.text == "changed" and stored.status == "pending"
