"""`load_demo` loads everything and is idempotent."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command


def snapshot() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"networks", "directory", "articles"}
    }


@pytest.mark.django_db
def test_load_demo_is_idempotent():
    call_command("load_demo", stdout=io.StringIO())
    first = snapshot()
    assert first["networks.Region"] == 12  # 10 provinces, Brussels, the German-speaking Community
    assert first["networks.PostalCode"] == 1149
    assert first["networks.Network"] == 19
    assert first["networks.HelpLine"] == 8

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert snapshot() == first
    assert "0 regions, 0 postal codes, 0 networks, 0 help lines" in out.getvalue()
