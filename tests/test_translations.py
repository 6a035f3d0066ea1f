"""The translation catalogues are complete and compiled.

French, Dutch and English must have every interface string translated and nothing
fuzzy; German covers the interface too. A stale .mo (older than its .po) fails.
"""

from pathlib import Path

import polib
import pytest

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ["fr", "nl", "en", "de"]


def catalogue(language: str) -> polib.POFile:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    assert path.is_file(), f"missing catalogue {path}"
    return polib.pofile(str(path))


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete(language):
    po = catalogue(language)
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [], (
        f"{len(untranslated)} untranslated in {language}: {untranslated[:10]}"
    )
    assert fuzzy == [], f"{len(fuzzy)} fuzzy in {language}: {fuzzy[:10]}"
    assert len(po) > 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches(language):
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo}
    for entry in catalogue(language).translated_entries():
        if entry.msgid_plural:
            continue
        assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, (
            f"{language}: run `make messages` ({entry.msgid!r} is stale)"
        )
