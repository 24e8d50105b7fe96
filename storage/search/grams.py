"""Character bigrams: what the search index holds, and what a query term asks of it.

Chinese text has no spaces, so word tokenizers cannot find 无锡 inside a sentence.
The index holds the text's overlapping character pairs instead (无锡市 → 无锡, 锡市),
the approach of Lucene's CJK analyzer and of PostgreSQL's pg_bigm. A term of two
characters is one pair. Letters and digits are paired alike, so Latin words work the
same way.

On SQLite the pairs of a document are written, space-separated and in the order of
the text, into an FTS5 table (``ascii`` tokenizer: every pair is one token, ASCII case
folded as ``LIKE`` folds it) with positions (``detail=full``), so a longer term is a
phrase of its pairs (营商环境 → ``"营商 商环 环境"``: the three pairs at consecutive
positions), which only a text holding the term has: the index answers every term of
one run of letters exactly, with no article read. The last character of each run of
letters is indexed alone too, after the run's pairs, so that a single character is a
prefix query (``"锡"*``) that finds every occurrence, and so that no phrase spans two
runs (or the title and the body). A term of several runs (``营商,环境``, ``a-b``)
asks for the phrase across them (:func:`_across_runs`), and its rows are confirmed
against the text. PostgreSQL's GIN index
holds the set of pairs (no positions): a longer term's rows are confirmed there.

The same row also holds a token per city the article has a section about
(:func:`city_token`: ``§`` and the name, e.g. ``§无锡``), so that a search with a
city filter is one FTS5 query (``"无锡" AND "§无锡"``) whose lists FTS5 intersects
with its own structures. ``§`` is not a letter or digit, so such a token can never
be a pair or a run's last character, and no pair query or prefix query finds it.
"""

from __future__ import annotations

import json
import re
from array import array
from dataclasses import dataclass

#: Runs of letters and digits (no underscore): pairs never span a space or punctuation.
_RUN = re.compile(r"[^\W_]+")
#: Text as an array of 4-byte code units (one a character; only moved, never read), and back.
_UTF32 = "utf-32-le"
_UNIT = next(code for code in "IL" if array(code).itemsize == 4)
_SPACE = array(_UNIT, " ".encode(_UTF32))


def _code_units(text: str) -> array[int]:
    return array(_UNIT, text.encode(_UTF32))


#: Marks a city's token in the index (not a letter or digit: never part of a pair).
CITY_MARK = "\u00a7"  # §
#: Marks a city name that holds ASCII (see :func:`city_token`).
HEX_MARK = "\u00b6"  # ¶


def document_grams(title: str | None, body: str | None) -> str:
    """The pairs of an article's title and body in the order of the text, each run of letters
    followed by its last character alone, separated by spaces (one or more).

    Made without a Python step per pair (~600 an article): the runs joined by spaces
    (``u``) and the same with each run's first character dropped and a space after it
    (``v``: at every position of ``u``, the character after it in its run, or a space) are
    interleaved with spaces, character by character, as arrays of UTF-32 code units: a
    pair where a letter has a next one in its run, the letter alone where it ends its run,
    spaces where ``u`` has one. FTS5's ``ascii`` tokenizer reads the same tokens at the same
    positions as from single spaces."""
    runs = _RUN.findall(title) if title else []
    if body:
        runs += _RUN.findall(body)
    if not runs:
        return ""
    u = " ".join(runs)
    v = " ".join([run[1:] + " " for run in runs])
    out = _SPACE * (3 * len(u))
    out[0::3] = _code_units(u)
    out[1::3] = _code_units(v)
    return out.tobytes().decode(_UTF32)


def city_token(city: str) -> str:
    """The index token of a city: ``§`` and the name, one token for FTS5's ``ascii`` tokenizer
    (which splits at ASCII punctuation and spaces and folds ASCII case, and keeps every other
    character). A name holding any ASCII character is written as ``¶`` and the hex of its
    UTF-8 instead, so every name has its own token, and only that name matches it."""
    if any(c.isascii() for c in city):
        return HEX_MARK + city.encode("utf-8").hex()
    return CITY_MARK + city


def index_row(title: str | None, body: str | None, cities: str | None) -> str:
    """An article's row of the SQLite index: its pairs, then a token per city of ``cities``
    (a JSON array of names; SQL NULL or ``[]``: none)."""
    grams = document_grams(title, body)
    names = json.loads(cities) if cities else []
    tokens = {city_token(name) for name in names if name}
    if not tokens:
        return grams
    return " ".join((grams, *sorted(tokens))) if grams else " ".join(sorted(tokens))


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class TermPlan:
    """How the index answers one term."""

    #: FTS5 query of the pairs the term's rows must hold (None: the index cannot help)
    fts: str | None
    #: PostgreSQL: the pairs an indexed row must hold (lower-cased), empty if none
    pg_grams: tuple[str, ...]
    #: whether the index's answer is exact (SQLite: a term of one run of letters and digits);
    #: else rows are confirmed against the text
    exact: bool


def plan(term: str) -> TermPlan:
    runs = _RUN.findall(term)
    parts: list[str] = []
    for run in runs:
        if len(run) == 1:
            parts.append(_quoted(run) + "*")
        else:
            # one pair, or a phrase of pairs at consecutive positions
            parts.append(_quoted(" ".join(run[i : i + 2] for i in range(len(run) - 1))))
    fts = " AND ".join(dict.fromkeys(parts)) or None
    if len(runs) > 1:
        fts = _across_runs(runs)
    exact = len(runs) == 1 and runs[0] == term
    return TermPlan(fts=fts, pg_grams=_pg_grams(runs), exact=exact)


def _across_runs(runs: list[str]) -> str:
    """SQLite: the phrase a text holding a term of several runs must hold (``环境,服务`` →
    ``"环境 境 服务"``). In such a text, the term's first run ends a run of the text (a
    separator follows it), its middle runs are whole runs and its last run begins one; the
    index holds each run's pairs then its last character alone, at consecutive positions
    from one run to the next. So: the pairs of every run, the last character alone after
    each but the last, and the last run's pairs (a single character: a prefix of the first
    token of the text's run). A text may hold the phrase without the term (other separators,
    or the title's end and the body's start): rows are confirmed against the text, but only
    the few that hold it, instead of every row holding each run somewhere."""
    tokens: list[str] = []
    for k, run in enumerate(runs):
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        if k < len(runs) - 1 or len(run) == 1:
            tokens.append(run[-1])
    return _quoted(" ".join(tokens)) + ("*" if len(runs[-1]) == 1 else "")


def _pg_grams(runs: list[str]) -> tuple[str, ...]:
    """Pairs for PostgreSQL's index, which lower-cases the text: only pairs whose case folding
    cannot differ between Python and the server's locale (ASCII, or caseless like Chinese)."""
    grams: dict[str, None] = {}
    for run in runs:
        for i in range(len(run) - 1):
            pair = run[i : i + 2]
            if all(c.isascii() or c.lower() == c == c.upper() for c in pair):
                grams[pair.lower()] = None
    return tuple(grams)


#: PostgreSQL: where the index's function splits runs of letters, besides whitespace and ASCII
#: punctuation: the punctuation and symbols of Chinese text (full-width ，。、；：？！（）,
#: quotes “”‘’, 《》【】「」, the ideographic space, dashes and ellipses …). Written as code points,
#: not as a class of the server's locale (which may call no Chinese character a letter). Every
#: character here is a separator for Python's :data:`_RUN` too, so a query's pairs never hold
#: one and splitting here never loses a pair a query asks for (tests/test_search_index.py
#: checks each); the pairs across them that the index used to hold (``商，``) were never asked
#: for and cost 15% of its keys. (Changing this list changes what the index holds: it needs a
#: new function name and a migration that makes the index again, as 0008 did.)
PG_SEPARATORS = (
    r"\u00a0-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7"
    r"\u2000-\u205e\u3000-\u3004\u3008-\u3020\u3030\u303d-\u303f"
    r"\ufe10-\ufe19\ufe30-\ufe52\ufe54-\ufe66\ufe68-\ufe6b"
    r"\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
)
#: PostgreSQL: the function the GIN index is built on (migration 0008; ``newsmon_grams`` before,
#: which split on whitespace and ASCII punctuation only).
PG_FUNCTION_NAME = "newsmon_pairs"
#: PostgreSQL: the same pairs, by an IMMUTABLE SQL function an expression GIN index is built on.
#: Runs are split on whitespace, ASCII punctuation and :data:`PG_SEPARATORS` (what the server's
#: locale calls a letter does not matter); other symbols may still end up in pairs, harmlessly.
#: A pair may come more than once: GIN keeps each key of a row once, and ``@>`` does not
#: care, so the index is the same as with ``DISTINCT``, which took half of the build's time.
PG_FUNCTION_BODY = rf"""
  SELECT coalesce(array_agg(substr(w, i, 2)), '{{}}')
  FROM regexp_split_to_table(lower(coalesce(title, '') || ' ' || coalesce(body, '')),
                             '[\s!-/:-@\[-`{{-~{PG_SEPARATORS}]+') AS w,
       generate_series(1, char_length(w) - 1) AS i
"""
#: What the planner is told one call costs (in cpu_operator_cost units: a call takes ~1 ms, an
#: operator ~0.1 µs). At the default of 100, on a million articles it preferred reading rows in
#: order and computing the pairs of each until 10,001 matched (8.5 s for 无锡) to the GIN index.
PG_FUNCTION_COST = 10000
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION_NAME}(title text, body text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST {PG_FUNCTION_COST} AS $${PG_FUNCTION_BODY}$$
"""
#: The collation of the indexed expression and of every search's: "C" compares the pairs by
#: their bytes, where the database's (e.g. ``C.UTF-8``) calls strcoll() for each of the ~600
#: keys of every article the GIN index sorts when storing it (2.0 -> 1.25-1.5 ms per article).
#: The planner uses the index only for an expression with the same collation.
PG_COLLATION = "C"
