"""Create N realistic synthetic groups for benchmarks: `generate_groups 10000 --seed 1`.

Deterministic: the same N and seed give the same rows (slugs `synthetic-<seed>-<n>`), so runs
can be compared. Fast: bulk inserts in batches, search text and next-session date computed
in Python, no per-row queries. Synthetic rows are flagged as examples; `--delete` removes
every synthetic group and professional.
"""

import datetime as dt
import random
import time
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from directory.models import Group, Professional, Status, Theme
from directory.schedule import FAR_FUTURE, Schedule
from networks.models import PostalCode

PREFIX = "synthetic-"
BATCH = 2000
GROUPS_PER_PROFESSIONAL = 5

# Larger towns get more groups, as in real life.
HUBS = [
    "1000", "1030", "1050", "1080", "1200", "2000", "2018", "2800", "3000", "3500", "3600",
    "4000", "4020", "4700", "4800", "5000", "6000", "6700", "7000", "7500", "8000", "8400",
    "8500", "9000", "9300", "1300", "1340", "1400", "2300", "6900",
]  # fmt: skip
KIND_WORDS = {
    "fr": {
        "support": "Groupe de parole",
        "therapy": "Groupe thérapeutique",
        "psychoeducation": "Cycle d'information",
        "peer": "Groupe de pairs",
    },
    "nl": {
        "support": "Praatgroep",
        "therapy": "Therapiegroep",
        "psychoeducation": "Psycho-educatie",
        "peer": "Lotgenotengroep",
    },
    "de": {
        "support": "Gesprächsgruppe",
        "therapy": "Therapiegruppe",
        "psychoeducation": "Informationsreihe",
        "peer": "Selbsthilfegruppe",
    },
    "en": {
        "support": "Support group",
        "therapy": "Therapy group",
        "psychoeducation": "Information evenings",
        "peer": "Peer group",
    },
}
FOR_WORDS = {
    "fr": "pour parents",
    "nl": "voor ouders",
    "de": "für Eltern",
    "en": "for parents",
}
SENTENCES = {
    "fr": [
        "Un espace bienveillant pour partager son vécu avec d'autres parents.",
        "Chaque séance commence par un court apport théorique, suivi d'échanges.",
        "Le groupe est animé par un professionnel formé à l'accompagnement des familles.",
        "Vous pouvez venir seul ou en couple, sans diagnostic préalable.",
    ],
    "nl": [
        "Een veilige plek om ervaringen te delen met andere ouders.",
        "Elke sessie start met een korte uitleg, daarna is er tijd voor uitwisseling.",
        "De groep wordt begeleid door een ervaren hulpverlener.",
        "Je kan alleen of samen met je partner komen.",
    ],
    "de": [
        "Ein geschützter Raum, um Erfahrungen mit anderen Eltern zu teilen.",
        "Jede Sitzung beginnt mit einem kurzen Impuls, danach ist Zeit für Austausch.",
        "Die Gruppe wird von einer erfahrenen Fachperson begleitet.",
    ],
    "en": [
        "A safe place to share experiences with other parents.",
        "Each session starts with a short talk, followed by time to talk together.",
        "The group is led by an experienced professional.",
    ],
}
FIRST_NAMES = ["Alex", "Sam", "Charlie", "Robin", "Noa", "Lou", "Jo", "Kim", "Sacha", "Eden"]
LAST_NAMES = ["Example", "Sample", "Fictive", "Testman", "Demo", "Placeholder", "Mock"]


def language_for(postal_code: PostalCode) -> str:
    if postal_code.in_german_community:
        return "de"
    code = int(postal_code.code)
    if 1000 <= code < 1300:
        return "fr"
    if 1300 <= code < 1500 or 4000 <= code < 8000:
        return "fr"
    return "nl"


class Command(BaseCommand):
    help = "Create N deterministic synthetic groups (and their professionals) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, nargs="?", default=0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--delete", action="store_true", help="Delete every synthetic group first."
        )

    def handle(self, *args, count: int, seed: int, delete: bool, **options):
        if delete:
            deleted = self.delete_synthetic()
            self.stdout.write(f"Deleted {deleted} synthetic groups.")
        if count <= 0:
            return
        postal_codes = list(PostalCode.objects.order_by("code"))
        if not postal_codes:
            raise CommandError("No postal codes: run `manage.py load_reference` first.")
        if not Theme.objects.exists():
            call_command("load_directory_demo", themes_only=True, stdout=self.stdout)
        themes = list(Theme.objects.order_by("slug"))
        if Group.objects.filter(slug__startswith=f"{PREFIX}{seed}-").exists():
            raise CommandError(
                f"Synthetic groups with seed {seed} exist: use another seed or --delete."
            )
        started = time.monotonic()
        with transaction.atomic():
            created = self.generate(count, seed, postal_codes, themes)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Created {created} synthetic groups (seed {seed}) in {elapsed:.1f} s "
            f"({created / max(elapsed, 0.001):.0f}/s)."
        )

    def delete_synthetic(self) -> int:
        with transaction.atomic():
            groups = Group.objects.filter(slug__startswith=PREFIX)
            Group.themes.through.objects.filter(group__in=groups).delete()
            Group.facilitators.through.objects.filter(group__in=groups).delete()
            deleted, _ = groups.delete()
            Professional.objects.filter(slug__startswith=PREFIX).delete()
        return deleted

    def generate(self, count: int, seed: int, postal_codes, themes) -> int:
        rng = random.Random(seed)
        now = timezone.now()
        today = timezone.localdate()
        by_code = {p.code: p for p in postal_codes}
        hubs = [by_code[code] for code in HUBS if code in by_code]

        professionals = []
        for index in range(max(1, count // GROUPS_PER_PROFESSIONAL)):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {seed}-{index}"
            professionals.append(
                Professional(
                    slug=f"{PREFIX}{seed}-{index}",
                    name=name,
                    title=rng.choice(Professional.Title.values),
                    contact_email=f"synthetic-{seed}-{index}@example.org",
                    languages=["fr"],
                    verification_status=Professional.Verification.VERIFIED,
                    verified_at=now,
                    # One in 20 is not public yet: their groups must stay hidden.
                    status=Status.PUBLISHED if rng.random() > 0.05 else Status.PENDING,
                    status_changed_at=now,
                    is_example=True,
                )
            )
        Professional.objects.bulk_create(professionals, batch_size=BATCH)
        professionals = list(
            Professional.objects.filter(slug__startswith=f"{PREFIX}{seed}-").order_by("pk")
        )

        through = Group.themes.through
        created = 0
        for start in range(0, count, BATCH):
            groups, theme_sets = [], []
            for index in range(start, min(start + BATCH, count)):
                group, group_themes = self.make_group(
                    rng, seed, index, today, now, postal_codes, hubs, themes, professionals
                )
                groups.append(group)
                theme_sets.append(group_themes)
            Group.objects.bulk_create(groups, batch_size=BATCH)
            slugs = [group.slug for group in groups]
            ids = dict(Group.objects.filter(slug__in=slugs).values_list("slug", "pk"))
            through.objects.bulk_create(
                [
                    through(group_id=ids[group.slug], theme_id=theme.pk)
                    for group, group_themes in zip(groups, theme_sets, strict=True)
                    for theme in group_themes
                ],
                batch_size=BATCH * 3,
            )
            created += len(groups)
        return created

    def make_group(self, rng, seed, index, today, now, postal_codes, hubs, themes, pros):
        kind = rng.choice(Group.Kind.values)
        roll = rng.random()
        group_format = "online" if roll < 0.15 else "hybrid" if roll < 0.25 else "in_person"
        postal_code = rng.choice(hubs) if rng.random() < 0.5 else rng.choice(postal_codes)
        language = language_for(postal_code)
        if group_format == "online" and rng.random() < 0.3:
            language = "en"
        languages = [language]
        if rng.random() < 0.15:
            languages.append(rng.choice(["fr", "nl", "en", "de"]))
        if rng.random() < 0.01:
            languages.append(rng.choice(["lsfb", "vgt"]))
        group_themes = rng.sample(themes, rng.choice([1, 1, 2, 2, 3]))
        audiences = rng.sample(Group.Audience.values, rng.choice([1, 1, 2, 3]))
        if rng.random() < 0.6:
            audiences = sorted({*audiences, "parents"})
        child_ages = rng.sample(Group.ChildAge.values, rng.choice([0, 1, 1, 2]))
        schedule_type = "cycle" if rng.random() < 0.35 else "ongoing"
        recurrence = rng.choice(["weekly", "weekly", "biweekly", "monthly", "monthly_nth"])
        weekday = None if recurrence == "monthly" else rng.choice([1, 2, 2, 3, 4, 4, 5, 6])
        if schedule_type == "cycle":
            first = today + dt.timedelta(days=rng.randint(-60, 90))
        else:
            first = today - dt.timedelta(days=rng.randint(0, 700))
        if recurrence == "monthly":
            first = first.replace(day=min(first.day, 28))
        start_time = dt.time(rng.choice([9, 10, 14, 18, 19, 19, 20]), rng.choice([0, 30]))
        end_time = (dt.datetime.combine(today, start_time) + dt.timedelta(minutes=90)).time()
        price_type = rng.choice(
            ["free", "free", "per_session", "per_session", "per_cycle", "sliding_scale"]
        )
        amount = None
        if price_type != "free":
            amount = Decimal(rng.choice([5, 8, 10, 12, 15, 20, 25, 30, 40]))
        theme_names = [t.name_fr for t in group_themes] + [t.name_nl for t in group_themes]
        title = (
            f"{KIND_WORDS[language if language in KIND_WORDS else 'fr'][kind]} "
            f"{group_themes[0].name_fr if language == 'fr' else group_themes[0].name_nl} "
            f"{FOR_WORDS.get(language, 'for parents')} - {postal_code.municipality_fr}"
        )
        sentences = SENTENCES.get(language, SENTENCES["en"])
        description = " ".join(rng.sample(sentences, min(3, len(sentences))))
        status_roll = rng.random()
        status = (
            Status.PUBLISHED
            if status_roll < 0.85
            else Status.PENDING
            if status_roll < 0.93
            else Status.DRAFT
        )
        group = Group(
            slug=f"{PREFIX}{seed}-{index}",
            title=title[:160],
            summary=description.split(".")[0] + ".",
            description=description,
            kind=kind,
            owner=pros[index % len(pros)],
            audiences=audiences,
            child_age_bands=child_ages,
            languages=languages,
            format=group_format,
            postal_code=None if group_format == "online" else postal_code,
            price_type=price_type,
            price_amount=amount,
            schedule_type=schedule_type,
            recurrence=recurrence,
            weekday=weekday,
            week_of_month=rng.choice([1, 2, 3, -1]) if recurrence == "monthly_nth" else None,
            first_session_on=first,
            start_time=start_time,
            end_time=end_time,
            session_count=rng.choice([6, 8, 10, 12]) if schedule_type == "cycle" else None,
            wheelchair_access=rng.choice(["yes", "no", "unknown"]),
            registration_method="contact_form",
            status=status,
            status_changed_at=now,
            published_at=(now - dt.timedelta(days=rng.randint(0, 900)))
            if status == Status.PUBLISHED
            else None,
            confirmed_on=today - dt.timedelta(days=rng.randint(0, 200)),
            is_example=True,
        )
        if group_format == "online":
            group.region_id = postal_code.region_id if rng.random() < 0.5 else None
        else:
            group.postal_code = postal_code
            group.region_id = postal_code.region_id
            group.latitude, group.longitude = postal_code.latitude, postal_code.longitude
        group.next_session_on = Schedule(group).next_date(today) or FAR_FUTURE
        group.search_text = group.build_search_text(theme_names=theme_names)
        return group, group_themes
