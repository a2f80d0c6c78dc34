"""Blog posts and social threads copied as text: the site's byline, controls and footer are
page chrome, found by the page's structure (its header repeated under the article)."""

from __future__ import annotations

from qa2anki.adapters import numbered_text

BYLINE = ["Ana Ruiz", "Follow", "4 min read", "·", "May 2, 2024", "812", "", "9", ""]
QUESTIONS = ["1. What is a closure?", "A function with the scope it was made in.", "",
             "2. What is hoisting?", "Declarations move to the top of their scope.", ""]


def _read(lines: list[str]):
    return numbered_text.read("\n".join(lines), "post.txt", {})


def test_the_footer_repeating_the_byline_and_the_tags_above_it_are_cut_from_the_last_answer():
    footer = ["JavaScript", "Interview", "", "812", "", "9", "", "Written by Ana Ruiz",
              "I maintain a few open source libraries and review far too many pull requests on weekends."]
    result = _read([*BYLINE, *QUESTIONS, *footer])
    assert result.items[-1].answer == "Declarations move to the top of their scope."
    first_footer_line = len(BYLINE) + len(QUESTIONS) + 1
    assert (result.skipped[-1].line, result.skipped[-1].reason) == (first_footer_line, "page-chrome")


def test_one_header_word_in_the_last_answer_is_not_a_footer():
    answer = ["It moves declarations up.", "Follow", "the scope chain to see where."]
    result = _read([*BYLINE, *QUESTIONS[:4], *answer])
    assert result.items[-1].answer.endswith("the scope chain to see where.")


def test_site_controls_inside_an_answer_are_skipped():
    result = _read([*BYLINE, "1. What is a closure?", "A function with its scope.", "", "Top highlight", "",
                    "It keeps variables alive.", "", "2. What is hoisting?", "Declarations move up."])
    assert "Top highlight" not in result.items[0].answer
    assert "It keeps variables alive." in result.items[0].answer
    assert any(region.reason == "page-chrome" and region.line == len(BYLINE) + 4 for region in result.skipped)


THREAD = ["1/ 🧵 Three questions I get asked a lot 👇", "", "2/ What is a closure?", "",
          "👉 A function with the scope it was made in.", "❌ Not a copy of the variables", "",
          "3/ What is hoisting?", "", "✅ Declarations move to the top of their scope.", "",
          "4/ What is the event loop?", "", "It runs callbacks when the stack is empty.", ""]


def test_a_thread_numbered_with_slashes_keeps_the_emoji_of_its_items():
    result = _read(THREAD)
    assert [item.ref for item in result.items] == ["Q2", "Q3", "Q4"]
    expected = "- 👉 A function with the scope it was made in.\n- ❌ Not a copy of the variables"
    assert result.items[0].answer == expected


def test_a_closing_post_and_the_hashtags_are_no_answer_but_an_imperative_last_question_is():
    closing = ["5/ That's a wrap! Repost if it helped.", "", "hashtag#javascript hashtag#interviews", "1,024",
               "Like"]
    result = _read([*THREAD, *closing])
    assert result.items[-1].answer == "It runs callbacks when the stack is empty."
    assert result.skipped[-1].reason == "page-chrome" and result.skipped[-1].end_line == len(THREAD) + 5
    imperative = _read([*THREAD, "5/ Explain debouncing.", "", "Wait until the calls stop, then run once."])
    assert imperative.items[-1].question == "Explain debouncing."


def test_a_lone_preprocessor_line_is_not_a_hashtag_line():
    from qa2anki.adapters._text.page_lines import is_hashtag_line

    assert is_hashtag_line("#python #interviewprep") and is_hashtag_line("hashtag#python")
    assert not is_hashtag_line("#endif") and not is_hashtag_line("#include <stdio.h>")
