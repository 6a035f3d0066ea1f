"""Editors maintain networks and help lines in the admin; regions are read-mostly."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from networks.models import HelpLine, Network, PostalCode, Region

pytestmark = pytest.mark.usefixtures("reference")


@pytest.mark.parametrize("model", [Region, PostalCode, Network, HelpLine])
def test_changelists_render(admin_client, db, model):
    url = reverse(f"admin:networks_{model._meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200


def test_postal_codes_are_searchable(admin_client, db):
    url = reverse("admin:networks_postalcode_changelist")
    response = admin_client.get(url, {"q": "Ixelles"})
    assert [pc.code for pc in response.context["cl"].result_list] == ["1050"]


def test_networks_filter_by_audience_and_region(admin_client, db):
    url = reverse("admin:networks_network_changelist")
    response = admin_client.get(url, {"audience__exact": "children_adolescents"})
    assert response.context["cl"].result_count == 11
    lie = Region.objects.get(code="LIE")
    response = admin_client.get(url, {"regions__id__exact": lie.pk})
    assert {n.slug for n in response.context["cl"].result_list} == {"realism", "fusion-liege"}


def test_network_form_edits_regions_last_checked_sources_and_offers(admin_client, db):
    network = Network.objects.get(slug="matilda")
    url = reverse("admin:networks_network_change", args=[network.pk])
    content = admin_client.get(url).content.decode()
    assert 'class="selectfilter"' in content or "selectfilter" in content  # filter_horizontal
    for name in ("last_checked", "sources", "offers", "offers_fr", "website_verified"):
        assert f'name="{name}"' in content


def test_editing_a_network_in_the_admin(admin_client, db):
    network = Network.objects.get(slug="wingg")
    url = reverse("admin:networks_network_change", args=[network.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"regions"}
    }
    data.update(
        {
            "regions": [r.pk for r in network.regions.all()],
            "languages": '["nl"]',
            "offers": '["One statement"]',
            "offers_fr": '["Une phrase"]',
            "offers_nl": "[]",
            "offers_de": "[]",
            "related_urls": "[]",
            "sources": '["https://wingg.be/wat.php?tl=nl"]',
            "last_checked": "2027-03-01",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    network.refresh_from_db()
    assert network.last_checked == dt.date(2027, 3, 1)
    assert network.offers_fr == ["Une phrase"]


def test_a_translation_of_another_length_is_refused(admin_client, db):
    network = Network.objects.get(slug="wingg")
    url = reverse("admin:networks_network_change", args=[network.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "regions": [r.pk for r in network.regions.all()],
            "languages": '["nl"]',
            "offers": '["One", "Two"]',
            "offers_fr": '["Une"]',
            "offers_nl": "[]",
            "offers_de": "[]",
            "related_urls": "[]",
            "sources": "[]",
            "last_checked": "2027-03-01",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "offers_fr" in response.context["adminform"].form.errors


def test_mark_checked_today_action(client, admin_user, db):
    pks = list(Network.objects.filter(slug__in=["radar", "ligant"]).values_list("pk", flat=True))
    url = reverse("admin:networks_network_changelist")
    with time_machine.travel(dt.datetime(2027, 5, 4, 10, 0, tzinfo=dt.UTC)):
        client.force_login(admin_user)
        response = client.post(
            url,
            {"action": "mark_checked_today", "_selected_action": pks, "index": 0},
            follow=True,
            headers={"accept-language": "en"},  # the admin speaks the editor's language
        )
    assert "2 networks marked as checked today." in response.content.decode()
    assert set(Network.objects.filter(pk__in=pks).values_list("last_checked", flat=True)) == {
        dt.date(2027, 5, 4)
    }
    assert not Network.objects.exclude(pk__in=pks).filter(last_checked=dt.date(2027, 5, 4)).exists()


def test_regions_cannot_be_added_or_deleted(admin_client, db):
    assert admin_client.get(reverse("admin:networks_region_add")).status_code == 403
    region = Region.objects.get(code="BRU")
    assert (
        admin_client.get(reverse("admin:networks_region_delete", args=[region.pk])).status_code
        == 403
    )
    # Names can be corrected; the code stays as loaded.
    content = admin_client.get(reverse("admin:networks_region_change", args=[region.pk])).content
    assert b'name="name_fr"' in content
    assert b'name="code"' not in content
