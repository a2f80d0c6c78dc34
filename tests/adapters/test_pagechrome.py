"""Text extracted from a PDF: running headers, footers and page numbers found by the page
structure, words broken at line ends joined conservatively."""

from __future__ import annotations

from qa2anki.adapters import numbered_text
from qa2anki.pagechrome import chrome_lines, mark_broken_words, page_view, unwrap


def _page(number: int, body: list[str], total: int = 3) -> list[str]:
    return ["Study Notes", "", *body, "", f"Page {number} of {total}"]


def _filler(count: int, start: int = 0) -> list[str]:
    return [f"Sentence number {start + n} explains one more detail of the topic." for n in range(count)]


def test_form_feeds_make_lines_opening_and_closing_pages_chrome():
    pages = [_page(n, _filler(4, 10 * n)) for n in (1, 2, 3)]
    text = "\n\f".join("\n".join(page) for page in pages)
    lines = text.split("\n")
    found = chrome_lines(lines)
    expected = {"Study Notes", "Page 1 of 3", "Page 2 of 3", "Page 3 of 3"}
    assert {lines[i].strip("\f") for i in found} == expected


def test_without_form_feeds_a_counter_and_the_header_beside_it_are_chrome():
    lines = [line for n in (1, 2, 3) for line in _page(n, _filler(9, 10 * n))]
    found = chrome_lines(lines)
    expected = ["Study Notes"] * 3 + [f"Page {n} of 3" for n in (1, 2, 3)]
    assert sorted(lines[i] for i in found) == sorted(expected)


def test_bare_page_numbers_count_pages_but_a_repeated_answer_does_not():
    lines: list[str] = []
    for number in (4, 5, 6):
        lines += [*_filler(4, number * 10), "True", *_filler(4, number * 10 + 5), "", str(number), ""]
    found = chrome_lines(lines)
    assert sorted(lines[i] for i in found) == ["4", "5", "6"]  # "True" recurs, but beside nothing


def test_numbers_close_together_or_out_of_order_are_not_pages():
    output = ["print(i)", "1", "2", "3", "4"]
    shuffled = [line for number in (3, 1, 2) for line in [*_filler(9), str(number)]]
    assert chrome_lines(output) == set()
    assert chrome_lines(shuffled) == set()


def test_the_documents_own_numbering_is_never_a_page_counter():
    lines = [line for n in (1, 2, 3) for line in [f"Q{n}.", *_filler(9)]]
    assert chrome_lines(lines) != set()  # alone, "Q1.", "Q2.", "Q3." count up like pages
    assert chrome_lines(lines, numbering=[0, 10, 20]) == set()


def test_a_page_break_inside_a_sentence_joins_its_halves_and_maps_lines_back():
    lines = ["Q1. What is a heap?", "Ans: A tree where every parent is smaller than", "",
             "Page 1 of 3", "Study Notes", "", "its children.", *_filler(8), "Page 2 of 3", "Study Notes",
             *_filler(8), "Page 3 of 3"]
    view = page_view(lines)
    assert view.lines[:3] == (lines[0], lines[1], "its children.")
    assert view.source_line(3) == 7
    result = numbered_text.read("\n".join(lines), "notes.txt", {})
    assert "smaller than its children." in result.items[0].answer
    assert [(s.line, s.reason) for s in result.skipped][:1] == [(4, "page-chrome")]


def test_a_word_broken_at_a_line_end_is_joined_unless_written_hyphenated_elsewhere():
    lines = ["An abstract class differs from an inter-", "face in what it may hold. A read-",
             "only field is fixed; read-only means set once. Call Mark-", "Down or e-", "mail."]
    marked = mark_broken_words(lines)
    assert unwrap(marked[:2]) == "An abstract class differs from an interface in what it may hold. A read-"
    assert unwrap(marked[1:3]).startswith("face in what it may hold. A read-only field")
    assert unwrap(marked[2:4]) == "only field is fixed; read-only means set once. Call Mark- Down or e-"
    assert unwrap(marked[3:]) == "Down or e-mail."  # one letter: a prefix, kept


def test_code_keeps_its_hyphens():
    lines = ["    total = count -", "    offset", "x = a-", "b"]
    assert mark_broken_words(lines) == lines


def test_a_contents_list_with_dot_leaders_is_skipped_and_pdf_bullets_nest():
    text = "\n".join([
        "Q1. What is a struct? ........ 1", "Q2. What is a record, and when is it better than a",
        "class? ........ 2", "", "Q1. What is a struct?", "Ans: A value type.", "\uf0b7 Copied whole:",
        "o\tpoints", "o\tsizes", "", "Q2. What is a record, and when is it better than a", "class?",
        "Ans: A type with value equality.",
    ])
    result = numbered_text.read(text, "notes.txt", {})
    assert [item.question for item in result.items] == [
        "What is a struct?", "What is a record, and when is it better than a class?"]
    assert result.items[0].answer.endswith("- Copied whole:\n    - points\n    - sizes")
    assert [(s.line, s.end_line, s.reason) for s in result.skipped] == [(1, 3, "table-of-contents")]
    assert not result.dropped


def test_a_line_of_one_huge_word_is_read_in_one_pass():
    huge = "x" * 2**20
    marked = mark_broken_words([huge + "-", "yz", huge])
    assert unwrap(marked[:2]) == huge + "yz"
