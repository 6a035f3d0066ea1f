"""Per-language text stored in columns (`name_fr`, `name_nl`, ...), read in the active language.

The site has four languages and a handful of translated reference fields, so plain
columns with a fallback order keep the data explicit and the admin simple.
"""

from django.utils import translation

FALLBACK_ORDER = ("fr", "nl", "en", "de")


def translated(obj, field: str, language: str | None = None) -> str:
    """`obj.<field>_<lang>` in the active language, else the first one filled in."""
    language = (language or translation.get_language() or "fr")[:2]
    for code in (language, *FALLBACK_ORDER):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""


def translated_language(obj, field: str, language: str | None = None) -> str:
    """The language code of the text `translated()` returns (for a `lang` attribute)."""
    language = (language or translation.get_language() or "fr")[:2]
    for code in (language, *FALLBACK_ORDER):
        if getattr(obj, f"{field}_{code}", ""):
            return code
    return language
