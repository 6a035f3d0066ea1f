"""Load regions, postal codes, networks and help lines from fixtures/reference/.

Idempotent: rows are matched on their natural keys (code, slug) and updated in place,
so running it again changes nothing, and editors' own additions are kept.
"""

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from networks.models import HelpLine, Network, PostalCode, Region

REFERENCE_DIR = Path(settings.BASE_DIR) / "fixtures" / "reference"
GEO_DIR = Path(settings.BASE_DIR) / "static" / "geo"

# The day the reference files were compiled (fixtures/reference/ATTRIBUTION.md): the
# "last checked" date of a network nobody has checked since.
REFERENCE_DATE = date(2026, 11, 23)

# Translations of the networks' offers and phone notes. Each entry repeats the English text
# it translates; when networks.json changes that text, the stale translation is dropped and
# the English is shown instead, so a translation never states other facts than the source.
TRANSLATED_LANGUAGES = ("fr", "nl", "de")

# English names of the provinces (the source files carry French, Dutch and German).
ENGLISH_NAMES = {
    "BRU": "Brussels-Capital Region",
    "BWA": "Walloon Brabant",
    "VBR": "Flemish Brabant",
    "ANT": "Antwerp",
    "LIM": "Limburg",
    "LIE": "Liège",
    "NAM": "Namur",
    "HAI": "Hainaut",
    "LUX": "Luxembourg",
    "WVL": "West Flanders",
    "OVL": "East Flanders",
    "DG": "German-speaking Community",
}


def upsert(model, lookup: dict, values: dict) -> bool:
    """Create or update one row; True when something was written."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        model.objects.create(**lookup, **values)
        return True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return bool(changed)


class Command(BaseCommand):
    help = "Load Belgian regions, postal codes, mental-health networks and help lines."

    @transaction.atomic
    def handle(self, *args, **options):
        written = {
            "regions": self.load_regions(),
            "postal codes": self.load_postcodes(),
            "networks": self.load_networks(),
            "help lines": self.load_helplines(),
        }
        summary = ", ".join(f"{count} {name}" for name, count in written.items())
        self.stdout.write(f"  reference data: {summary} created or updated")

    def load_regions(self) -> int:
        count = 0
        provinces = json.loads((GEO_DIR / "be_regions.geojson").read_text(encoding="utf-8"))
        for feature in provinces["features"]:
            p = feature["properties"]
            count += upsert(
                Region,
                {"code": p["code"]},
                {
                    "kind": Region.Kind.CAPITAL if p["code"] == "BRU" else Region.Kind.PROVINCE,
                    "name_fr": p["name_fr"],
                    "name_nl": p["name_nl"],
                    "name_de": p["name_de"],
                    "name_en": ENGLISH_NAMES[p["code"]],
                    "nis_code": p["nis"],
                    "iso_code": p["iso_3166_2"],
                    "parent": None,
                },
            )
        dg = json.loads((GEO_DIR / "be_dg.geojson").read_text(encoding="utf-8"))
        p = dg["features"][0]["properties"]
        count += upsert(
            Region,
            {"code": p["code"]},
            {
                "kind": Region.Kind.COMMUNITY,
                "name_fr": p["name_fr"],
                "name_nl": p["name_nl"],
                "name_de": p["name_de"],
                "name_en": ENGLISH_NAMES[p["code"]],
                "nis_code": "",
                "iso_code": "",
                "parent": Region.objects.get(code=p["province"]),
            },
        )
        return count

    def german_community_nis(self) -> set[str]:
        dg = json.loads((GEO_DIR / "be_dg.geojson").read_text(encoding="utf-8"))
        return set(dg["features"][0]["properties"]["municipalities_nis"].split(","))

    def load_postcodes(self) -> int:
        regions = {region.code: region for region in Region.objects.all()}
        dg_nis = self.german_community_nis()
        existing = {pc.code: pc for pc in PostalCode.objects.all()}
        to_create, to_update = [], []
        fields = [
            "municipality_fr",
            "municipality_nl",
            "municipality_nis",
            "localities",
            "region",
            "in_german_community",
            "latitude",
            "longitude",
        ]
        with (REFERENCE_DIR / "be_postcodes.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                values = {
                    "municipality_fr": row["municipality_fr"],
                    "municipality_nl": row["municipality_nl"],
                    "municipality_nis": row["municipality_nis"],
                    "localities": row["localities"],
                    "region": regions[row["province"]],
                    "in_german_community": row["municipality_nis"] in dg_nis,
                    "latitude": Decimal(row["latitude"]).quantize(Decimal("0.000001")),
                    "longitude": Decimal(row["longitude"]).quantize(Decimal("0.000001")),
                }
                current = existing.get(row["postcode"])
                if current is None:
                    to_create.append(PostalCode(code=row["postcode"], **values))
                elif any(getattr(current, name) != values[name] for name in fields):
                    for name in fields:
                        setattr(current, name, values[name])
                    to_update.append(current)
        PostalCode.objects.bulk_create(to_create, batch_size=500)
        PostalCode.objects.bulk_update(to_update, fields, batch_size=500)
        return len(to_create) + len(to_update)

    def network_translations(self) -> dict:
        path = REFERENCE_DIR / "networks_translations.json"
        if not path.exists():
            return {}
        return json.loads(path.read_text(encoding="utf-8"))

    @staticmethod
    def translated_values(item: dict, translation: dict) -> dict:
        """offers_<lang> and phone_note_<lang>, kept only while the English they translate holds."""
        values = {}
        source = translation.get("en", {})
        offers = item.get("offers") or []
        phone_note = item.get("phone_note") or ""
        offers_current = source.get("offers") == offers
        note_current = bool(phone_note) and source.get("phone_note") == phone_note
        for code in TRANSLATED_LANGUAGES:
            text = translation.get(code, {})
            translated_offers = text.get("offers") or []
            values[f"offers_{code}"] = (
                translated_offers
                if offers_current and len(translated_offers) == len(offers)
                else []
            )
            values[f"phone_note_{code}"] = (text.get("phone_note") or "") if note_current else ""
        return values

    def load_networks(self) -> int:
        count = 0
        regions = {region.code: region for region in Region.objects.all()}
        data = json.loads((REFERENCE_DIR / "networks.json").read_text(encoding="utf-8"))
        translations = self.network_translations()
        for item in data:
            current = Network.objects.filter(slug=item["slug"]).first()
            if current and current.last_checked and current.last_checked > REFERENCE_DATE:
                # An editor checked this network after the reference data was compiled:
                # their version wins over the file.
                continue
            values = {
                "short_name": item["short_name"],
                "name_fr": item.get("name_fr") or "",
                "name_nl": item.get("name_nl") or "",
                "name_de": item.get("name_de") or "",
                "audience": item["audience"],
                "languages": item.get("languages") or [],
                "website": item.get("website") or "",
                "website_verified": bool(item.get("website_verified")),
                "phone": item.get("phone") or "",
                "phone_note": item.get("phone_note") or "",
                "email": item.get("email") or "",
                "address": item.get("address") or "",
                "offers": item.get("offers") or [],
                "related_urls": item.get("related_urls") or [],
                "confidence": item.get("confidence") or "medium",
                "notes": item.get("notes") or "",
                "sources": item.get("sources") or [],
                **self.translated_values(item, translations.get(item["slug"], {})),
            }
            if current is None or current.last_checked is None:
                values["last_checked"] = REFERENCE_DATE
            count += upsert(Network, {"slug": item["slug"]}, values)
            network = Network.objects.get(slug=item["slug"])
            wanted = {regions[code].pk for code in item["covers"]}
            if set(network.regions.values_list("pk", flat=True)) != wanted:
                network.regions.set(wanted)
                count += 1
        return count

    def load_helplines(self) -> int:
        count = 0
        data = json.loads((REFERENCE_DIR / "helplines.json").read_text(encoding="utf-8"))
        for order, item in enumerate(data):
            names = item.get("name") or {}
            values = {
                "number": item["number"],
                "name_fr": names.get("fr", ""),
                "name_nl": names.get("nl", ""),
                "name_de": names.get("de", ""),
                "name_en": names.get("en", ""),
                "languages": item.get("languages") or [],
                "audience": item["audience"],
                "kind": item["kind"],
                "hours": item.get("hours") or "",
                "source_note": item.get("source_note") or "",
                "order": order,
            }
            count += upsert(HelpLine, {"slug": item["slug"]}, values)
        return count
