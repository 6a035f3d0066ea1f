"""factory_boy factories for every app, one clearly separated section per app.

Edit with small, surgical changes: several people work in this file.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

# --- networks (base data needed by the other apps) -------------------------------------------
from networks.models import PostalCode, Region

REGION_CODES = ["BRU", "BWA", "VBR", "ANT", "LIM", "LIE", "NAM", "HAI", "LUX", "WVL", "OVL"]


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Iterator(REGION_CODES)
    kind = "province"
    name_fr = factory.LazyAttribute(lambda o: f"Région {o.code}")
    name_nl = factory.LazyAttribute(lambda o: f"Regio {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Region {o.code}")


class PostalCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostalCode
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{1000 + n % 8999}")
    municipality_fr = factory.LazyAttribute(lambda o: f"Commune {o.code}")
    municipality_nl = factory.LazyAttribute(lambda o: f"Gemeente {o.code}")
    municipality_nis = factory.LazyAttribute(lambda o: f"9{o.code}")
    region = factory.SubFactory(RegionFactory)
    latitude = Decimal("50.850000")
    longitude = Decimal("4.350000")


# --- directory -------------------------------------------------------------------------------
from directory.models import Group, Professional, Status, Theme  # noqa: E402


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    family = Theme.Family.EMOTIONS
    name_fr = factory.LazyAttribute(lambda o: f"Thème {o.slug}")
    name_nl = factory.LazyAttribute(lambda o: f"Thema {o.slug}")
    name_en = factory.LazyAttribute(lambda o: f"Theme {o.slug}")
    name_de = factory.LazyAttribute(lambda o: f"Thema {o.slug} (de)")


class ProfessionalFactory(factory.django.DjangoModelFactory):
    """A draft, unverified professional; `published=True` gives a verified, public one."""

    class Meta:
        model = Professional
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Alex Example {n}")
    slug = factory.Sequence(lambda n: f"alex-example-{n}")
    title = Professional.Title.CLINICAL_PSYCHOLOGIST
    registration_number = factory.Sequence(lambda n: f"EX-{n:05d}")
    bio = "Fictional professional for tests."
    languages = factory.LazyFunction(lambda: ["fr"])
    website = "https://example.org/"
    contact_email = factory.Sequence(lambda n: f"pro{n}@example.org")
    status = Status.DRAFT

    class Params:
        verified = factory.Trait(
            verification_status=Professional.Verification.VERIFIED,
            verified_at=factory.LazyFunction(timezone.now),
            verification_evidence="Checked against the public register (test).",
        )
        published = factory.Trait(
            verified=True,
            status=Status.PUBLISHED,
            status_changed_at=factory.LazyFunction(timezone.now),
        )


class GroupFactory(factory.django.DjangoModelFactory):
    """A weekly in-person draft group; `published=True` makes it public (owner included)."""

    class Meta:
        model = Group
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Parents together {n}")
    slug = factory.Sequence(lambda n: f"parents-together-{n}")
    summary = "A fictional group for tests."
    description = "We meet, we listen, we share what helps."
    kind = Group.Kind.SUPPORT
    owner = factory.SubFactory(ProfessionalFactory)
    audiences = factory.LazyFunction(lambda: ["parents"])
    languages = factory.LazyFunction(lambda: ["fr"])
    format = Group.Format.IN_PERSON
    postal_code = factory.SubFactory(PostalCodeFactory)
    price_type = Group.Price.FREE
    schedule_type = Group.ScheduleType.ONGOING
    recurrence = Group.Recurrence.WEEKLY
    weekday = 2
    first_session_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    start_time = dt.time(19, 30)
    end_time = dt.time(21, 0)
    confirmed_on = factory.LazyFunction(timezone.localdate)
    status = Status.DRAFT

    class Params:
        published = factory.Trait(
            status=Status.PUBLISHED,
            status_changed_at=factory.LazyFunction(timezone.now),
            published_at=factory.LazyFunction(timezone.now),
            owner=factory.SubFactory(ProfessionalFactory, published=True),
        )
        online = factory.Trait(format=Group.Format.ONLINE, postal_code=None)
        cycle = factory.Trait(
            schedule_type=Group.ScheduleType.CYCLE,
            session_count=8,
            first_session_on=factory.LazyFunction(
                lambda: timezone.localdate() + dt.timedelta(days=14)
            ),
        )

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


# --- directory: practitioner space and moderation ---------------------------------------------
from django.contrib.auth import get_user_model  # noqa: E402


class UserFactory(factory.django.DjangoModelFactory):
    """An active account; practitioners log in with their email address as user name."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    username = factory.LazyAttribute(lambda o: o.email)
    is_active = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "a-long-test-passphrase")
        if create:
            self.save(update_fields=["password"])


class PractitionerFactory(ProfessionalFactory):
    """A professional with a practitioner account (`user`)."""

    user = factory.SubFactory(UserFactory)
    contact_email = factory.LazyAttribute(lambda o: f"contact-{o.slug}@example.org")
    email_language = "en"


# --- articles --------------------------------------------------------------------------------
from articles.models import Article, OrientationAnswer, OrientationTarget, Reference  # noqa: E402


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    language = "fr"
    summary = "A short summary for tests."
    body = "## First part\n\nSome words here.\n\n## Second part\n\nMore words."
    status = Article.Status.DRAFT

    class Params:
        published = factory.Trait(
            status=Article.Status.PUBLISHED,
            publish_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1)),
        )
        scheduled = factory.Trait(
            status=Article.Status.SCHEDULED,
            publish_at=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7)),
        )


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    article = factory.SubFactory(ArticleFactory)
    authors = "Hoagwood, K. E."
    year = 2005
    title = "Family-based services in children's mental health"
    journal = "Journal of Child Psychology and Psychiatry"
    volume = "46"
    issue = "7"
    pages = "690-713"
    doi = "10.1111/j.1469-7610.2005.01451.x"


class OrientationAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrientationAnswer

    slug = factory.Sequence(lambda n: f"answer-{n}")
    order = factory.Sequence(lambda n: n)
    label_fr = factory.Sequence(lambda n: f"Réponse {n}")
    label_en = factory.Sequence(lambda n: f"Answer {n}")
    advice_fr = "Un conseil."
    advice_en = "Some advice."


class OrientationTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrientationTarget

    answer = factory.SubFactory(OrientationAnswerFactory)
    kind_of_target = OrientationTarget.Type.GROUP_SEARCH
    kind = "peer"
    audience = "parents"
