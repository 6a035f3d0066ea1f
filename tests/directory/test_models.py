"""Models, moderation transitions and every public QuerySet method of the directory."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from directory import schedule as schedule_module
from directory.models import Group, Professional, Status, StatusChange
from directory.schedule import FAR_FUTURE, Schedule
from directory.text import normalize, query_terms
from tests.factories import (
    GroupFactory,
    PostalCodeFactory,
    ProfessionalFactory,
    RegionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def pks(queryset):
    return set(queryset.values_list("pk", flat=True))


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", password="x", is_staff=True)


# --- published() ------------------------------------------------------------------------


def test_published_needs_group_and_owner_published():
    public = GroupFactory(published=True)
    draft_owner = ProfessionalFactory(verified=True)
    GroupFactory(status=Status.PUBLISHED, owner=draft_owner)  # owner not public
    GroupFactory(status=Status.PENDING, owner=public.owner)
    GroupFactory(status=Status.DRAFT)
    assert pks(Group.objects.published()) == {public.pk}


def test_professional_published():
    public = ProfessionalFactory(published=True)
    ProfessionalFactory(verified=True, status=Status.PENDING)
    ProfessionalFactory()
    assert pks(Professional.objects.published()) == {public.pk}


def test_published_professional_must_be_verified():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfessionalFactory(status=Status.PUBLISHED)
    professional = ProfessionalFactory.build(status=Status.PUBLISHED)
    with pytest.raises(ValidationError):
        professional.clean()


# --- moderation --------------------------------------------------------------------------


def test_publish_logs_status_change_and_stamps(editor):
    owner = ProfessionalFactory(published=True)
    group = GroupFactory(owner=owner, status=Status.PENDING)
    changed = Group.objects.filter(pk=group.pk).publish(by=editor, message="Welcome")
    assert [obj.pk for obj in changed] == [group.pk]
    group.refresh_from_db()
    assert group.status == Status.PUBLISHED
    assert group.published_at is not None
    assert group.status_changed_at is not None
    change = group.status_changes.get()
    assert (change.from_status, change.to_status, change.by, change.message) == (
        Status.PENDING,
        Status.PUBLISHED,
        editor,
        "Welcome",
    )


def test_first_publication_date_is_kept_on_republish(editor):
    group = GroupFactory(published=True)
    first = group.published_at
    assert group.archive(by=editor)
    assert group.publish(by=editor)
    group.refresh_from_db()
    assert group.published_at == first


def test_transitions_skip_disallowed_states(editor):
    draft = GroupFactory(status=Status.DRAFT)
    published = GroupFactory(published=True)
    changed = Group.objects.filter(pk__in=[draft.pk, published.pk]).request_changes(
        by=editor, message="Please add the price."
    )
    assert [obj.pk for obj in changed] == [published.pk]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert StatusChange.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "method", "end"),
    [
        (Status.DRAFT, "submit", Status.PENDING),
        (Status.CHANGES_REQUESTED, "submit", Status.PENDING),
        (Status.PENDING, "publish", Status.PUBLISHED),
        (Status.PENDING, "request_changes", Status.CHANGES_REQUESTED),
        (Status.PENDING, "reject", Status.REJECTED),
        (Status.PUBLISHED, "archive", Status.ARCHIVED),
        (Status.ARCHIVED, "reopen", Status.DRAFT),
    ],
)
def test_single_object_methods(editor, start, method, end):
    group = GroupFactory(status=start)
    assert getattr(group, method)(by=editor) is True
    assert group.status == end
    group.refresh_from_db()
    assert group.status == end


def test_submit_from_published_is_refused(editor):
    group = GroupFactory(published=True)
    assert group.submit(by=editor) is False
    assert group.status == Status.PUBLISHED


def test_professional_publish_requires_verification(editor):
    unverified = ProfessionalFactory(status=Status.PENDING)
    verified = ProfessionalFactory(verified=True, status=Status.PENDING)
    changed = Professional.objects.all().publish(by=editor)
    assert [obj.pk for obj in changed] == [verified.pk]
    unverified.refresh_from_db()
    assert unverified.status == Status.PENDING


def test_verify_records_who_and_when(editor):
    professional = ProfessionalFactory()
    Professional.objects.filter(pk=professional.pk).verify(by=editor, evidence="Register 2026")
    professional.refresh_from_db()
    assert professional.is_verified
    assert professional.verified_by == editor
    assert professional.verified_at is not None
    assert professional.verification_evidence == "Register 2026"


# --- derived data --------------------------------------------------------------------------


def test_region_and_coordinates_follow_the_postal_code():
    region = RegionFactory(code="NAM")
    postal_code = PostalCodeFactory(
        code="5000", region=region, latitude=Decimal("50.4669"), longitude=Decimal("4.8675")
    )
    group = GroupFactory(postal_code=postal_code)
    assert group.region == region
    assert (group.latitude, group.longitude) == (Decimal("50.4669"), Decimal("4.8675"))


def test_precise_location_is_kept():
    group = GroupFactory(
        location_is_precise=True, latitude=Decimal("50.1"), longitude=Decimal("5.2")
    )
    group.refresh_from_db()
    assert (group.latitude, group.longitude) == (Decimal("50.100000"), Decimal("5.200000"))


def test_online_group_has_no_coordinates():
    group = GroupFactory(online=True)
    assert group.latitude is None and group.postal_code is None


def test_clean_mirrors_constraints():
    group = GroupFactory.build(
        format=Group.Format.IN_PERSON,
        postal_code=None,
        price_type=Group.Price.PER_SESSION,
        price_amount=None,
        schedule_type=Group.ScheduleType.CYCLE,
        session_count=None,
        recurrence=Group.Recurrence.MONTHLY_NTH,
        weekday=None,
        week_of_month=None,
        registration_method=Group.Registration.EMAIL,
        registration_email="",
        start_time=dt.time(20),
        end_time=dt.time(19),
    )
    with pytest.raises(ValidationError) as info:
        group.clean()
    assert set(info.value.message_dict) == {
        "postal_code",
        "price_amount",
        "session_count",
        "weekday",
        "week_of_month",
        "registration_email",
        "end_time",
    }


def test_constraints_hold_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupFactory(price_type=Group.Price.PER_SESSION, price_amount=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupFactory(format=Group.Format.IN_PERSON, postal_code=None)


def test_choice_sets_round_trip():
    group = GroupFactory(
        audiences=["carers", "parents"], languages=["vgt", "fr"], child_age_bands=["12-17"]
    )
    group.refresh_from_db()
    assert group.audiences == ["parents", "carers"]
    assert group.languages == ["fr", "vgt"]
    assert group.child_age_bands == ["12-17"]
    with translation.override("en"):
        labels = [str(label) for label in group.get_languages_labels()]
    assert labels == [
        "French",
        "Flemish Sign Language (VGT)",
    ]


def test_choice_set_rejects_unknown_value():
    with pytest.raises(ValidationError):
        GroupFactory(audiences=["martians"])


# --- schedule -------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC))  # Monday 2 March 2026
def test_weekly_next_sessions_in_brussels_time():
    group = GroupFactory(
        weekday=2, first_session_on=dt.date(2026, 1, 6), start_time=dt.time(19, 30)
    )
    sessions = group.schedule.upcoming(3)
    assert [s.start.date() for s in sessions] == [
        dt.date(2026, 3, 3),
        dt.date(2026, 3, 10),
        dt.date(2026, 3, 17),
    ]
    assert sessions[0].start.utcoffset() == dt.timedelta(hours=1)
    # After the switch to summer time the wall-clock time stays 19:30.
    april = group.schedule.upcoming(1, after=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))[0]
    assert (april.start.hour, april.start.minute) == (19, 30)
    assert april.start.utcoffset() == dt.timedelta(hours=2)
    assert group.next_session_on == dt.date(2026, 3, 3)


@time_machine.travel(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC))
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"recurrence": "biweekly", "weekday": 4}, [dt.date(2026, 3, 12), dt.date(2026, 3, 26)]),
        (
            {"recurrence": "monthly", "weekday": None, "first_session_on": dt.date(2026, 1, 15)},
            [dt.date(2026, 3, 15), dt.date(2026, 4, 15)],
        ),
        (
            {"recurrence": "monthly_nth", "weekday": 6, "week_of_month": 2},
            [dt.date(2026, 3, 14), dt.date(2026, 4, 11)],
        ),
        (
            {"recurrence": "monthly_nth", "weekday": 5, "week_of_month": -1},
            [dt.date(2026, 3, 27), dt.date(2026, 4, 24)],
        ),
    ],
)
def test_recurrences(fields, expected):
    group = GroupFactory(**{"first_session_on": dt.date(2026, 1, 1), **fields})
    assert [s.start.date() for s in group.schedule.upcoming(2)] == expected


@time_machine.travel(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC))
def test_cycle_counts_sessions_and_ends():
    group = GroupFactory(
        cycle=True, session_count=3, weekday=3, first_session_on=dt.date(2026, 2, 18)
    )
    upcoming = group.schedule.upcoming(5)
    assert [(s.start.date(), s.number) for s in upcoming] == [(dt.date(2026, 3, 4), 3)]
    assert group.schedule.cycle_started
    finished = GroupFactory(
        cycle=True, session_count=2, weekday=3, first_session_on=dt.date(2026, 1, 7)
    )
    assert finished.schedule.cycle_finished
    assert finished.next_session_on == FAR_FUTURE
    assert finished.schedule.last_session.start.date() == dt.date(2026, 1, 14)


def test_ical_rrule():
    group = GroupFactory.build(
        recurrence="monthly_nth", weekday=2, week_of_month=-1, first_session_on=dt.date(2026, 1, 1)
    )
    assert Schedule(group).ical_rrule() == {"FREQ": "MONTHLY", "BYDAY": "-1TU"}
    cycle = GroupFactory.build(cycle=True, recurrence="biweekly", weekday=1, session_count=6)
    assert Schedule(cycle).ical_rrule() == {
        "FREQ": "WEEKLY",
        "INTERVAL": 2,
        "BYDAY": "MO",
        "COUNT": 6,
    }


def test_refresh_next_sessions():
    group = GroupFactory()
    Group.objects.filter(pk=group.pk).update(next_session_on=dt.date(2000, 1, 1))
    assert Group.objects.refresh_next_sessions() == 1
    group.refresh_from_db()
    assert group.next_session_on >= dt.date.today() - dt.timedelta(days=1)


# --- filters -----------------------------------------------------------------------------------


def test_in_region_and_german_community():
    liege = RegionFactory(code="LIE")
    eupen = GroupFactory(
        published=True,
        postal_code=PostalCodeFactory(code="4700", region=liege, in_german_community=True),
    )
    city = GroupFactory(published=True, postal_code=PostalCodeFactory(code="4000", region=liege))
    ghent = GroupFactory(
        published=True, postal_code=PostalCodeFactory(code="9000", region=RegionFactory(code="OVL"))
    )
    assert pks(Group.objects.in_region("LIE")) == {eupen.pk, city.pk}
    assert pks(Group.objects.in_region("DG")) == {eupen.pk}
    assert pks(Group.objects.in_region("DG", "OVL")) == {eupen.pk, ghent.pk}
    assert pks(Group.objects.in_region(liege)) == {eupen.pk, city.pk}


def test_for_theme_is_or_and_distinct():
    adhd, autism, grief = ThemeFactory(slug="adhd"), ThemeFactory(slug="autism"), ThemeFactory()
    both = GroupFactory(themes=[adhd, autism])
    one = GroupFactory(themes=[autism])
    GroupFactory(themes=[grief])
    assert list(
        Group.objects.for_theme(adhd, autism).order_by("pk").values_list("pk", flat=True)
    ) == [
        both.pk,
        one.pk,
    ]
    assert pks(Group.objects.for_theme("adhd")) == {both.pk}


def test_multi_valued_filters_are_or():
    parents = GroupFactory(audiences=["parents"], child_age_bands=["0-3"], languages=["fr"])
    carers = GroupFactory(
        audiences=["carers", "siblings"], child_age_bands=["12-17"], languages=["lsfb"]
    )
    GroupFactory(audiences=["adults"], child_age_bands=[], languages=["nl"])
    assert pks(Group.objects.for_audience("parents", "siblings")) == {parents.pk, carers.pk}
    assert pks(Group.objects.for_child_age("12-17")) == {carers.pk}
    assert pks(Group.objects.speaking("fr", "lsfb")) == {parents.pk, carers.pk}
    assert pks(Group.objects.filter(audiences__all=["carers", "siblings"])) == {carers.pk}


def test_format_kind_free_weekday_access():
    online = GroupFactory(online=True, kind="peer", weekday=6)
    paid = GroupFactory(
        price_type="per_session",
        price_amount=Decimal("15"),
        kind="therapy",
        weekday=2,
        wheelchair_access="yes",
    )
    assert pks(Group.objects.with_format("online")) == {online.pk}
    assert pks(Group.objects.with_format("online", "in_person")) == {online.pk, paid.pk}
    assert pks(Group.objects.of_kind("therapy")) == {paid.pk}
    assert pks(Group.objects.free()) == {online.pk}
    assert pks(Group.objects.on_weekday(6)) == {online.pk}
    assert pks(Group.objects.on_weekday("2", 6)) == {online.pk, paid.pk}
    assert pks(Group.objects.wheelchair_accessible()) == {paid.pk}


def test_near_filters_annotates_and_sorts():
    namur = PostalCodeFactory(code="5000", latitude=Decimal("50.4669"), longitude=Decimal("4.8675"))
    gembloux = PostalCodeFactory(
        code="5030", latitude=Decimal("50.5610"), longitude=Decimal("4.6980")
    )
    ostend = PostalCodeFactory(
        code="8400", latitude=Decimal("51.2150"), longitude=Decimal("2.9270")
    )
    in_namur = GroupFactory(postal_code=namur)
    in_gembloux = GroupFactory(postal_code=gembloux)
    GroupFactory(postal_code=ostend)
    GroupFactory(online=True)
    results = list(Group.objects.near(50.4669, 4.8675, 20).nearest_first())
    assert [g.pk for g in results] == [in_namur.pk, in_gembloux.pk]
    assert results[0].distance_km == pytest.approx(0, abs=0.01)
    assert results[1].distance_km == pytest.approx(15.6, abs=0.5)
    assert pks(Group.objects.near(50.4669, 4.8675, 5)) == {in_namur.pk}


def test_search_accent_and_case_insensitive_prefix():
    theme = ThemeFactory(slug="grief", name_fr="Deuil", name_nl="Rouw", name_en="Grief")
    group = GroupFactory(title="Café des PARENTS endeuillés", themes=[theme])
    GroupFactory(title="Something else entirely")
    assert pks(Group.objects.search("cafe parents")) == {group.pk}
    assert pks(Group.objects.search("ENDEUILLES")) == {group.pk}
    assert pks(Group.objects.search("endeuil")) == {group.pk}  # prefix
    assert pks(Group.objects.search("rouw")) == {group.pk}  # theme name, any language
    assert pks(Group.objects.search("commune")) >= {group.pk}  # municipality
    assert pks(Group.objects.search("cafe nothing")) == set()
    assert Group.objects.search("   !!! ").count() == 2  # no words: no filter


def test_search_follows_theme_and_title_changes():
    theme = ThemeFactory(slug="x", name_en="Hoarding")
    group = GroupFactory(title="Monday circle")
    group.themes.add(theme)
    assert pks(Group.objects.search("hoarding")) == {group.pk}
    theme.name_en = "Collecting"
    theme.save()
    assert pks(Group.objects.search("hoarding")) == set()
    assert pks(Group.objects.search("collecting")) == {group.pk}
    group.title = "Tuesday circle"
    group.save()
    assert pks(Group.objects.search("tuesday")) == {group.pk}
    group.themes.remove(theme)
    assert pks(Group.objects.search("collecting")) == set()
    group.delete()
    assert pks(Group.objects.search("tuesday")) == set()


def test_sorts():
    later = GroupFactory(weekday=7)
    sooner = GroupFactory(weekday=None, recurrence="monthly", first_session_on=dt.date.today())
    assert list(Group.objects.filter(pk__in=[later.pk, sooner.pk]).soonest_first()) == [
        sooner,
        later,
    ]


def test_needing_confirmation():
    stale = GroupFactory(published=True, confirmed_on=dt.date.today() - dt.timedelta(days=200))
    GroupFactory(published=True, confirmed_on=dt.date.today())
    assert pks(Group.objects.needing_confirmation(90)) == {stale.pk}


def test_normalize_and_terms():
    assert normalize("Œuvre  d'ÉTÉ, Straße!") == "oeuvre d ete strasse"
    assert query_terms("a a b " + "x" * 100) == ["a", "b", "x" * 40]
    assert len(query_terms(" ".join(f"w{i}" for i in range(50)))) == 8


# --- schedule arithmetic matches the recurrence rule -------------------------------------------


@hypothesis_settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    recurrence=st.sampled_from(["weekly", "biweekly"]),
    weekday=st.integers(1, 7),
    first=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
    start=st.times(),
    cycle=st.booleans(),
    sessions=st.integers(1, 12),
    ends=st.one_of(st.none(), st.integers(0, 400)),
    after=st.datetimes(dt.datetime(2023, 6, 1), dt.datetime(2029, 1, 1)),
)
def test_weekly_arithmetic_matches_dateutil(
    recurrence, weekday, first, start, cycle, sessions, ends, after
):
    group = Group(
        recurrence=recurrence,
        weekday=weekday,
        first_session_on=first,
        start_time=start.replace(microsecond=0),
        schedule_type="cycle" if cycle else "ongoing",
        session_count=sessions,
        last_session_on=None if cycle or ends is None else first + dt.timedelta(days=ends),
    )
    schedule = Schedule(group)
    aware = after.replace(tzinfo=dt.UTC)
    naive = aware.astimezone(schedule_module.BRUSSELS).replace(tzinfo=None)
    assert schedule.upcoming(4, after=aware) == schedule._rule_upcoming(4, naive)
