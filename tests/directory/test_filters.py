"""The search query string: every parameter, OR within a key, AND across keys, bad input."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse

from directory.models import Group
from tests.factories import GroupFactory, PostalCodeFactory, RegionFactory, ThemeFactory

pytestmark = pytest.mark.django_db
URL = "/en/groups/"


def found(client, query: str = "") -> set[int]:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    return {group.pk for group in response.context["page_obj"].object_list}


@pytest.fixture
def places():
    namur = PostalCodeFactory(
        code="5000",
        municipality_fr="Namur",
        municipality_nl="Namen",
        region=RegionFactory(code="NAM"),
        latitude=Decimal("50.4678"),
        longitude=Decimal("4.8896"),
    )
    gembloux = PostalCodeFactory(
        code="5030",
        municipality_fr="Gembloux",
        municipality_nl="Gembloers",
        region=namur.region,
        latitude=Decimal("50.5458"),
        longitude=Decimal("4.7058"),
    )
    ghent = PostalCodeFactory(
        code="9000",
        municipality_fr="Gand",
        municipality_nl="Gent",
        region=RegionFactory(code="OVL"),
        latitude=Decimal("51.05"),
        longitude=Decimal("3.7167"),
    )
    eupen = PostalCodeFactory(
        code="4700",
        municipality_fr="Eupen",
        municipality_nl="Eupen",
        region=RegionFactory(code="LIE"),
        in_german_community=True,
        latitude=Decimal("50.6279"),
        longitude=Decimal("6.0365"),
    )
    return {"namur": namur, "gembloux": gembloux, "ghent": ghent, "eupen": eupen}


def test_no_filter_lists_published_only(client):
    public = GroupFactory(published=True)
    GroupFactory()  # draft
    GroupFactory(status="pending", owner=public.owner)
    assert found(client) == {public.pk}


@pytest.mark.parametrize(
    ("key", "match", "other"),
    [
        ("kind", {"kind": "therapy"}, {"kind": "peer"}),
        ("format", {"format": "online", "postal_code": None}, {"format": "in_person"}),
        ("audience", {"audiences": ["siblings"]}, {"audiences": ["parents"]}),
        ("child_age", {"child_age_bands": ["12-17"]}, {"child_age_bands": ["0-3"]}),
        ("language", {"languages": ["vgt"]}, {"languages": ["fr"]}),
        ("day", {"weekday": 6}, {"weekday": 2}),
    ],
)
def test_each_choice_parameter(client, key, match, other):
    value = {
        "kind": "therapy",
        "format": "online",
        "audience": "siblings",
        "child_age": "12-17",
        "language": "vgt",
        "day": "6",
    }[key]
    wanted = GroupFactory(published=True, **match)
    GroupFactory(published=True, **other)
    assert found(client, f"{key}={value}") == {wanted.pk}


def test_theme_region_free_and_q(client, places):
    adhd = ThemeFactory(slug="adhd", name_en="ADHD", name_fr="TDAH")
    in_namur = GroupFactory(
        published=True, postal_code=places["namur"], themes=[adhd], title="Café des parents"
    )
    paid = GroupFactory(
        published=True,
        postal_code=places["ghent"],
        price_type="per_session",
        price_amount=Decimal("12"),
    )
    assert found(client, "theme=adhd") == {in_namur.pk}
    assert found(client, "region=NAM") == {in_namur.pk}
    assert found(client, "region=nam") == {in_namur.pk}  # codes are case-insensitive
    assert found(client, "free=on") == {in_namur.pk}
    assert found(client, "q=cafe") == {in_namur.pk}
    assert found(client, "q=TDAH") == {in_namur.pk}  # theme names are searchable
    assert found(client, "q=gent") == {paid.pk}  # municipality, any language


def test_german_community_region(client, places):
    RegionFactory(code="DG", kind="community")
    eupen = GroupFactory(published=True, postal_code=places["eupen"])
    GroupFactory(published=True, postal_code=places["namur"])
    assert found(client, "region=DG") == {eupen.pk}


def test_values_of_one_key_are_or_keys_are_and(client):
    therapy_fr = GroupFactory(published=True, kind="therapy", languages=["fr"])
    peer_fr = GroupFactory(published=True, kind="peer", languages=["fr"])
    therapy_nl = GroupFactory(published=True, kind="therapy", languages=["nl"])
    GroupFactory(published=True, kind="support", languages=["fr"])
    assert found(client, "kind=therapy&kind=peer") == {therapy_fr.pk, peer_fr.pk, therapy_nl.pk}
    assert found(client, "kind=therapy&kind=peer&language=fr") == {therapy_fr.pk, peer_fr.pk}
    assert found(client, "kind=therapy&language=nl") == {therapy_nl.pk}


def test_postcode_radius_distance_and_nearest_first(client, places):
    namur = GroupFactory(published=True, postal_code=places["namur"])
    gembloux = GroupFactory(published=True, postal_code=places["gembloux"])
    GroupFactory(published=True, postal_code=places["ghent"])
    online = GroupFactory(published=True, online=True)
    response = client.get(f"{URL}?postcode=5030&radius=25")
    groups = list(response.context["page_obj"].object_list)
    assert [g.pk for g in groups] == [gembloux.pk, namur.pk]
    assert groups[1].distance_km == pytest.approx(15.6, abs=0.5)
    assert response.context["sort"] == "nearest"
    assert response.context["online_elsewhere"] == 1
    assert ">16 km<" in response.content.decode()
    assert online.pk not in {g.pk for g in groups}
    assert found(client, "postcode=5030&radius=5") == {gembloux.pk}
    assert found(client, "postcode=5030&radius=300") == {namur.pk, gembloux.pk} | {
        g.pk for g in Group.objects.filter(postal_code=places["ghent"])
    }


def test_sort_soonest_and_newest(client):
    today = dt.date.today()
    later = GroupFactory(
        published=True,
        weekday=None,
        recurrence="monthly",
        first_session_on=today + dt.timedelta(days=20),
    )
    sooner = GroupFactory(
        published=True,
        weekday=None,
        recurrence="monthly",
        first_session_on=today + dt.timedelta(days=2),
    )
    Group.objects.filter(pk=later.pk).update(
        published_at=sooner.published_at + dt.timedelta(days=1)
    )
    soonest = client.get(f"{URL}?sort=soonest").context["page_obj"].object_list
    assert [g.pk for g in soonest] == [sooner.pk, later.pk]
    newest = client.get(f"{URL}?sort=newest").context["page_obj"].object_list
    assert [g.pk for g in newest] == [later.pk, sooner.pk]


def test_active_filters_become_removable_chips(client):
    ThemeFactory(slug="grief", name_en="Grief")
    response = client.get(f"{URL}?theme=grief&language=fr&language=nl&free=on&q=parents")
    chips = {(chip.key, chip.value): chip.remove_url for chip in response.context["chips"]}
    assert set(chips) == {
        ("q", "parents"),
        ("theme", "grief"),
        ("language", "fr"),
        ("language", "nl"),
        ("free", "on"),
    }
    assert chips[("language", "fr")] == f"{URL}?theme=grief&language=nl&q=parents&free=on"
    assert response.context["active_count"] == 4
    assert "Filters (4)" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "theme=martians",
        "kind=cult&kind=therapy",
        "format=teleport",
        "region=XXX",
        "language=klingon",
        "audience=robots",
        "child_age=99-100",
        "day=8",
        "day=0",
        "free=maybe",
        "sort=random",
        "sort=nearest",
        "radius=-5&postcode=5000",
        "radius=abc&postcode=5000",
        "radius=1e309&postcode=5000",
        "radius=nan&postcode=5000",
        "postcode=0000",
        "postcode=abcd",
        "postcode=" + "9" * 50,
        "q=" + "x" * 10_000,
        "q=%00%01%02",
        "q=%F0%9F%98%80%E2%80%AE%CC%81",
        "q=%22%2A%28%29%3A%5E",
        "q=NEAR%28a+b%29+OR+NOT+AND",
        "q=:*%26|!",
        "theme=adhd&theme=adhd&theme=adhd",
        "page=1",
        "unknown=1&other=2",
        "kind=" + "&kind=".join(["therapy"] * 200),
    ],
)
def test_bad_input_never_breaks_the_page(client, places, query):
    ThemeFactory(slug="adhd")
    GroupFactory(published=True, postal_code=places["namur"])
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("theme=martians", "We did not understand “martians” for “Themes”"),
        ("radius=-5&postcode=5000", "The distance must be a number of kilometres"),
        ("radius=abc&postcode=5000", "The distance must be a number of kilometres"),
        ("postcode=0000", "is not a Belgian postal code we know"),
        ("sort=nearest", "Give a postal code to sort by distance."),
        ("q=" + "word " * 2000, "Your search words were shortened"),
    ],
)
def test_bad_input_is_explained(client, places, query, message):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize("page", ["1000000000", "0", "-1", "abc", "2"])
def test_out_of_range_pages_are_404(client, page):
    GroupFactory(published=True)
    assert client.get(f"{URL}?page={page}").status_code == 404


def test_count_is_capped(client, monkeypatch):
    from directory.views.public import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    for _ in range(5):
        GroupFactory(published=True)
    response = client.get(URL)
    assert response.context["result_count"] == 3
    assert response.context["result_count_capped"] is True
    assert "More than 3 groups" in response.content.decode()


def test_empty_state_helps(client, places):
    response = client.get(f"{URL}?postcode=5000&radius=5&kind=therapy")
    content = response.content.decode()
    assert list(response.context["page_obj"].object_list) == []
    assert "No group matches all of these choices yet." in content
    wider = QueryDict(response.context["wider_url"].split("?", 1)[1])
    assert (wider["postcode"], wider["radius"], wider["kind"]) == ("5000", "50", "therapy")
    online = QueryDict(response.context["online_url"].split("?", 1)[1])
    assert online["format"] == "online" and "postcode" not in online
    assert reverse("networks:help") in content


@pytest.mark.django_db
def test_control_characters_in_search_words_are_dropped(client):
    # Found by fuzzing: a control character reached the feed's XML and broke it.
    assert client.get("/en/groups/feed/", {"q": "anx\x00iety\x1b"}).status_code == 200
    response = client.get("/en/groups/", {"q": "anx\x00iety"})
    assert response.status_code == 200
    assert response.context["filter"].data["q"] == "anxiety"


def test_theme_list_is_cached_and_refreshed_when_themes_change(client, django_assert_num_queries):
    ThemeFactory(slug="grief", name_en="Grief")
    client.get(URL)
    theme = ThemeFactory(slug="hoarding", name_en="Hoarding")
    assert "Hoarding" in client.get(URL).content.decode()
    theme.name_en = "Collecting"
    theme.save()
    assert "Collecting" in client.get(URL).content.decode()
    theme.delete()
    assert "Collecting" not in client.get(URL).content.decode()
