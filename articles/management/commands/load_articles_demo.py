"""Load the parent guide (fr, nl, en) and the orientation answers from fixtures/demo/articles/.

Idempotent: articles are matched on (translation key, language) and answers on their slug,
then updated to the fixture's content; running it again changes nothing. An editor's own
articles and answers are left alone (edits to the demo ones are overwritten).
"""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import (
    Article,
    OrientationAnswer,
    OrientationTarget,
    Reference,
    theme_exists,
)
from articles.rendering import check_body
from directory.models import Theme

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo" / "articles"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
REFERENCE_FIELDS = ["authors", "year", "title", "journal", "volume", "issue", "pages", "doi", "url"]
TARGET_FIELDS = ["kind_of_target", "kind", "audience", "format", "theme_id"]


def update(obj, values: dict) -> bool:
    """Set the values that differ and save; True when something was written."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed or obj.pk is None:
        obj.save()
        return True
    return False


class Command(BaseCommand):
    help = "Load the demo articles (the parent guide) and the orientation answers."

    @transaction.atomic
    def handle(self, *args, **options):
        articles, references = self.load_articles()
        answers = self.load_orientation()
        self.stdout.write(
            f"  articles demo: {articles} articles, {references} references, "
            f"{answers} orientation answers created or updated"
        )

    def load_articles(self) -> tuple[int, int]:
        data = json.loads((DEMO_DIR / "articles.json").read_text(encoding="utf-8"))
        written = refs_written = 0
        for entry in data["articles"]:
            publish_at = dt.datetime.fromisoformat(entry["publish_at"])
            themes = list(Theme.objects.filter(slug__in=entry.get("themes", [])))
            for language, text in entry["translations"].items():
                article = Article.objects.filter(
                    translation_key=entry["translation_key"], language=language
                ).first() or Article(translation_key=entry["translation_key"], language=language)
                body = (DEMO_DIR / text["body"]).read_text(encoding="utf-8").strip() + "\n"
                problems = check_body(body, known_theme=theme_exists)
                if problems:
                    raise CommandError(f"{text['body']}: " + "; ".join(map(str, problems)))
                written += update(
                    article,
                    {
                        "title": text["title"],
                        "slug": text["slug"],
                        "summary": text["summary"],
                        "author_name": text["author_name"],
                        "body": body,
                        "status": entry["status"],
                        "publish_at": publish_at,
                    },
                )
                if {t.pk for t in article.themes.all()} != {t.pk for t in themes}:
                    article.themes.set(themes)
                refs_written += self.sync_references(article, entry["references"])
        return written, refs_written

    def sync_references(self, article: Article, references: list[dict]) -> int:
        wanted = [
            {"order": order, **{name: ref.get(name, "") for name in REFERENCE_FIELDS}}
            for order, ref in enumerate(references, start=1)
        ]
        current = [
            {"order": ref.order, **{name: getattr(ref, name) for name in REFERENCE_FIELDS}}
            for ref in article.references.order_by("order", "pk")
        ]
        if current == wanted:
            return 0
        article.references.all().delete()
        Reference.objects.bulk_create(Reference(article=article, **ref) for ref in wanted)
        return len(wanted)

    def load_orientation(self) -> int:
        data = json.loads((DEMO_DIR / "orientation.json").read_text(encoding="utf-8"))
        written = 0
        for order, entry in enumerate(data["answers"], start=1):
            answer = OrientationAnswer.objects.filter(slug=entry["slug"]).first()
            answer = answer or OrientationAnswer(slug=entry["slug"])
            values = {"order": order * 10, "is_active": True}
            for code in LANGUAGES:
                values[f"label_{code}"] = entry["label"].get(code, "")
                values[f"advice_{code}"] = entry["advice"].get(code, "")
            changed = update(answer, values)
            changed |= self.sync_targets(answer, entry["targets"])
            written += changed
        return written

    def sync_targets(self, answer: OrientationAnswer, targets: list[dict]) -> bool:
        themes = {theme.slug: theme.pk for theme in Theme.objects.all()}
        wanted = []
        for order, target in enumerate(targets, start=1):
            row = {"order": order, **dict.fromkeys(TARGET_FIELDS, ""), "theme_id": None}
            row.update({k: v for k, v in target.items() if k in TARGET_FIELDS})
            row["theme_id"] = themes.get(target.get("theme", ""))
            for code in LANGUAGES:
                row[f"label_{code}"] = target.get("label", {}).get(code, "")
            wanted.append(row)
        keys = list(wanted[0]) if wanted else []
        current = [
            {key: getattr(target, key) for key in keys}
            for target in answer.targets.order_by("order", "pk")
        ]
        if current == wanted:
            return False
        answer.targets.all().delete()
        for row in wanted:
            target = OrientationTarget(answer=answer, **row)
            target.full_clean(exclude=["answer"])
            target.save()
        return True
