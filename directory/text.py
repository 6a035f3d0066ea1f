"""Text normalisation shared by the stored search text and the query (accent- and case-free)."""

import re
import unicodedata

# Letters NFKD does not decompose into a base letter plus accents.
_LIGATURES = str.maketrans({"ß": "ss", "œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d"})
_WORD = re.compile(r"[^\W_]+")

MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 8
MAX_TERM_LENGTH = 40


def normalize(text: str) -> str:
    """Lower case, accents removed, every run of non-letters/digits turned into one space."""
    text = unicodedata.normalize("NFKD", (text or "").casefold().translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(text))


def query_terms(query: str) -> list[str]:
    """The words of a search query, normalised, deduplicated and bounded in number and size."""
    terms: list[str] = []
    for word in normalize(query[: MAX_QUERY_LENGTH * 2]).split():
        word = word[:MAX_TERM_LENGTH]
        if word not in terms:
            terms.append(word)
        if len(terms) == MAX_QUERY_TERMS:
            break
    return terms
