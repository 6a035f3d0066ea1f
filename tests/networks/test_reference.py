"""The reference data: every region served, the loader idempotent, editors' checks respected."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from networks.management.commands.load_reference import REFERENCE_DATE, REFERENCE_DIR, Command
from networks.models import HelpLine, Network, PostalCode, Region

pytestmark = pytest.mark.usefixtures("reference")

MAP_CODES = {"BRU", "BWA", "VBR", "ANT", "LIM", "LIE", "NAM", "HAI", "LUX", "WVL", "OVL"}


def test_the_map_has_the_eleven_regions_and_the_community_overlay(db):
    assert set(Region.objects.on_map().values_list("code", flat=True)) == MAP_CODES
    dg = Region.objects.get(code="DG")
    assert dg.kind == Region.Kind.COMMUNITY
    assert dg.parent.code == "LIE"


@pytest.mark.parametrize("code", sorted(MAP_CODES))
def test_each_region_is_served_by_exactly_one_child_and_adolescent_network(db, code):
    region = Region.objects.get(code=code)
    assert Network.objects.for_children().covering(region).count() == 1


def test_the_german_speaking_community_has_realism_for_children_and_its_own_adult_network(db):
    dg = Region.objects.get(code="DG")
    assert list(Network.objects.for_children().covering(dg).values_list("slug", flat=True)) == [
        "realism"
    ]
    assert list(Network.objects.for_adults().covering(dg).values_list("slug", flat=True)) == [
        "netzwerk-mentale-gesundheit-ostbelgien"
    ]


def test_counts_match_the_files(db):
    assert PostalCode.objects.count() == 1149
    assert Network.objects.for_children().count() == 11
    assert Network.objects.for_adults().count() == 8
    assert HelpLine.objects.count() == 8
    assert PostalCode.objects.filter(in_german_community=True).count() == 20


def test_postcode_2070_follows_the_province_column_not_the_number_range(db):
    assert PostalCode.objects.lookup("2070").region.code == "OVL"


def test_null_in_the_data_stays_empty(db):
    yuneco = Network.objects.get(slug="yuneco")
    assert (yuneco.website, yuneco.phone, yuneco.email, yuneco.address) == ("", "", "", "")
    assert yuneco.website_verified is False


def test_last_checked_defaults_to_the_compilation_date(db):
    assert dt.date(2026, 11, 23) == REFERENCE_DATE
    assert set(Network.objects.values_list("last_checked", flat=True)) == {REFERENCE_DATE}


def test_loading_again_changes_nothing(db):
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "0 regions, 0 postal codes, 0 networks, 0 help lines" in out.getvalue()


def test_an_editor_checked_network_is_not_overwritten_by_the_loader(db):
    network = Network.objects.get(slug="archipel")
    network.phone = "+32 10 00 00 00"
    network.last_checked = dt.date(2027, 2, 1)
    network.save()
    call_command("load_reference", stdout=io.StringIO())
    network.refresh_from_db()
    assert network.phone == "+32 10 00 00 00"
    assert network.last_checked == dt.date(2027, 2, 1)


def test_a_network_not_checked_since_the_data_was_compiled_is_refreshed(db):
    network = Network.objects.get(slug="archipel")
    network.short_name = "Changed by mistake"
    network.save()
    call_command("load_reference", stdout=io.StringIO())
    network.refresh_from_db()
    assert network.short_name == "Archipel"


def test_translations_cover_the_english_offers_one_for_one(db):
    data = json.loads((REFERENCE_DIR / "networks.json").read_text(encoding="utf-8"))
    translations = json.loads(
        (REFERENCE_DIR / "networks_translations.json").read_text(encoding="utf-8")
    )
    for item in data:
        translation = translations.get(item["slug"])
        if translation is None:
            continue
        assert translation["en"]["offers"] == item["offers"], item["slug"]
        for code in ("fr", "nl", "de"):
            if code in translation:
                assert len(translation[code]["offers"]) == len(item["offers"]), (item["slug"], code)


def test_a_stale_translation_is_dropped_and_the_english_shown():
    item = {"offers": ["New English statement"], "phone_note": ""}
    stale = {"en": {"offers": ["Old English statement"]}, "fr": {"offers": ["Ancienne phrase"]}}
    values = Command.translated_values(item, stale)
    assert values["offers_fr"] == []
    current = {"en": {"offers": ["New English statement"]}, "fr": {"offers": ["Nouvelle phrase"]}}
    assert Command.translated_values(item, current)["offers_fr"] == ["Nouvelle phrase"]


def test_offers_fall_back_to_english_with_its_language_code(db):
    network = Network.objects.get(slug="matilda")
    network.offers_nl = []
    assert network.localized_offers("nl") == (network.offers, "en")
    network.offers_fr = [f"fr {i}" for i in range(len(network.offers))]
    assert network.localized_offers("fr") == (network.offers_fr, "fr")
    # A translation that lost a statement is not shown.
    network.offers_fr = network.offers_fr[:-1]
    assert network.localized_offers("fr") == (network.offers, "en")


def test_a_translation_must_match_the_english_list_length(db):
    from django.core.exceptions import ValidationError

    network = Network.objects.get(slug="matilda")
    network.offers_fr = ["une seule phrase"]
    with pytest.raises(ValidationError):
        network.full_clean()
