"""The development set of issue 11: the labelled pages are the bytes their labels describe,
and the split into *tune* and *check* is the one ``bench/extraction.py --make-split`` makes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bench import extraction

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    "name", [*extraction.SPLIT_SETS[1:], *extraction.LATER_SETS]
)  # real2 onwards: every set that records its pages' origin
def test_every_page_is_the_labelled_bytes(name: str) -> None:
    labels = json.loads((FIXTURES / name / "labels.json").read_text("utf-8"))
    assert labels
    for label in labels:
        data = (FIXTURES / name / label["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == label["sha256"], label["file"]
        assert label["origin"]["repo"]
        assert len(label["origin"]["commit"]) == 40


def test_the_committed_split_is_the_seeded_one() -> None:
    committed = json.loads((FIXTURES / "split.json").read_text("utf-8"))
    assert extraction.make_split() == committed


def test_later_sets_only_add_tune_pages() -> None:
    split = json.loads((FIXTURES / "split.json").read_text("utf-8"))
    later = {
        key
        for key, _, _ in extraction.load_labels()
        if key.split("/", 1)[0] in extraction.LATER_SETS
    }
    assert later <= set(split["pages"]["tune"])
    assert not later & set(split["pages"]["check"])
    assert all(key.split("/", 1)[0] in extraction.SPLIT_SETS for key in split["pages"]["check"])


def test_each_label_reads_on_its_page() -> None:
    # body_first/body_last are found in the page's visible text (else the bench exits)
    for key, path, label in extraction.load_labels():
        if key.split("/", 1)[0] in extraction.LATER_SETS:
            text, _ = extraction.decode_html(path.read_bytes())
            assert extraction.reference_body(text, label), key


def test_a_new_batch_is_scored_alone_but_never_a_check_site() -> None:
    # `bench/extraction.py --set real11`: every page of one folder, whatever the split says
    pages = extraction.load_pages("tune", only_set="real11")
    labels = json.loads((FIXTURES / "real11" / "labels.json").read_text("utf-8"))
    assert [page.key for page in pages] == [f"real11/{Path(lab['file']).name}" for lab in labels]
    with pytest.raises(SystemExit, match="check sites"):
        extraction.load_pages("tune", only_set="real2")  # real2 holds pages of check sites
