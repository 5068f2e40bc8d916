"""Plain English: reading ease by textstat, and the words to simplify (pure, no database)."""

import socket

from hypothesis import given
from hypothesis import strategies as st

from senco.plans import plain_english as pe

EASY = "Sam reads with us each day. He likes it. We will help him."
HARD = (
    "Individualised differentiated interventions facilitate phonological comprehension, "
    "consequently demonstrating considerable improvement in articulation."
)


def found(text: str, **kwargs) -> dict[str, pe.WordToSimplify]:
    return {w.word: w for w in pe.words_to_simplify(text, **kwargs)}


def test_short_words_in_short_sentences_read_more_easily_than_jargon():
    assert pe.reading_ease(EASY) > 80
    assert pe.reading_ease(HARD) < 30
    assert pe.grade(EASY) < pe.grade(HARD)


def test_longer_sentences_read_less_easily():
    short = "We read a book. We talk about it. We write a line."
    long = "We read a book and then we talk about it and after that we write a line about it."
    assert pe.reading_ease(short) > pe.reading_ease(long)


def test_longer_words_read_less_easily():
    assert pe.reading_ease("We will help him read.") > pe.reading_ease(
        "We will support his comprehension."
    )


def test_the_score_stays_on_the_scale_and_empty_text_has_none():
    assert pe.reading_ease("Go.") == 100.0
    assert pe.reading_ease("") == 0.0
    assert pe.readability("  ").score is None
    assert pe.readability("  ").verdict == pe.NOTHING_WRITTEN


@given(st.text(max_size=300))
def test_any_text_scores_between_0_and_100(text):
    assert 0.0 <= pe.reading_ease(text) <= 100.0


def test_the_verdict_says_in_words_who_will_follow_it():
    assert pe.verdict(75) == "Fairly easy: most parents will follow it"
    assert pe.verdict(60).startswith("Plain English")
    assert pe.verdict(59.9).startswith("Fairly hard")
    assert pe.verdict(5).startswith("Very hard")
    scores = [5, 35, 55, 65, 75, 85, 95]
    assert len({pe.verdict(s) for s in scores}) == len(scores)


def test_readability_is_measured_against_the_target():
    easy = pe.readability(EASY, title="Goals", target=60)
    assert easy.meets_target and easy.title == "Goals" and easy.words == 13
    assert not pe.readability(HARD, target=60).meets_target
    assert not pe.readability(EASY, target=101).meets_target
    assert easy.reading_age is not None and easy.reading_age >= 5


def test_abbreviations_are_found_as_written_with_what_they_stand_for():
    words = found("Sam sees the SALT and the ELSA about his SEMH and SLCN. Elsa likes salt.")
    assert words["SALT"].plainer == "speech and language therapist"
    assert words["ELSA"].why == "abbreviation"
    assert {"SEMH", "SLCN"} <= set(words)
    assert "Elsa" not in words and "salt" not in words
    assert set(found("An EHCP for ASD and SpLD.")) == {"EHCP", "ASD", "SpLD"}


def test_jargon_is_found_in_any_case_phrases_included():
    words = found("Differentiated work helps his fine motor and Phonological skills.")
    assert words["Differentiated"].plainer == "changed to suit them"
    assert "fine motor" in words and "Phonological" in words
    assert "proprioceptive" in found("A proprioceptive break.")


def test_long_words_that_are_not_everyday_words_are_found():
    words = found("He will categorise vocabulary with his family tomorrow.")
    assert words["categorise"].why == "long word" and words["categorise"].plainer == ""
    assert "vocabulary" in words
    assert not {"family", "tomorrow"} & set(words)


def test_everyday_words_and_their_plurals_are_not_long_words():
    assert found("Families do activities together, remember, every afternoon.") == {}


def test_names_given_are_left_out():
    assert "Alexandria" in found("Alexandria reads.")
    assert found("Alexandria reads.", ignore=["Alexandria"]) == {}


def test_each_word_is_listed_once_with_how_often_it_appears():
    words = pe.words_to_simplify("The SALT met the SALT. Differentiated, differentiated.")
    assert [(w.word, w.times) for w in words] == [("SALT", 2), ("Differentiated", 2)]


def test_a_word_inside_a_phrase_is_not_listed_twice():
    words = found("Fine motor skills, like a toy motor.")
    assert list(words) == ["Fine motor"]


def test_the_check_scores_each_section_and_says_where_each_word_is():
    report = pe.check([("Goals", EASY), ("What school will do", HARD + " The SALT helps.")])
    assert [s.title for s in report.sections] == ["Goals", "What school will do"]
    assert report.sections[0].score > report.sections[1].score
    assert report.sections[1].score <= report.overall.score <= report.sections[0].score
    where = {w.word: w.where for w in report.to_simplify}
    assert where["SALT"] == ("What school will do",)
    twice = pe.check([("A", "The SALT came."), ("B", "The SALT went.")])
    assert [(w.word, w.times, w.where) for w in twice.to_simplify] == [("SALT", 2, ("A", "B"))]


def test_lines_without_full_stops_are_read_as_sentences():
    assert pe.as_sentences(["Reads a page", "Asks for help!", "One\nTwo."]) == (
        "Reads a page. Asks for help! One. Two."
    )
    items = [
        "Reads a page of a picture book aloud to an adult",
        "Asks an adult for help when he is stuck on a task",
        "Follows instructions given to the whole class",
    ]
    assert pe.reading_ease(pe.as_sentences(items)) > pe.reading_ease(" ".join(items))


def test_it_never_uses_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("plain_english opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert pe.reading_ease("A new sentence to count, never seen before by the cache.") > 0
    assert pe.words_to_simplify("Extraordinarily unprecedented circumstances.")
