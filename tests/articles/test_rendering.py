"""Markdown + nh3: what an editor writes is rendered, what could hurt a reader is removed."""

import pytest
from django.utils import translation

from articles.rendering import Shortcode, check_body, expand_shortcodes, render_body, sanitize


def html(text: str) -> str:
    return render_body(text).html


def test_script_tags_and_their_content_are_removed():
    out = html("Hello <script>alert('x')</script> world\n\n<script src=/evil.js></script>")
    assert "<script" not in out
    assert "alert" not in out
    assert "Hello" in out and "world" in out


def test_event_handlers_are_removed():
    out = html('<p onclick="steal()">Hi</p>\n\n<img src="/a.png" alt="A cat" onerror="steal()">')
    assert "onerror" not in out
    assert "onclick" not in out
    assert "steal" not in out
    assert '<img src="/a.png" alt="A cat">' in out


@pytest.mark.parametrize(
    "link",
    [
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        '<a href=" javascript:alert(1)">click</a>',
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](vbscript:msgbox)",
    ],
)
def test_dangerous_links_lose_their_target(link):
    out = html(link)
    assert "javascript" not in out.lower()
    assert "data:" not in out
    assert "vbscript" not in out
    assert "click" in out


def test_raw_iframes_objects_and_styles_are_removed():
    out = html(
        '<iframe src="https://evil.example.org/"></iframe>\n\n'
        '<object data="x.swf"></object><embed src="x.swf">\n\n'
        "<style>body{display:none}</style>\n\n"
        '<form action="https://evil.example.org/"><input name="pw"></form>'
    )
    for bad in (
        "<iframe",
        "evil.example.org",
        "<object",
        "<embed",
        "<style",
        "display:none",
        "<form",
        "<input",
    ):
        assert bad not in out


def test_images_without_a_description_are_dropped():
    out = html(
        '![](/media/a.png)\n\n<img src="/media/b.png">\n\n'
        '<img src="/media/c.png" alt=" ">\n\n![A family](/media/d.png)'
    )
    assert "a.png" not in out
    assert "b.png" not in out
    assert "c.png" not in out
    assert '<img alt="A family" src="/media/d.png">' in out
    assert "<p></p>" not in out


def test_safe_markdown_survives():
    out = html(
        "## A section\n\nSome **bold**, *italic* and [a link](https://example.org/).\n\n"
        "- one\n- two\n\n> A quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "[mail](mailto:a@example.org)"
    )
    assert '<h2 id="a-section">A section</h2>' in out
    assert "<strong>bold</strong>" in out and "<em>italic</em>" in out
    assert '<a href="https://example.org/" rel="noopener noreferrer">a link</a>' in out
    assert "<ul>" in out and "<blockquote>" in out and "<table>" in out
    assert 'href="mailto:a@example.org"' in out


def test_level_one_headings_and_unknown_attributes_are_removed():
    out = html('<h1>Big</h1>\n\n<p class="x" style="color:red" id="y">Text</p>')
    assert "<h1" not in out
    assert "class=" not in out and "style=" not in out and 'id="y"' not in out


def test_table_of_contents_and_reading_time():
    body = (
        "## Qu'est-ce qu'un réseau ?\n\nUn.\n\n### Détail\n\nDeux.\n\n## Et après\n\n"
        + "mot " * 450
    )
    rendered = render_body(body)
    assert [item["id"] for item in rendered.toc] == ["quest-ce-quun-reseau", "et-apres"]
    assert rendered.toc[0]["name"] == "Qu'est-ce qu'un réseau ?"
    assert rendered.toc[0]["children"][0]["id"] == "detail"
    assert rendered.words == 450 + 8  # Qu'est-ce, qu'un, réseau, Un, Détail, Deux, Et, après
    assert rendered.reading_minutes == 3


def test_duplicate_headings_get_distinct_ids():
    rendered = render_body("## Pour vous\n\na\n\n## Pour vous\n\nb")
    ids = [item["id"] for item in rendered.toc]
    assert len(set(ids)) == 2


def test_shortcodes_become_blocks_and_their_output_is_trusted():
    rendered = render_body("Intro\n\n[[groups theme=adhd]]\n\n[[helplines]]\n\nEnd")
    assert rendered.shortcodes == [Shortcode("groups", {"theme": "adhd"}), Shortcode("helplines")]
    out = expand_shortcodes(rendered, lambda code: f'<div class="block-{code.name}"></div>')
    assert '<div class="block-groups"></div>' in out
    assert '<div class="block-helplines"></div>' in out
    assert "[[" not in out and rendered.placeholder not in out


def test_shortcode_in_the_middle_of_a_sentence_is_not_a_block():
    rendered = render_body("See [[networks]] here")
    assert rendered.shortcodes == []


def test_check_body_reports_what_an_editor_can_fix():
    with translation.override("en"):
        errors = [
            str(e)
            for e in check_body(
                "# Title\n\n[[nope]]\n\nText [[networks]] inline\n\n[[groups colour=red]]\n\n"
                "![](/x.png)",
                known_theme=lambda slug: False,
            )
        ]
    assert any("[[nope]]" in e for e in errors)
    assert any("line of its own" in e for e in errors)
    assert any("colour" in e for e in errors)
    assert any("##" in e for e in errors)
    assert any("description" in e for e in errors)
    assert check_body("## Fine\n\n[[networks]]\n\n[[groups theme=adhd]]", lambda slug: True) == []
    assert check_body("[[groups theme=unknown]]", lambda slug: False)
    # Browsers send textarea content with CRLF line endings.
    assert check_body("Intro\r\n\r\n[[networks]]\r\n\r\nEnd", lambda slug: True) == []
    assert render_body("Intro\r\n\r\n[[networks]]\r\n").shortcodes == [Shortcode("networks")]


def test_sanitize_keeps_only_the_allow_list():
    assert sanitize(
        '<marquee>hi</marquee> <a href="/ok" target="_top">ok</a><svg onload="x()">'
    ) == ('hi <a href="/ok" rel="noopener noreferrer">ok</a>')


def test_rendered_bodies_are_cached_by_content(monkeypatch):
    from articles import rendering

    calls = []
    real = rendering.render_body
    monkeypatch.setattr(rendering, "render_body", lambda text: calls.append(text) or real(text))
    first = rendering.render_body_cached("## Titre\n\nTexte.")
    second = rendering.render_body_cached("## Titre\n\nTexte.")
    rendering.render_body_cached("## Autre titre\n\nTexte.")
    assert first.html == second.html and first.toc == second.toc
    assert len(calls) == 2
