"""Score newsmon, trafilatura, GNE and readability-lxml on the labelled real pages; print tables.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/extraction.py [--part tune|check|all] [--repeat N] [--details] [--cpu]
    .venv/bin/python bench/extraction.py --set real12     # one folder alone (a new batch)
    .venv/bin/python bench/extraction.py --make-split     # rewrite tests/fixtures/split.json

The development set is every page of ``tests/fixtures/real/``, ``tests/fixtures/real2/``,
``tests/fixtures/real3/`` to ``tests/fixtures/real33/``. ``tests/fixtures/split.json`` divides
it *by site* into a **tune** part (rules are developed against it) and a **check** part (only
measured, never used to find the next rule). The split of ``real`` and ``real2`` was made once
by ``--make-split``: site names sorted, shuffled with ``random.Random(11)`` (11: the issue that
asked for it), then walked in that order, a site going to *check* while that keeps *check* at
or under a third of the pages (rounded up), else to *tune*. Pages of one publisher on two hosts
(sina.com.cn, sina.cn; 东方网's 021east.com and eastday.com; 上观新闻's jfdaily.com and
shobserver.com) count as one site. Sets added later (``real3`` to ``real33``: pages of
sites in neither earlier set, and in ``real9`` also older templates of three *tune* sites, in
``real28`` a *tune* site's page on another host) go to *tune* whole, so the *check* part stays exactly what it was; a later set's page of a
*check* site would be refused.

Scoring (the same for every extractor):

- title: exact match with the label (whitespace collapsed);
- time: same minute as the label, or same day where the page prints only a date
  (a page saved after ``FETCHED_AT`` carries its own ``fetched_at`` in its label);
  each library's string is read with newsmon's date parser (naive times count as
  Asia/Shanghai);
- source, author: on the pages whose label names one, the value must be the label's
  (or one of ``*_alts``; authors compared as a set of names). ``false+`` counts pages whose
  label has no source (no author) where the extractor still gave one. trafilatura's
  ``sitename`` stands for its source; GNE and readability-lxml report none;
- body: character-level F1 (bag of characters, whitespace ignored) against the labelled
  body: the visible text of ``body_xpath`` (of the whole page where the label has none;
  less the subtrees of ``body_skip_xpath``, blocks the page's stylesheet hides), from
  ``body_first`` to ``body_last``;
- fails: pages where the extractor raised or returned no headline or no body;
- ms: median over pages of the wall time from the page's bytes to the record (best of
  ``--repeat`` runs per page, decoding included; GNE and readability get newsmon's
  decoded text); x lxml: median over pages of that time divided by the time
  ``lxml.html.fromstring`` takes to parse the same bytes. ``--cpu`` times both with
  the process's CPU time instead of the wall clock: on a machine shared with other
  work, time spent waiting for a core then does not count (caches and a busy sibling
  core still slow it).

Exits 2 with a message when a compared library is not installed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from crawler.extraction import ExtractionError, decode_html, extract_bytes
from crawler.extraction.dates import SHANGHAI, parse_stamp

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
#: sets split by the seeded procedure; LATER_SETS join the tune part whole
SPLIT_SETS = ("real", "real2")
LATER_SETS = (
    "real3",
    "real4",
    "real5",
    "real6",
    "real7",
    "real8",
    "real9",
    "real10",
    "real11",
    "real12",
    "real13",
    "real14",
    "real15",
    "real16",
    "real17",
    "real18",
    "real19",
    "real20",
    "real21",
    "real22",
    "real23",
    "real24",
    "real25",
    "real26",
    "real27",
    "real28",
    "real29",
    "real30",
    "real31",
    "real32",
    "real33",
    "real34",
    "real35",
    "real36",
    "real37",
    "real38",
    "real39",
    "real40",
    "real41",
    "real42",
    "real43",
    "real44",
    "real45",
    "real47",
    "real48",
    "real49",
    "real50",
    "real51",
    "real52",
    "real53",
    "real54",
    "real56",
    "real57",
    "real58",
    "real59",
    "real60",
    "real61",
    "real62",
    "real63",
    "real64",
    "real65",
    "real66",
    "real67",
    "real69",
    "real70",
    "real71",
    "real72",
    "real73",
    "real74",
    "real75",
    "real76",
)
SETS = SPLIT_SETS + LATER_SETS
SPLIT = FIXTURES / "split.json"
SPLIT_SEED = 11
#: one publisher on two hosts counts as one site for the split
#: (东方网: 021east.com and eastday.com; 上观新闻: jfdaily.com and its app's shobserver.com;
#: BBC 中文: bbc.co.uk and bbc.com)
SAME_SITE = {
    "sina.cn": "sina.com.cn",
    "eastday.com": "021east.com",
    "shobserver.com": "jfdaily.com",
    "bbc.com": "bbc.co.uk",
}
# A fixed clock keeps runs comparable: a date after the newest page of the set was saved
# (2024-05-20), as a crawler's fetch time would be; year-less dates resolve against it.
FETCHED_AT = datetime(2024, 6, 1, tzinfo=SHANGHAI)
_REFERENCE_SKIP = ("script", "style", "noscript", "template", "title", "head")


@dataclass(slots=True)
class Record:
    title: str | None
    published: str | None
    source: str | None
    author: str | None
    body: str


@dataclass(slots=True)
class Page:
    key: str  # "real/163-1.html", "real2/163-1.html"
    site: str
    label: dict[str, Any]
    data: bytes
    text: str
    reference: str
    fetched_at: datetime  # the clock year-less and future dates are read against


def _squash(text: str | None) -> str:
    return "".join((text or "").split())


def _spaced(text: str | None) -> str:
    return " ".join((text or "").split())


def site_of(label: dict[str, Any]) -> str:
    """The registered domain the page belongs to (the older set names sites by a short word)."""
    site = label["site"]
    if "." not in site:
        site = _SHORT_SITES.get(site, site)
    return SAME_SITE.get(site, site)


_SHORT_SITES = {
    "163": "163.com",
    "sina": "sina.com.cn",
    "ifeng": "ifeng.com",
    "toutiao": "toutiao.com",
    "thepaper": "thepaper.cn",
    "baijiahao": "baidu.com",
    "cjn": "cjn.cn",
    "gzggw": "zj.gov.cn",
    "shanxi": "shanxi.gov.cn",
}


def reference_body(text: str, label: dict[str, Any]) -> str:
    """The labelled body: visible text from ``body_first`` to ``body_last``, no spaces."""
    root = etree.fromstring(text.encode("utf-8"), etree.HTMLParser(encoding="utf-8"))
    xpath = label.get("body_xpath") or "//body"
    found = root.xpath(xpath)
    if not found:
        raise SystemExit(f"{label['file']}: {xpath} matches nothing")
    parts: list[str] = []
    # subtrees the page hides with its stylesheet (a schema.org block repeating the lead)
    skip = set(root.xpath(label["body_skip_xpath"])) if "body_skip_xpath" in label else set()
    _visible_text(found[0], parts, skip)
    whole = _squash("".join(parts))
    first, last = _squash(label["body_first"]), _squash(label["body_last"])
    start = whole.find(first)
    end = whole.find(last, start) if start >= 0 else -1
    if start < 0 or end < 0:
        raise SystemExit(f"{label['file']}: body_first/body_last not in the page's text")
    return whole[start : end + len(last)]


def _visible_text(
    el: etree._Element,
    parts: list[str],
    skip: set[etree._Element] | frozenset[etree._Element] = frozenset(),
) -> None:
    if isinstance(el.tag, str) and el.tag not in _REFERENCE_SKIP and el not in skip:
        parts.append(el.text or "")
        for child in el:
            _visible_text(child, parts, skip)
            parts.append(child.tail or "")
    # (a skipped element's tail is added by its parent)


def body_f1(got: str, want: str) -> float:
    got_chars, want_chars = Counter(_squash(got)), Counter(_squash(want))
    overlap = sum((got_chars & want_chars).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(got_chars.values())
    recall = overlap / sum(want_chars.values())
    return 2 * precision * recall / (precision + recall)


def published_ok(got: str | None, label: str | None, now: datetime = FETCHED_AT) -> bool:
    if label is None:
        return not got
    if not got:
        return False
    want = parse_stamp(label, now=now)
    stamp = parse_stamp(got, now=now)
    if want is None or stamp is None:
        return False
    if not want.has_time:
        return stamp.when.date() == want.when.date()
    return stamp.has_time and stamp.when.replace(second=0) == want.when.replace(second=0)


def source_ok(got: str | None, value: str, alts: list[str]) -> bool:
    return _spaced(got) in {value, *alts}


_NAME_SPLIT = re.compile(r"[\s、，,;；/]+")


def author_ok(got: str | None, value: str, alts: list[str]) -> bool:
    names = set(_NAME_SPLIT.split(_spaced(got))) - {""}
    return any(names == set(_NAME_SPLIT.split(want)) - {""} for want in (value, *alts))


# --------------------------------------------------------------------------- extractors


def kept_answers(modules: Iterable[Any]) -> list[Any]:
    """The functions of ``modules`` that keep answers between pages: ``functools.lru_cache``s
    of text (``keywords.simplify``, the tests of ``vocabulary.TEXT_CACHE``), not the tables
    built once a process (unbounded ``cache``s)."""
    found: dict[int, Any] = {}
    for module in modules:
        for value in vars(module).values():
            parameters = getattr(value, "cache_parameters", None)
            if parameters is not None and parameters()["maxsize"] is not None:
                found[id(value)] = value
    return list(found.values())


def forget(answers: Iterable[Any]) -> None:
    """Empty the answers kept (:func:`kept_answers`): a page timed several times, best of
    ``--repeat``, would otherwise find its own answers from its first run, which a crawl,
    reading each page once, does not."""
    for cached in answers:
        cached.cache_clear()


_NEWSMON_ANSWERS = kept_answers(
    module for name, module in sys.modules.items() if name.startswith("crawler.extraction")
)


def run_newsmon(page: Page) -> Record:
    forget(_NEWSMON_ANSWERS)
    try:
        article = extract_bytes(page.data, fetched_at=page.fetched_at)
    except ExtractionError:
        return Record(None, None, None, None, "")
    return Record(
        article.title,
        article.published_at.isoformat() if article.published_at else None,
        article.source,
        article.author,
        article.body,
    )


def _trafilatura() -> Callable[[Page], Record]:
    import trafilatura

    params = {"outputformat": "%Y-%m-%d %H:%M:%S", "extensive_search": True, "original_date": True}

    def run(page: Page) -> Record:
        doc = trafilatura.bare_extraction(
            page.data, with_metadata=True, date_extraction_params=params
        )
        if doc is None:
            return Record(None, None, None, None, "")
        got = doc if isinstance(doc, dict) else doc.as_dict()
        return Record(
            got.get("title"),
            got.get("date"),
            got.get("sitename"),
            got.get("author"),
            got.get("text") or "",
        )

    return run


def _gne() -> Callable[[Page], Record]:
    from gne import GeneralNewsExtractor

    extractor = GeneralNewsExtractor()

    def run(page: Page) -> Record:
        text, _ = decode_html(page.data)
        try:
            out = extractor.extract(text)
        except Exception:  # GNE raises bare exceptions on pages it cannot read
            return Record(None, None, None, None, "")
        return Record(
            out.get("title"), out.get("publish_time"), None, out.get("author"), out["content"]
        )

    return run


def _readability() -> Callable[[Page], Record]:
    from readability import Document

    def run(page: Page) -> Record:
        text, _ = decode_html(page.data)
        try:
            doc = Document(text)
            summary = doc.summary(html_partial=True)
            title = doc.short_title()
        except Exception:  # readability raises its own Unparseable and lxml's errors
            return Record(None, None, None, None, "")
        body = "\n".join(lxml.html.fromstring(summary).itertext()) if summary.strip() else ""
        return Record(title, None, None, None, body)

    return run


NO_SOURCE = {"GNE", "readability"}
NO_META = {"readability"}


def load_extractors(only: str | None = None) -> dict[str, Callable[[Page], Record]]:
    """The extractors to score: all four, or ``only`` that one (``--only newsmon`` needs none
    of the other libraries installed). Exits 2 naming an unknown or missing one."""
    missing = []
    extractors: dict[str, Callable[[Page], Record]] = {}
    if only in (None, "newsmon"):
        extractors["newsmon"] = run_newsmon
    factories = (("trafilatura", _trafilatura), ("GNE", _gne), ("readability", _readability))
    if only is not None and only != "newsmon" and only not in dict(factories):
        names = ", ".join(["newsmon", *dict(factories)])
        print(f"bench/extraction.py: no extractor {only!r} (one of {names})", file=sys.stderr)
        sys.exit(2)
    for name, factory in factories:
        if only not in (None, name):
            continue
        try:
            extractors[name] = factory()
        except ImportError:
            missing.append(name)
    if missing:
        print(
            f"bench/extraction.py: {', '.join(missing)} not installed; run "
            "`.venv/bin/pip install -U pip && .venv/bin/pip install -e '.[bench]'` "
            "(or `pip install trafilatura gne readability-lxml`), or score one with --only",
            file=sys.stderr,
        )
        sys.exit(2)
    return extractors


# --------------------------------------------------------------------------- pages and split


def load_labels(sets: tuple[str, ...] = SETS) -> list[tuple[str, Path, dict[str, Any]]]:
    """(key, page path, label) for every labelled page of ``sets`` (the development set)."""
    out = []
    for name in sets:
        folder = FIXTURES / name
        for label in json.loads((folder / "labels.json").read_text("utf-8")):
            path = folder / label["file"]
            if not path.exists():
                path = folder / "pages" / label["file"]
            out.append((f"{name}/{path.name}", path, label))
    return out


def make_split() -> dict[str, Any]:
    """Sites to *tune* and *check*, by the seeded procedure in this module's docstring."""
    every = load_labels()
    labels = [entry for entry in every if entry[0].split("/", 1)[0] in SPLIT_SETS]
    pages_per_site = Counter(site_of(label) for _, _, label in labels)
    sites = sorted(pages_per_site)
    random.Random(SPLIT_SEED).shuffle(sites)
    limit = -(-len(labels) // 3)
    check: list[str] = []
    in_check = 0
    for site in sites:
        if in_check + pages_per_site[site] <= limit:
            check.append(site)
            in_check += pages_per_site[site]
    tune = [site for site in sites if site not in check]
    later = {site_of(label) for key, _, label in every if key.split("/", 1)[0] in LATER_SETS}
    if later & set(check):
        raise SystemExit(f"pages of check sites in {LATER_SETS}: {sorted(later & set(check))}")
    tune += sorted(later - set(tune))
    parts = {"tune": sorted(tune), "check": sorted(check)}
    return {
        "how": (
            f"bench/extraction.py --make-split: sites sorted, random.Random({SPLIT_SEED}).shuffle, "
            "walked in that order; a site goes to check while check stays <= ceil(pages / 3); "
            f"counted over {', '.join(SPLIT_SETS)}; the sites of {', '.join(LATER_SETS)} join tune"
        ),
        "sites": parts,
        "pages": {
            part: sorted(key for key, _, label in every if site_of(label) in names)
            for part, names in parts.items()
        },
    }


def load_pages(part: str, only_set: str | None = None) -> list[Page]:
    """The pages of one part of the split; with ``only_set``, every page of that one folder
    instead, whether or not the split lists it yet (a new batch measured before it joins
    *tune*), refusing a page of a *check* site."""
    split = json.loads(SPLIT.read_text("utf-8"))
    if only_set is not None:
        entries = load_labels((only_set,))
        check = set(split["sites"]["check"])
        if any(site_of(label) in check for _, _, label in entries):
            raise SystemExit(f"{only_set} has pages of check sites: they are never scored alone")
        wanted = None
    else:
        entries = load_labels()
        wanted = None if part == "all" else set(split["pages"][part])
    pages = []
    for key, path, label in entries:
        if wanted is not None and key not in wanted:
            continue
        data = path.read_bytes()
        text, _ = decode_html(data)
        fetched = label.get("fetched_at")
        when = datetime.fromisoformat(fetched).replace(tzinfo=SHANGHAI) if fetched else FETCHED_AT
        reference = reference_body(text, label)
        pages.append(Page(key, site_of(label), label, data, text, reference, when))
    return pages


# --------------------------------------------------------------------------- scoring


def best_seconds(
    run: Callable[[], object], repeat: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    """The shortest of ``repeat`` runs, in seconds of ``clock``."""
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        run()
        best = min(best, clock() - start)
    return best


def _best_ms(
    run: Callable[[], object], repeat: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    return best_seconds(run, repeat, clock) * 1000


def score(
    name: str,
    run: Callable[[Page], Record],
    pages: list[Page],
    lxml_ms: dict[str, float],
    repeat: int,
    details: bool,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, Any]:
    hits: Counter[str] = Counter()
    named: Counter[str] = Counter()
    f1_total = 0.0
    fails = 0
    times, ratios = [], []
    for page in pages:
        rec = run(page)  # also warms caches and lazy imports
        ms = _best_ms(lambda page=page: run(page), repeat, clock)  # type: ignore[misc]
        times.append(ms)
        ratios.append(ms / lxml_ms[page.key])
        lab = page.label
        if not rec.title or not rec.body.strip():
            fails += 1
        checks = {
            "title": _spaced(rec.title) == _spaced(lab["title"]),
            "published": published_ok(rec.published, lab["published"], page.fetched_at),
        }
        for field, ok in (("source", source_ok), ("author", author_ok)):
            got = _spaced(getattr(rec, field)) or None
            if lab[field] is None:
                checks[f"{field} false+"] = got is not None
                continue
            named[field] += 1
            checks[field] = ok(got, lab[field], lab.get(f"{field}_alts") or [])
        hits.update(k for k, ok in checks.items() if ok)
        f1 = body_f1(rec.body, page.reference)
        f1_total += f1
        if details:
            wrong = [k for k, ok in checks.items() if not ok and not k.endswith("+")]
            wrong += [k for k, ok in checks.items() if ok and k.endswith("+")]
            print(
                f"{name:12s} {page.key:24s} F1={f1:.3f} wrong={wrong} "
                f"got={[rec.title, rec.published, rec.source, rec.author]}",
                file=sys.stderr,
            )
    n = len(pages)
    no_source = name in NO_SOURCE
    no_meta = name in NO_META
    return {
        "title": hits["title"] / n,
        "time": None if no_meta else hits["published"] / n,
        "source": None if no_source else hits["source"] / max(named["source"], 1),
        "source false+": None if no_source else hits["source false+"],
        "author": None if no_meta else hits["author"] / max(named["author"], 1),
        "author false+": None if no_meta else hits["author false+"],
        "body F1": f1_total / n,
        "fails": fails,
        "ms": statistics.median(times),
        "x lxml": statistics.median(ratios),
        "_named": named,
    }


def print_table(part: str, pages: list[Page], results: dict[str, dict[str, Any]]) -> None:
    named = results["newsmon"]["_named"]
    sites = len({page.site for page in pages})
    print(
        f"### {part}: {len(pages)} pages from {sites} sites "
        f"({named['source']} name a source, {named['author']} an author)"
    )
    print()
    columns = ["title", "time", "source", "source false+", "author", "author false+"]
    columns += ["body F1", "fails", "ms", "x lxml"]
    print("| extractor | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for name, row in results.items():
        cells = []
        for col in columns:
            value = row[col]
            if value is None:
                cells.append("n/a")
            elif col in ("ms", "x lxml"):
                cells.append(f"{value:.1f}")
            elif col == "body F1":
                cells.append(f"{value:.3f}")
            elif isinstance(value, int):
                cells.append(str(value))
            else:
                cells.append(f"{value:.0%}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument(
        "--part",
        choices=("tune", "check", "both", "all"),
        default="both",
        help="which part of the split to score (both: tune and check, one table each)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs per page; the best counts"
    )
    parser.add_argument("--details", action="store_true", help="per-page misses on stderr")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time with this process's CPU time, not wall time (steadier on a shared machine)",
    )
    parser.add_argument("--only", help="score only this extractor (e.g. newsmon)")
    parser.add_argument(
        "--set",
        dest="only_set",
        help="score every page of this one folder of tests/fixtures/ (e.g. real11) instead of "
        "a part: a new batch, measured unseen before it joins tune",
    )
    parser.add_argument(
        "--make-split", action="store_true", help="rewrite tests/fixtures/split.json and exit"
    )
    args = parser.parse_args(argv)
    if args.make_split:
        SPLIT.write_text(json.dumps(make_split(), ensure_ascii=False, indent=1) + "\n", "utf-8")
        print(f"wrote {SPLIT.relative_to(ROOT)}")
        return 0
    clock = time.process_time if args.cpu else time.perf_counter
    extractors = load_extractors(args.only)
    parts = ["tune", "check"] if args.part == "both" else [args.part]
    if args.only_set:
        parts = [args.only_set]
    for part in parts:
        pages = load_pages(part, args.only_set)
        lxml_ms = {
            page.key: _best_ms(
                lambda page=page: lxml.html.fromstring(page.data),  # type: ignore[misc]
                args.repeat,
                clock,
            )
            for page in pages
        }
        results = {
            name: score(name, run, pages, lxml_ms, args.repeat, args.details, clock)
            for name, run in extractors.items()
        }
        print_table(part, pages, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
