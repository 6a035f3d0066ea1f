"""The orientation: one question, radio buttons, a result that leads somewhere useful."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from articles.models import OrientationTarget
from tests.factories import OrientationAnswerFactory, OrientationTargetFactory, ThemeFactory

URL = "/en/orientation/"


@pytest.mark.django_db
def test_question_page_is_a_plain_accessible_form(client):
    OrientationTargetFactory(answer__label_en="I feel alone")
    OrientationTargetFactory(answer__label_en="Hidden answer", answer__is_active=False)
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<form class="orientation-form" method="get" action="/en/orientation/"' in content
    assert "<fieldset" in content and "<legend" in content
    assert content.count('type="radio"') == 1
    assert "I feel alone" in content and "Hidden answer" not in content
    assert '<button class="button" type="submit">' in content
    assert 'id="result"' not in content


@pytest.mark.django_db
def test_answer_leads_to_a_filtered_group_search(client):
    target = OrientationTargetFactory(
        answer__slug="alone", kind="peer", audience="parents", label_en="See peer groups"
    )
    response = client.get(URL, {"answer": "alone"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="result"' in content
    assert (
        '<a class="button" href="/en/groups/?kind=peer&amp;audience=parents">See peer groups</a>'
        in content
    )
    assert target.answer.advice_en in content
    # The chosen answer stays selected in the form below the result.
    assert 'value="alone"' in content and "checked" in content


@pytest.mark.django_db
def test_optional_subject_narrows_the_group_search(client):
    ThemeFactory(slug="adhd")
    OrientationTargetFactory(answer__slug="diagnosis", kind="psychoeducation", audience="parents")
    content = client.get(URL, {"answer": "diagnosis", "theme": "adhd"}).content.decode()
    assert 'href="/en/groups/?kind=psychoeducation&amp;audience=parents&amp;theme=adhd"' in content


@pytest.mark.django_db
def test_network_lookup_answer_offers_a_postcode_form(client):
    OrientationTargetFactory(
        answer__slug="no-diagnosis",
        kind_of_target=OrientationTarget.Type.NETWORK_LOOKUP,
        kind="",
        audience="",
    )
    content = client.get(URL, {"answer": "no-diagnosis"}).content.decode()
    assert 'action="/en/networks/"' in content and 'name="postcode"' in content
    assert 'autocomplete="postal-code"' in content


@pytest.mark.django_db
def test_danger_answer_shows_help_lines_and_never_a_group(client):
    call_command("load_reference", stdout=io.StringIO())
    OrientationTargetFactory(
        answer__slug="danger-now",
        kind_of_target=OrientationTarget.Type.HELP_LINES,
        kind="",
        audience="",
    )
    content = client.get(URL, {"answer": "danger-now"}).content.decode()
    result = content[content.index('id="result"') : content.index('class="orientation-question"')]
    assert 'href="tel:112"' in result
    assert 'href="/en/help/"' in result
    assert "/en/groups/" not in result
    assert "orientation-result--urgent" in content


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"answer": ""}, {"answer": "not-an-answer"}])
def test_missing_or_unknown_answer_is_explained(client, query):
    OrientationTargetFactory(answer__slug="alone")
    response = client.get(URL, query)
    assert response.status_code == 200
    content = response.content.decode()
    assert "data-error-summary" in content
    assert 'href="#id_answer_0"' in content
    assert 'aria-describedby="id_answer-help id_answer-error"' in content
    assert 'id="result"' not in content


@pytest.mark.django_db
def test_orientation_query_count_is_constant(client, django_assert_max_num_queries):
    for _ in range(7):
        OrientationTargetFactory.create_batch(2, answer=OrientationAnswerFactory())
    # 8: the short Help now box in the aside reads the help lines (one query).
    with django_assert_max_num_queries(8):
        client.get(URL, {"answer": "answer-0"})


@pytest.mark.django_db
def test_targets_are_validated():
    answer = OrientationAnswerFactory()
    with pytest.raises(ValidationError):
        OrientationTarget(answer=answer, kind_of_target="group_search").full_clean()
    with pytest.raises(ValidationError):
        OrientationTarget(
            answer=answer, kind_of_target="help_lines", kind="peer", audience="parents"
        ).full_clean()
    with pytest.raises(ValidationError):
        OrientationTarget(answer=answer, kind_of_target="group_search", kind="nope").full_clean()
    with pytest.raises(ValidationError):
        OrientationTarget(
            answer=answer, kind_of_target="group_search", audience="grandparents"
        ).full_clean()
    OrientationTarget(
        answer=answer, kind_of_target="group_search", audience="teenagers"
    ).full_clean()
    OrientationTarget(answer=answer, kind_of_target="network_lookup").full_clean()


@pytest.mark.django_db
def test_unknown_subject_is_explained_next_to_its_field(client):
    OrientationTargetFactory(answer__slug="alone")
    content = client.get(URL, {"answer": "alone", "theme": "nope"}).content.decode()
    assert 'href="#id_theme"' in content
    assert 'aria-describedby="id_theme-help id_theme-error"' in content
    assert 'id="id_theme-error"' in content
