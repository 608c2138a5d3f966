"""The markdown pipeline renders what authors need and nothing that can run script."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from questions.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java&#x09;script:alert(1))",
    "![img](javascript:alert(1))",
    "![img](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>@import 'http://evil.example/x.css';</style>",
    "<link rel=stylesheet href=http://evil.example/x.css>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<a href="#" onclick="alert(1)">x</a>',
    '"><script>alert(1)</script>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '[x](https://example.com" onmouseover="alert(1))',
    '![x](https://example.com/a.png "t\\" onerror=\\"alert(1)")',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "$<script>alert(1)</script>$",
    "$$\\href{javascript:alert(1)}{x}$$",
    "$\\color{red}{x}$",
    "$\\text{<img src=x onerror=alert(1)>}$",
    '<math href="javascript:alert(1)"><mi>x</mi></math>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<scr<script>ipt>alert(1)</script>",
    "<javascript:alert(1)>",
    '<base href="javascript:alert(1)//">',
    "[x](\x01javascript:alert(1))",
    "Footnote[^1]\n\n[^1]: <img src=x onerror=alert(1)>",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "[x](https://example.com/?q=<script>alert(1)</script>)",
    # Every character of javascript:alert(1) as a zero-padded decimal entity.
    '<a href="' + "".join(f"&#{ord(c):07d}" for c in "javascript:alert(1)") + '">x</a>',
]
SCROLL_BOX_TAGS = {"pre", "div", "span"}
URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "data"}


class Audit(HTMLParser):
    """Collects every element and attribute of rendered output."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            if name == "tabindex" and value == "0" and tag in SCROLL_BOX_TAGS:
                continue  # the renderer's own scrolling boxes take the keyboard focus
            if name.startswith("on") or name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in URL_ATTRIBUTES and value:
                url = urlsplit(value.strip())
                scheme = url.scheme.lower()
                if scheme not in {"", "http", "https", "mailto"}:
                    self.problems.append(f"{scheme}: URL in {name}")
                if tag == "img" and name == "src" and (url.scheme or url.netloc):
                    self.problems.append(f"outside image {value}")


def audit(html: str) -> list[str]:
    parser = Audit()
    parser.feed(html)
    parser.close()
    return parser.problems


def test_the_corpus_is_big_enough():
    assert len(XSS_PAYLOADS) >= 40


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_survives_as_live_html(payload):
    html = render_markdown(payload)
    assert audit(html) == []
    # Whatever survives does so as text: no live tag, handler or script URL.
    assert "<script" not in html.lower()


def test_links_are_marked_user_generated():
    html = render_markdown("[paper](https://arxiv.org/abs/1706.03762)")
    assert html == (
        '<p><a href="https://arxiv.org/abs/1706.03762" rel="nofollow ugc noopener">paper</a></p>\n'
    )


def test_tables_render():
    html = render_markdown("| metric | value |\n|---|---|\n| AUC | 0.91 |")
    assert "<table>" in html
    assert "<td>AUC</td>" in html


def test_code_is_highlighted_with_pygments_classes():
    html = render_markdown("```python\nimport torch\n```")
    assert '<pre tabindex="0"><code class="language-python">' in html
    assert '<span class="kn">import</span>' in html


def test_math_becomes_mathml_without_any_script():
    html = render_markdown("Loss $\\mathcal{L} = -\\log p$ and\n\n$$\\frac{a}{b}$$")
    assert '<math display="inline">' in html
    assert '<math display="block">' in html
    assert "<mfrac>" in html
    assert audit(html) == []


def test_boxes_that_may_scroll_sideways_take_the_keyboard_focus():
    """Code, tables, display math and long inline math scroll in their own box on a
    phone (site.css); keyboard users reach them with Tab to scroll them."""
    html = render_markdown(
        "Short $x$ and long $a_1 + a_2 + a_3 + a_4 + a_5 + a_6 + a_7$.\n\n"
        "$$\\frac{a}{b}$$\n\n    code\n\n| a |\n|---|\n| 1 |\n"
    )
    assert '<span class="math inline"><math display="inline"><mrow><mi>x</mi>' in html
    assert '<span class="math inline" tabindex="0"><math display="inline"><mrow><msub>' in html
    assert '<div class="math block" tabindex="0">' in html
    assert '<pre tabindex="0"><code>code' in html
    assert '<div class="table-scroll" tabindex="0"><table>' in html
    assert html.count("<div") == html.count("</div>")
    assert audit(html) == []
    # Typed as text, the same tags stay text.
    assert "tabindex" not in render_markdown("`<pre>` and <table> and <pre>")


def test_dollar_amounts_are_not_math():
    assert render_markdown("It costs $5 and $10.") == "<p>It costs $5 and $10.</p>\n"


def test_broken_tex_is_shown_as_code_not_an_error():
    assert '<code class="math-error">\\frac{</code>' in render_markdown("bad $\\frac{$ tex")


def test_empty_input_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown("   \n ") == ""


def test_the_audit_flags_live_html():
    """The corpus test above can fail: raw dangerous HTML does not pass the audit."""
    assert audit("<p><img src=x onerror=alert(1)></p>") == ["attribute onerror on <img>"]
    assert audit('<a href="javascript:alert(1)">x</a>') == ["javascript: URL in href"]
    assert audit("<script>alert(1)</script>") == ["tag <script>"]
    assert audit('<img src="https://tracker.example/p.gif" alt="">') == [
        "outside image https://tracker.example/p.gif"
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "![loss curve](https://example.com/loss.png)",
            '<a href="https://example.com/loss.png" rel="nofollow ugc noopener">loss curve</a>',
        ),
        (
            "![](http://example.com/a.png)",
            '<a href="http://example.com/a.png" rel="nofollow ugc noopener">'
            "http://example.com/a.png</a>",
        ),
        (
            '![a *b* <c> & d](//example.com/a.png?x=1&y=2 "T & <t>")',
            '<a href="//example.com/a.png?x=1&amp;y=2" title="T &amp; &lt;t&gt;" '
            'rel="nofollow ugc noopener">a b &lt;c&gt; &amp; d</a>',
        ),
    ],
)
def test_outside_images_become_links(source, expected):
    """The site never loads outside assets (CSP img-src 'self' data:): link to them."""
    html = render_markdown(source)
    assert html == f"<p>{expected}</p>\n"
    assert "<img" not in html


def test_an_outside_image_inside_a_link_leaves_only_the_link():
    html = render_markdown("[![build](https://ci.example/badge.svg)](https://ci.example/run)")
    assert html == '<p><a href="https://ci.example/run" rel="nofollow ugc noopener">build</a></p>\n'


@pytest.mark.parametrize("src", ["/static/img/diagram.png", "/media/uploads/roc.png", "roc.png"])
def test_same_site_images_stay_images(src):
    html = render_markdown(f"![ROC curve]({src})")
    assert html == f'<p><img src="{src}" alt="ROC curve"></p>\n'
