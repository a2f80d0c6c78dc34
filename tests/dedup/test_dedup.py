"""The dedup stage on hand-written items: what must merge, what must not, and the controls."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ankitools import import_apkg, notes_by_question
from conftest import DATA
from qa2anki.cli import main
from qa2anki.dedup import DEFAULT_THRESHOLD, SAME_SOURCE_MARGIN, PairScorer, deduplicate
from qa2anki.dedup.features import _Packed
from qa2anki.manifest import DedupSpec
from qa2anki.models import UNREPAIRED, Card, Item

FIXTURES = yaml.safe_load((DATA / "dedup" / "items.yaml").read_text(encoding="utf-8"))


def items(*names: str) -> list[Item]:
    """The named fixture items, in the order given (that order is their source order)."""
    out = []
    for name in names:
        spec = FIXTURES[name]
        out.append(
            Item(
                question=spec["question"],
                answer=spec["answer"],
                source=spec["source"],
                ref=spec["ref"],
                flags=frozenset(spec.get("flags", ())),
            )
        )
    return out


def key(item: Item) -> str:
    return f"{item.source}#{item.ref}"


def groups(cards: tuple[Card, ...]) -> list[set[str]]:
    return [{key(item) for item in card.items} for card in cards]


def together(cards: tuple[Card, ...], *names: str) -> bool:
    wanted = {key(item) for item in items(*names)}
    return any(wanted <= group for group in groups(cards))


EVERYTHING = [name for name in FIXTURES]


def test_paraphrases_across_sources_merge():
    result = deduplicate(items(*EVERYTHING))
    assert together(result.cards, "asgi_site", "asgi_blog")
    assert together(result.cards, "static_site", "static_notes")
    assert together(result.cards, "def_async_site", "def_async_notes")
    assert together(result.cards, "path_query_notes", "path_query_blog")


def test_three_sources_make_one_card():
    result = deduplicate(items(*EVERYTHING))
    assert together(result.cards, "upload_site", "upload_blog", "upload_notes")
    (card,) = [c for c in result.cards if key(items("upload_site")[0]) in {key(i) for i in c.items}]
    assert len(card.items) == 3
    assert 0 < card.similarity < 1


@pytest.mark.parametrize(
    "first, second",
    [
        ("header_site", "cookie_site"),
        ("path_query_notes", "path_query_body_blog"),
        ("path_query_blog", "path_query_body_blog"),
        ("def_async_site", "async_await_site"),
        ("def_async_notes", "async_await_site"),
        ("lifecycle_site", "middleware_order_site"),
    ],
)
def test_related_but_distinct_questions_stay_apart(first, second):
    result = deduplicate(items(*EVERYTHING))
    assert not together(result.cards, first, second)
    # and not merely because of the rest of the corpus: alone, they stay apart too
    assert len(deduplicate(items(first, second)).cards) == 2


def _synthetic(ref: str, words: str) -> Item:
    return Item(f"What about {words}?", f"It is all about {words}.", source="chain.md", ref=ref)


def test_a_chain_is_not_a_cluster():
    """B shares half its words with A and half with C; A and C share nothing: no card holds both."""
    corpus = [
        _synthetic("A", "alembic migrations rollback revision"),
        _synthetic("B", "rollback revision pagination cursor"),
        _synthetic("C", "pagination cursor throttling quota"),
    ]
    scorer = PairScorer(corpus)
    threshold = 0.3
    assert scorer.score(0, 1).total >= threshold and scorer.score(1, 2).total >= threshold
    assert scorer.score(0, 2).total < 0.05
    result = deduplicate(corpus, DedupSpec(threshold=threshold))
    assert len(result.cards) == 2
    assert not any({"chain.md#A", "chain.md#C"} <= group for group in groups(result.cards))


def test_one_sources_questions_need_a_margin_even_through_a_third_item():
    """A and B (one source) are close, but not clearly; X (another source) is close to both."""
    corpus = [
        _synthetic("A", "alembic migrations rollback revision"),
        _synthetic("B", "alembic migrations rollback cursor"),
        replace(_synthetic("X", "alembic migrations rollback revision cursor"), source="other.md"),
    ]
    scorer = PairScorer(corpus)
    threshold = 0.65
    assert threshold <= scorer.score(0, 1).total < threshold + SAME_SOURCE_MARGIN
    assert scorer.score(0, 2).total >= threshold and scorer.score(1, 2).total >= threshold
    result = deduplicate(corpus, DedupSpec(threshold=threshold))
    assert [{item.ref for item in card.items} for card in result.cards] == [{"A", "X"}, {"B"}]


def test_between_equal_answers_an_open_question_is_shown_rather_than_a_yes_no_one():
    asks, says = (
        Item("Does FastAPI support WebSockets?", "Declare `@app.websocket('/ws')` and accept.", "a.md", "Q1"),
        Item("How do you define a WebSocket route in FastAPI?", "Declare `@app.websocket('/ws')` and accept.",
             "b.md", "Q9"),
    )
    (card,) = deduplicate([asks, says], DedupSpec(threshold=0.3)).cards
    assert card.shown_question == "How do you define a WebSocket route in FastAPI?"


def test_questions_naming_two_things_stay_apart_from_each_one():
    result = deduplicate(items(*EVERYTHING))
    assert not together(result.cards, "header_site", "headers_cookies_blog")
    assert not together(result.cards, "cookie_site", "headers_cookies_blog")


def test_answer_only_units_attach_to_the_question_they_answer():
    corpus = items(*EVERYTHING)
    result = deduplicate(corpus)
    assert together(result.cards, "lifecycle_site", "lifecycle_unit")
    assert together(result.cards, "middleware_order_site", "middleware_unit")
    assert not together(result.cards, "lifecycle_site", "middleware_order_site")
    for card in result.cards:
        assert not card.primary.is_answer_only
        assert card.shown_question
    assert [(d.source, d.ref, d.reason) for d in result.dropped] == [("scraped.txt", "U3", "no-question")]


def test_units_without_questions_are_dropped_not_lost():
    result = deduplicate(items("lifecycle_unit", "orphan_unit"))
    assert result.cards == ()
    assert {d.ref for d in result.dropped} == {"U1", "U3"}
    assert {d.reason for d in result.dropped} == {"no-question"}


def test_best_answer_is_primary_and_shown_under_its_own_question():
    site, blog, notes = items("upload_site", "upload_blog", "upload_notes")
    card = deduplicate([blog, notes, site]).cards[0]
    assert key(card.primary) == "site.json#file-upload"  # the richest clean answer, with code
    assert [key(item) for item in card.others] == ["blog.txt#Q43", "notes.md#Q12"]  # source order
    assert card.shown_question == site.question  # its own question: question and answer belong
    damaged = replace(site, flags=frozenset({UNREPAIRED}))
    card = deduplicate([blog, notes, damaged]).cards[0]
    assert key(card.primary) != "site.json#file-upload"  # unrepaired code ranks below clean code
    assert len(card.items) == 3  # nothing dropped


def test_cards_follow_source_order_and_runs_are_deterministic():
    corpus = items(*EVERYTHING)
    first = deduplicate(corpus)
    again = deduplicate(corpus)
    assert first == again
    earliest = [min(corpus.index(item) for item in card.items) for card in first.cards]
    assert earliest == sorted(earliest)


def test_every_item_is_a_card_member_or_dropped():
    corpus = items(*EVERYTHING)
    result = deduplicate(corpus)
    seen = [key(item) for card in result.cards for item in card.items]
    seen += [f"{d.source}#{d.ref}" for d in result.dropped]
    assert sorted(seen) == sorted(key(item) for item in corpus)


def test_keep_separate_override_splits_a_merge():
    corpus = items("asgi_site", "asgi_blog")
    assert len(deduplicate(corpus).cards) == 1
    spec = DedupSpec(keep_separate=(("site.json#asgi-vs-wsgi", "blog.txt#Q13"),))
    result = deduplicate(corpus, spec)
    assert len(result.cards) == 2 and result.clusters == ()


def test_merge_override_joins_distinct_questions_and_says_so():
    corpus = items("lifecycle_site", "middleware_order_site")
    assert len(deduplicate(corpus).cards) == 2
    spec = DedupSpec(merge=(("site.json#request-lifecycle-overview", "sources/site.json#middleware-order"),))
    result = deduplicate(corpus, spec)
    assert len(result.cards) == 1
    (cluster,) = result.clusters
    assert [link.forced for link in cluster.links] == [True]


def test_override_naming_an_unknown_item_is_a_warning():
    spec = DedupSpec(
        merge=(("site.json#asgi-vs-wsgi", "site.json#no-such-ref"),),
        keep_separate=(("nowhere.md#Q1", "blog.txt#Q13"),),
    )
    result = deduplicate(items("asgi_site", "asgi_blog"), spec)
    messages = [d.message for d in result.diagnostics]
    assert any("site.json#no-such-ref" in m for m in messages)
    assert any("nowhere.md#Q1" in m for m in messages)
    assert len(result.cards) == 1  # the known part of the manifest still applies


def test_threshold_decides_borderline_pairs():
    corpus = items("static_site", "static_notes")
    strict = deduplicate(corpus, DedupSpec(threshold=0.9))
    loose = deduplicate(corpus, DedupSpec(threshold=0.2))
    assert len(strict.cards) == 2 and len(loose.cards) == 1
    assert strict.threshold == 0.9 and deduplicate(corpus).threshold == DEFAULT_THRESHOLD


def test_disabled_dedup_keeps_every_question():
    corpus = items(*EVERYTHING)
    result = deduplicate(corpus, DedupSpec(enabled=False))
    assert len(result.cards) == sum(not item.is_answer_only for item in corpus)
    assert all(d.reason == "no-question" for d in result.dropped)


def test_units_never_form_a_card_of_their_own():
    unit = items("middleware_unit")[0]
    twin = replace(unit, ref="U9")
    result = deduplicate([unit, twin])
    assert unit.is_answer_only and result.cards == ()
    assert [(d.ref, d.reason) for d in result.dropped] == [("U2", "no-question"), ("U9", "no-question")]


# --- through the command line and a real Anki import -------------------------------------------


@pytest.fixture
def fixture_deck(tmp_path: Path) -> Path:
    """site.md and notes.md with a manifest that keeps one pair apart and forces one merge."""
    for name in ("site.md", "notes.md", "qa2anki.yaml"):
        shutil.copy(DATA / "dedup" / name, tmp_path / name)
    return tmp_path / "qa2anki.yaml"


def test_dups_lists_clusters_links_and_override_warnings(fixture_deck: Path):
    result = CliRunner().invoke(main, ["dups", "--config", str(fixture_deck)])
    assert result.exit_code == 0, result.output
    assert "Dedup fixture: 2 merged cards from 4 items, 4 cards in all (threshold 0.50)" in result.output
    assert "site.md#Q1 ~ notes.md#Q1: score 0.6" in result.output
    assert "(question 0.72, answer 0.51, cross 0.73" in result.output  # the signals that decided
    assert "site.md#Q3 ~ site.md#Q4: merge: in manifest" in result.output
    near_misses = result.output.split("Near misses")[1]
    assert "site.md#Q2 ~ notes.md#Q2" in near_misses  # the pair the manifest keeps separate
    assert "apart: keep_separate in the manifest" in near_misses
    assert "warning: notes.md: dedup merge: no item 'notes.md#99' in this deck; ignored" in result.stderr


def test_overrides_reach_the_anki_deck(fixture_deck: Path, collection):
    report = fixture_deck.parent / "report.json"
    result = CliRunner().invoke(main, ["build", "--config", str(fixture_deck), "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "notes.md#99" in result.stderr
    cards = json.loads(report.read_text(encoding="utf-8"))["cards"]
    (asgi_card,) = [card for card in cards if len(card["sources"]) == 2 and "ASGI" in card["question"]]
    assert 0.5 <= asgi_card["similarity"] < 1
    assert [(s["file"], s["ref"]) for s in asgi_card["sources"]] == [("notes.md", "Q1"), ("site.md", "Q1")]
    assert import_apkg(collection, fixture_deck.parent / "out" / "dedup.apkg").new == 4
    notes = notes_by_question(collection)
    asgi = notes["Explain the difference between ASGI and WSGI. Why does FastAPI require an ASGI server?"]
    assert asgi["Source"] == (  # the documents' own titles; file and ref are in the report (above)
        '<ul class="qa-sources"><li>My notes</li><li>FastAPI questions from a site</li></ul>'
    )
    assert "Starlette" in asgi["Answer"]  # the richer answer is shown
    assert "WSGI is the older synchronous interface" in asgi["OtherAnswers"]  # the other is kept
    assert "Cookie()" in notes["How do you read a request header in FastAPI?"]["OtherAnswers"]


def test_operators_are_what_a_question_asks_about():
    """`==` and `===` are terms: the two phrasings of that JS classic merge, and a question
    about `===` alone is not the same as one about `??`."""
    from qa2anki.similarity import content_terms

    assert content_terms("What is the difference between == and ===?") == ["==", "==="]
    assert content_terms("Explain `==` and `===`") == ["==", "==="]
    assert content_terms("| --- | --- | and a -- dash...") == ["dash"]
    loose = "`==` compares after type coercion, so `1 == '1'` is true; `===` also compares types."
    strict = "`===` is strict: no coercion, the types must match. `==` coerces first: `0 == ''` holds."
    pair = [
        Item("Explain `==` and `===`", loose, source="notes.md", ref="eq"),
        Item("What is the difference between == and ===?", strict, source="site.md", ref="eq"),
    ]
    assert len(deduplicate(pair).cards) == 1
    other = Item("What does `??` do?", "`??` gives the right side when the left is null or undefined.",
                 source="site.md", ref="nullish")
    assert len(deduplicate([pair[0], other]).cards) == 2


def test_a_unit_the_manifest_merged_stays_where_the_user_put_it():
    """Units are searched before the manifest's merges are applied; one it merged must still
    never be attached elsewhere by score."""
    corpus = items("lifecycle_site", "middleware_order_site", "lifecycle_unit")
    assert together(deduplicate(corpus).cards, "lifecycle_site", "lifecycle_unit")  # by score
    unit, other = items("lifecycle_unit", "middleware_order_site")
    spec = DedupSpec(merge=((key(other), key(unit)),))
    result = deduplicate(corpus, spec)
    assert together(result.cards, "middleware_order_site", "lifecycle_unit")
    assert not together(result.cards, "lifecycle_site", "lifecycle_unit")


def test_key_terms_are_the_same_before_and_after_the_vectors_are_kept():
    """Candidates are found from term counts before any vector is kept: the key terms must be
    those the kept vectors give."""
    corpus = items(*EVERYTHING)
    featurizer = PairScorer(corpus).featurizer
    early = [featurizer.key_terms(i, 4, 6) for i in range(len(corpus))]
    assert featurizer.profile(0).answer  # the vectors are made and kept from here on
    assert [featurizer.key_terms(i, 4, 6) for i in range(len(corpus))] == early
    assert any(early)


def test_a_packed_vector_unpacks_to_the_same_weights_in_the_same_order():
    """Vectors are kept packed between pairs; a cosine adds its products in the vector's order,
    so the order must come back too, or a score could move in its last digit."""
    featurizer = PairScorer(items(*EVERYTHING)).featurizer
    for index in range(len(featurizer.items)):
        profile = featurizer.profile(index)
        for vector in (profile.question, profile.answer, profile.whole):
            assert list(_Packed.of(vector).unpacked().items()) == list(vector.items())
    assert featurizer.answer_terms(0) == len(featurizer.profile(0).answer) > 0
