"""Article bodies: Markdown to HTML, sanitised with nh3 against an explicit allow-list.

Editors write Markdown. Blocks that come from the database (the networks list, a groups
box, the help lines, the orientation question) are placed with shortcodes on a line of
their own, e.g. `[[groups theme=adhd]]`. Rendering happens in two steps:

1. `render_body()` turns the Markdown into sanitised HTML in which each shortcode is a
   placeholder paragraph, and collects the table of contents and the word count;
2. `expand_shortcodes()` replaces the placeholders with HTML rendered from the site's own
   templates (trusted, so it is not sanitised; the editor's HTML always is).
"""

import hashlib
import html
import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

import markdown
import nh3
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _
from markdown.extensions.toc import TocExtension

# Shortcode name -> parameters it accepts.
SHORTCODES: dict[str, set[str]] = {
    "networks": set(),
    "groups": {"theme", "audience", "kind", "format"},
    "helplines": set(),
    "orientation": set(),
}

SHORTCODE_HELP = format_lazy(
    "{}<br>{}<br>{}<br>{}<br>{}<br>{}",
    _(
        "Markdown: ## for a section title (### for a sub-section; the article title is the page's "
        "only top heading), **bold**, *italic*, [link text](https://…), - for a list, > for a "
        "quote, ![description of the image](/media/…) for an image (images without a description "
        "are removed)."
    ),
    _("Blocks, each on a line of its own:"),
    _(
        "[[networks]]: the child and adolescent mental-health networks by region, with a link to "
        "the map and a postal-code search."
    ),
    _(
        "[[groups theme=adhd]]: “groups on this theme near you”, a postal-code search and a few "
        "groups (theme is a theme's slug; audience=, kind= and format= also work)."
    ),
    _("[[helplines]]: the help lines box (112 and the listening lines)."),
    _("[[orientation]]: the “which support fits what you feel now?” question."),
)

# The allow-list. Anything else is removed (tags keep their text, except script and style
# whose content goes too); attributes not listed here are dropped, event handlers included.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "figcaption", "figure", "h2", "h3",
    "h4", "hr", "i", "img", "li", "ol", "p", "pre", "small", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"lang"},
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)

SHORTCODE_LINE_RE = re.compile(
    r"^[ \t]*\[\[[ \t]*(?P<name>[a-z_]+)(?P<params>(?:[ \t]+[a-z_]+=[\w-]+)*)[ \t]*\]\][ \t]*$",
    re.MULTILINE,
)
ANY_SHORTCODE_RE = re.compile(r"\[\[(.*?)\]\]")
IMG_RE = re.compile(r"<img\b[^>]*>")
ALT_RE = re.compile(r'\balt="([^"]*)"')
EMPTY_P_RE = re.compile(r"<p>\s*</p>\n?")
TAG_RE = re.compile(r"<[^>]+>")
WORD_RE = re.compile(r"\w+(?:['\u2019-]\w+)*")

BODY_CACHE_SECONDS = 24 * 60 * 60

# A calm reading pace for a tired reader (words per minute).
READING_WPM = 200


@dataclass(frozen=True)
class Shortcode:
    name: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class RenderedBody:
    html: str
    toc: list[dict]
    shortcodes: list[Shortcode]
    words: int
    placeholder: str

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / READING_WPM))


def slugify_heading(value: str, separator: str) -> str:
    return slugify(html.unescape(value)) or "section"


def parse_params(raw: str) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in raw.split())


def sanitize(fragment: str) -> str:
    """Clean editor HTML with the allow-list, then drop images that have no description."""
    cleaned = CLEANER.clean(fragment)

    def keep_described(match: re.Match) -> str:
        alt = ALT_RE.search(match.group(0))
        return match.group(0) if alt and alt.group(1).strip() else ""

    return EMPTY_P_RE.sub("", IMG_RE.sub(keep_described, cleaned))


def render_body(text: str) -> RenderedBody:
    """Markdown -> sanitised HTML with shortcode placeholders, the TOC and the word count."""
    placeholder = f"ht-block-{secrets.token_hex(6)}-"
    codes: list[Shortcode] = []

    def to_placeholder(match: re.Match) -> str:
        codes.append(Shortcode(match["name"], parse_params(match["params"])))
        return f"\n\n{placeholder}{len(codes) - 1}\n\n"

    source = SHORTCODE_LINE_RE.sub(to_placeholder, text.replace("\r\n", "\n"))
    md = markdown.Markdown(
        extensions=[
            TocExtension(toc_depth="2-3", slugify=slugify_heading),
            "tables",
            "sane_lists",
        ],
        output_format="html",
    )
    body = sanitize(md.convert(source))
    plain = html.unescape(TAG_RE.sub(" ", re.sub(rf"{placeholder}\d+", " ", body)))
    return RenderedBody(
        html=body,
        toc=md.toc_tokens,
        shortcodes=codes,
        words=len(WORD_RE.findall(plain)),
        placeholder=placeholder,
    )


def render_body_cached(text: str) -> RenderedBody:
    """`render_body()` through the cache, keyed on the text itself (Markdown costs ~20 ms)."""
    key = "articles:body:" + hashlib.sha256(text.encode()).hexdigest()
    rendered = cache.get(key)
    if rendered is None:
        rendered = render_body(text)
        cache.set(key, rendered, BODY_CACHE_SECONDS)
    return rendered


def expand_shortcodes(
    rendered: RenderedBody, render_block: Callable[[Shortcode], str]
) -> SafeString:
    """The final HTML: each placeholder paragraph replaced by its block."""
    body = rendered.html
    for index, code in enumerate(rendered.shortcodes):
        body = body.replace(f"<p>{rendered.placeholder}{index}</p>", render_block(code), 1)
    return mark_safe(body)


def check_body(text: str, known_theme: Callable[[str], bool] | None = None) -> list[str]:
    """Problems an editor can fix before publishing (shown under the body field)."""
    errors = []
    text = text.replace("\r\n", "\n")
    standalone = {m.start(): m for m in SHORTCODE_LINE_RE.finditer(text)}
    for match in ANY_SHORTCODE_RE.finditer(text):
        words = match.group(1).split()
        name = words[0] if words else ""
        line_start = text.rfind("\n", 0, match.start()) + 1
        if name not in SHORTCODES:
            errors.append(
                format_lazy(_("Unknown block {code}."), code=match.group(0))
                if name
                else _("An empty [[ ]] block.")
            )
            continue
        if line_start not in standalone:
            errors.append(format_lazy(_("Put {code} on a line of its own."), code=match.group(0)))
            continue
        params = parse_params(standalone[line_start]["params"])
        for key in params.keys() - SHORTCODES[name]:
            errors.append(
                format_lazy(_("{code}: unknown setting “{key}”."), code=match.group(0), key=key)
            )
        theme = params.get("theme")
        if theme and known_theme is not None and not known_theme(theme):
            errors.append(
                format_lazy(
                    _("{code}: there is no theme “{slug}”."), code=match.group(0), slug=theme
                )
            )
    if re.search(r"^#[ \t]", text, re.MULTILINE):
        errors.append(_("Start sections with ## : the title is already the page's top heading."))
    if re.search(r"!\[\s*\]\(", text):
        errors.append(
            _("Every image needs a description: ![what the image shows](address of the image).")
        )
    return errors
