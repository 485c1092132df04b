"""SQLite's side of search at a million shares (FTS5).

Two costs decide the plan. FTS5 answers a prefix query (`"word"*`) by merging every matching term's
whole list of shares before it yields the first one, unless a prefix index of that exact length
exists (migration 0013: 3 and 4 letters); a list of exact terms it reads lazily, and can seek in.
So each word searched as a prefix is rewritten as the exact terms the index holds with that prefix
(`("price" OR "prices")`), read from the FTS5 vocabulary: the same shares match, without the merge.

Then, how many shares match (counted up to LIST_BELOW, cheap on lazy lists) picks the plan:
- fewer: list the matches from FTS5 and sort them (at most LIST_BELOW rows);
- more: walk `intel_share` newest first by its sort index and keep the rows that match (one FTS5
  seek each), stopping at a page: a word in one share of n needs about n * page rows.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from bot.intel.models import SQLITE_FTS_TABLE

FTS_VOCAB = f"{SQLITE_FTS_TABLE}_vocab"  # fts5vocab(intel_share_fts, row): term, doc, cnt (migration 0013)
PREFIX_INDEXED = (3, 4)  # FTS5 prefix indexes (migration 0013)
LIST_BELOW = 20_000  # matches: fewer are listed and sorted; more, the sort index is walked
EXPAND_MAX = 64  # a prefix with more terms than this stays a prefix query
_STEMMER = "truce_stem"  # a temporary FTS5 table per connection, tokenized as intel_share_fts is
_stems: dict[str, tuple[str, ...]] = {}


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _tokens(session: Session, words: list[str]) -> dict[str, tuple[str, ...]]:
    """Each word as the index stores it (case folded, accents removed, Porter stem): its tokens."""
    missing = [w for w in dict.fromkeys(words) if w not in _stems]
    if missing:
        session.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_STEMMER} USING fts5(w, "
                             "tokenize='porter unicode61 remove_diacritics 2')"))
        session.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_STEMMER}_v "
                             f"USING fts5vocab(temp, {_STEMMER}, instance)"))
        session.execute(text(f"DELETE FROM temp.{_STEMMER}"))
        for n, word in enumerate(missing, start=1):
            session.execute(text(f"INSERT INTO temp.{_STEMMER}(rowid, w) VALUES (:n, :w)"), {"n": n, "w": word})
        found: dict[int, list[str]] = {}
        for doc, term in session.execute(text(f"SELECT doc, term FROM temp.{_STEMMER}_v ORDER BY doc, offset")):
            found.setdefault(doc, []).append(term)
        session.execute(text(f"DELETE FROM temp.{_STEMMER}"))
        if len(_stems) > 50_000:
            _stems.clear()
        for n, word in enumerate(missing, start=1):
            _stems[word] = tuple(found.get(n, ()))
    return {w: _stems[w] for w in words}


def _after(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _expanded(session: Session, word: str) -> str | None:
    """`"word"*` as the exact terms it matches, or None to keep the prefix. A term is written so the
    tokenizer reads it back as itself: the word's own stem as the word (`"release"` is `releas`), any
    longer term as itself when Porter leaves it alone, else the prefix stays."""
    stem = _tokens(session, [word])[word]
    if len(stem) != 1 or len(stem[0]) in PREFIX_INDEXED:
        return None
    terms = list(session.execute(text(f"SELECT term FROM {FTS_VOCAB} WHERE term >= :lo AND term < :hi LIMIT :n"),
                                 {"lo": stem[0], "hi": _after(stem[0]), "n": EXPAND_MAX + 1}).scalars())
    if not terms or len(terms) > EXPAND_MAX:
        return None
    longer = [t for t in terms if t != stem[0]]
    read_back = _tokens(session, longer)
    if any(read_back[t] != (t,) for t in longer):
        return None
    return "(" + " OR ".join(_quote(word if t == stem[0] else t) for t in terms) + ")"


def match_expression(session: Session, words: tuple[str, ...], prefix_from: int) -> tuple[str, bool]:
    """The FTS5 query for `words` (all of them; those `prefix_from` letters long or more as prefixes),
    and whether FTS5 reads it lazily (no prefix query without its prefix index): only then can the
    sort index be walked, a seek per row."""
    parts, lazy = [], True
    for word in words:
        if len(word) < prefix_from:
            parts.append(_quote(word))
            continue
        expanded = _expanded(session, word)
        if expanded is None:
            tokens = _tokens(session, [word])[word]
            lazy = lazy and len(tokens) == 1 and len(tokens[0]) in PREFIX_INDEXED
        parts.append(expanded or _quote(word) + "*")
    return " AND ".join(parts), lazy


def is_common(session: Session, match: str) -> bool:
    """At least LIST_BELOW shares (of any workspace) match."""
    counted = session.execute(text(f"SELECT count(*) FROM (SELECT rowid FROM {SQLITE_FTS_TABLE} "
                                   f"WHERE {SQLITE_FTS_TABLE} MATCH :fts LIMIT :n)"),
                              {"fts": match, "n": LIST_BELOW}).scalar_one()
    return int(counted) >= LIST_BELOW
