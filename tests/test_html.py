"""The HTML report: structure, escaping of hostile data, determinism, and a headless browser
(which must render the bars and make no network request for the page)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from renewal_score.agenda import Agenda
from renewal_score.engine import build_scorecard
from renewal_score.loading import checked_agenda, load_inputs
from renewal_score.options import RunOptions
from renewal_score.reports.html import render_html
from renewal_score.reports.html.charts import bar_chart
from renewal_score.reports.html.page import CSP, anchor_id, safe_url
from renewal_score.results import Scorecard, SkippedPlugin
from renewal_score.testing import StaticPlugin, make_host
from renewal_score.testing import run as score_plugins
from renewal_score.trend import Trend, dates, trend

AS_OF = dt.date(2025, 5, 1)
HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(1)> | a & b\nnext line'
HOSTILE_LINE = '<script>alert(1)</script> "><img src=x onerror=alert(1)> | a & b'

# ---------------------------------------------------------------------------------------------
# A small DOM, from the standard library's parser


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    content: list[Element | str] = field(default_factory=list)

    @property
    def children(self) -> list[Element]:
        return [c for c in self.content if isinstance(c, Element)]

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.content)

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class Page(HTMLParser):
    """Parses a document into elements and records every nesting error."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.elements: list[Element] = []
        self.errors: list[str] = []
        self.doctype = ""
        self.feed(source)
        self.close()
        if len(self.stack) != 1:
            self.errors.append(f"unclosed: {[e.tag for e in self.stack[1:]]}")

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def _add(self, tag: str, attrs: list[tuple[str, str | None]]) -> Element:
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].content.append(element)
        self.elements.append(element)
        return element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._add(tag, attrs)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.stack[-1].tag != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1].tag}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].content.append(data)

    def find(self, tag: str = "", css: str = "") -> list[Element]:
        return [
            e for e in self.elements if (not tag or e.tag == tag) and (not css or css in e.classes)
        ]

    def ids(self) -> list[str]:
        return [e.attrs["id"] for e in self.elements if "id" in e.attrs]

    def text(self) -> str:
        return self.root.text()


# ---------------------------------------------------------------------------------------------
# Fixtures


@dataclass(frozen=True)
class Run:
    card: Scorecard
    agenda: Agenda


@pytest.fixture(scope="module")
def default() -> Run:
    inputs = load_inputs()
    return Run(
        build_scorecard(checked_agenda(inputs), inputs.host, RunOptions(as_of=AS_OF)),
        checked_agenda(inputs),
    )


@pytest.fixture(scope="module")
def history(default: Run) -> Trend:
    inputs = load_inputs()
    points = dates(dt.date(2023, 1, 1), AS_OF, "quarter")
    return trend(default.agenda, inputs.host, RunOptions(as_of=AS_OF), points, "quarter")


@pytest.fixture(scope="module")
def report(default: Run) -> str:
    return render_html(default.card, agenda=default.agenda)


def hostile_plugin() -> StaticPlugin:
    rubric = [
        {"id": "none", "label": f"None {HOSTILE}", "description": HOSTILE},
        {"id": "some", "label": "Some", "description": f"Some {HOSTILE}"},
    ]
    source = {"title": f"Source {HOSTILE}", "publisher": HOSTILE, "url": "javascript:alert(1)"}
    return StaticPlugin(
        subjects=[{"id": "HOST", "title": f"Subject {HOSTILE}"}],
        priorities=[
            {"id": "p1", "title": f"Priority {HOSTILE}", "description": HOSTILE},
            {"id": "p2", "title": "Nothing known", "target": 60},
        ],
        criteria=[
            {"id": "p1.c1", "priority": "p1", "title": f"Criterion {HOSTILE}", "rubric": rubric},
            {"id": "p1.c2", "priority": "p1", "title": "Unevidenced", "rubric": rubric},
            {"id": "p2.c1", "priority": "p2", "title": "Also unevidenced", "rubric": rubric},
        ],
        evidence=[
            {
                "id": "e1",
                "subject": "HOST",
                "criterion": "p1.c1",
                "date": "2024-01-02",
                "statement": f"Statement {HOSTILE}",
                "level": "some",
                "kind": "declaratory",
                "grade": "B2",
                "note": HOSTILE,
                "source": source,
            },
            {
                "id": "e2:concrete.1",
                "subject": "HOST",
                "criterion": "p1.c1",
                "date": "2024-03",
                "statement": "A plain record.",
                "level": "some",
                "kind": "concrete",
                "grade": "A1",
                "source": {"title": "Plain", "url": "https://example.org/report?a=1&b=2"},
            },
        ],
    )


@pytest.fixture(scope="module")
def hostile() -> Run:
    inputs = load_inputs(host=make_host(hostile_plugin()))
    card = build_scorecard(
        checked_agenda(inputs), inputs.host, RunOptions(as_of=AS_OF, subject="HOST")
    )
    card = card.model_copy(
        update={"skipped_plugins": (SkippedPlugin(name=HOSTILE, reason=HOSTILE),)}
    )
    return Run(card, checked_agenda(inputs))


@pytest.fixture(scope="module")
def hostile_report(hostile: Run) -> str:
    return render_html(hostile.card, agenda=hostile.agenda)


# ---------------------------------------------------------------------------------------------
# Structure


def test_the_page_is_well_formed_with_its_main_elements_nested(report: str) -> None:
    page = Page(report)
    assert report.startswith("<!doctype html>\n")
    assert page.errors == []
    assert page.doctype.lower() == "doctype html"
    (html,) = page.find("html")
    assert [c.tag for c in html.children] == ["head", "body"]
    (main,) = page.find("main")
    assert main.parent is not None
    assert main.parent.tag == "body"
    assert [c.tag for c in main.children][:2] == ["header", "section"]
    assert main.children[-1].tag == "footer"
    sections = [e.attrs["id"] for e in page.find("section") if e.parent is main]
    assert sections == [
        "headline",
        "priority-scores",
        "gather",
        "priorities",
        "coverage",
        "evidence",
        "method",
    ]
    assert len(page.ids()) == len(set(page.ids())), "ids must be unique"


def test_the_head_makes_the_file_self_contained(report: str) -> None:
    page = Page(report)
    metas = page.find("meta")
    assert {"charset": "utf-8"} in [m.attrs for m in metas]
    assert any(m.attrs.get("name") == "viewport" for m in metas)
    (policy,) = [m for m in metas if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert policy.attrs["content"] == CSP
    assert len(page.find("style")) == 1
    assert page.find("script") == []
    assert "<script" not in report.lower()
    for tag in ("link", "img", "iframe", "object", "embed", "base", "form"):
        assert page.find(tag) == [], tag
    assert not [e for e in page.elements if "src" in e.attrs or "srcset" in e.attrs]
    assert "url(" not in report
    assert "@import" not in report
    assert "style" not in {a for e in page.elements for a in e.attrs}, "inline styles only"
    for element in page.elements:
        href = element.attrs.get("href")
        if href is not None:
            assert href.startswith(("#", "https://", "http://")), href
    assert str(AS_OF) in page.find("title")[0].text()
    assert "Canada\u2013Japan" in page.find("h1")[0].text()


def test_one_svg_per_chart_and_one_bar_per_priority(default: Run, report: str) -> None:
    page = Page(report)
    assert len(page.find("svg", "chart-bars")) == 1
    assert page.find("svg", "chart-trend") == []
    bars = page.find("rect", "bar")
    assert len(bars) == len(default.card.priorities)
    by_rank = sorted(default.card.priorities, key=lambda p: p.rank)
    for bar, priority in zip(bars, by_rank, strict=True):
        assert priority.title in bar.attrs["aria-label"]
        assert priority.status in bar.attrs["aria-label"]
        assert [c.tag for c in bar.children] == ["title"]
        assert f"status-{priority.status.replace(' ', '-')}" in bar.classes
    assert len(page.find("line", "target")) == len(default.card.priorities)
    # Each priority's own 5-95 % interval is drawn as a whisker, with a dot at its score.
    whiskers = page.find("g", "whisker")
    assert len(whiskers) == len(default.card.priorities)
    for whisker, priority in zip(whiskers, by_rank, strict=True):
        assert priority.uncertainty is not None
        assert f"{priority.uncertainty.low:.1f}" in whisker.text()
        assert f"{priority.uncertainty.high:.1f}" in whisker.text()


def test_headline_figures_and_say_do_gap(default: Run, report: str) -> None:
    page = Page(report)
    overall = default.card.overall
    assert overall.say_do_gap is not None
    assert overall.concrete_score is not None
    (say_do,) = [e for e in page.elements if e.attrs.get("id") == "say-do-gap"]
    assert f"{overall.say_do_gap:.0f}%" in say_do.text()
    assert f"{overall.concrete_score:.1f}" in say_do.text()
    headline = page.find("section", "headline")[0].text()
    assert f"{overall.score:.1f}" in headline
    assert overall.uncertainty is not None
    assert f"{overall.uncertainty.low:.1f}\u2013{overall.uncertainty.high:.1f}" in headline
    assert f"{overall.uncertainty.label} certainty" in headline
    assert default.card.recommendation.text in headline
    assert "1 record about other subjects" in headline


def test_without_evidence_there_is_no_say_do_gap(default: Run) -> None:
    overall = default.card.overall.model_copy(
        update={
            "say_do_gap": None,
            "score": None,
            "uncertainty": None,
            "concrete_score": None,
            "evidence_count": 0,
        }
    )
    page = Page(render_html(default.card.model_copy(update={"overall": overall})))
    assert page.errors == []
    (say_do,) = [e for e in page.elements if e.attrs.get("id") == "say-do-gap"]
    assert "there is no say\u2013do gap" in say_do.text()
    assert page.find("svg", "meter") == []


def test_priorities_in_rank_order_with_their_criteria(default: Run, report: str) -> None:
    page = Page(report)
    cards = page.find("article", "priority")
    ranked = sorted(default.card.priorities, key=lambda p: p.rank)
    assert [c.attrs["id"] for c in cards] == [f"priority-{p.id}" for p in ranked]
    for article, priority in zip(cards, ranked, strict=True):
        text = " ".join(article.text().split())
        assert priority.status in text
        for criterion in priority.criteria:
            assert criterion.title in text
            newest = criterion.coverage.newest
            assert newest is None or f"newest {newest}" in text


def test_every_decided_by_link_targets_an_evidence_row(default: Run, report: str) -> None:
    page = Page(report)
    ids = set(page.ids())
    links = page.find("a", "decided")
    decided = [i for p in default.card.priorities for c in p.criteria for i in c.evidence]
    assert len(links) == len(decided) > 0
    for link in links:
        target = link.attrs["href"]
        assert target.startswith("#evidence-")
        assert target[1:] in ids
    for element in page.find("a"):
        href = element.attrs["href"]
        if href.startswith("#"):
            assert href[1:] in ids, href


def test_evidence_table_lists_every_record_counted(default: Run, report: str) -> None:
    page = Page(report)
    rows = [e for e in page.find("tr") if e.attrs.get("id", "").startswith("evidence-")]
    assert len(rows) == default.card.overall.evidence_count
    assert "does not match" not in report
    for row in rows:
        assert [c.tag for c in row.children] == ["td"] * 7


def test_rubrics_show_every_level_and_mark_the_one_reached(default: Run, report: str) -> None:
    page = Page(report)
    criteria = [c for p in default.card.priorities for c in p.criteria]
    levels = page.find("ol", "levels")
    assert len(levels) == len(criteria)
    reached = page.find("li", "reached")
    assert len(reached) == sum(1 for c in criteria if c.level is not None)
    for criterion in default.agenda.criteria.values():
        for level in criterion.rubric:
            assert level.description in report.replace("&#x27;", "'")


def test_thin_evidence_is_marked_in_the_coverage_table() -> None:
    early = score_plugins(
        builtins=True, as_of=dt.date(2019, 6, 1)
    )  # when some criteria had one event
    page = Page(render_html(early))
    (coverage,) = page.find("table", "coverage")
    thin = [tr for tr in coverage.children[1].children if "thin-row" in tr.classes]
    criteria = [c for p in early.priorities for c in p.criteria]
    assert len(thin) == sum(1 for c in criteria if c.coverage.events <= 1) > 0
    assert all("thin" in tr.text() or "no evidence" in tr.text() for tr in thin)


def test_method_section_names_plugins_weights_and_evidence_digest(
    default: Run, report: str
) -> None:
    page = Page(report)
    (method,) = [e for e in page.find("section") if e.attrs.get("id") == "method"]
    text = method.text()
    manifest = default.card.manifest
    assert manifest.evidence_sha256 in text
    assert manifest.renewal_score_version in text
    for plugin in manifest.plugins:
        assert plugin.name in text
        assert plugin.version in text
    for weight in default.card.method.criterion_weights.values():
        assert f"{weight:.4f}" in text
    assert "B 0.75" in " ".join(text.split())


def test_without_the_agenda_rubrics_and_evidence_say_what_they_need(default: Run) -> None:
    page = Page(render_html(default.card))
    assert page.errors == []
    assert page.find("a", "decided") == []
    assert page.find("ol", "levels") == []
    notes = [e.text() for e in page.find("p", "needs-agenda")]
    assert len(notes) == len(default.card.priorities) + 1
    assert all("need the agenda" in note for note in notes)
    assert not [i for i in page.ids() if i.startswith("evidence-")]


def test_intervals_draw_whiskers_and_skip_unusable_ones(default: Run) -> None:
    ids = [p.id for p in default.card.priorities]
    intervals = {ids[0]: (10.0, 20.0, 30.0), ids[1]: (float("nan"), 1.0, 2.0), "other": (1, 2, 3)}
    page = Page(f"<svg>{bar_chart(default.card, intervals)}</svg>")
    (whisker,) = page.find("g", "whisker")
    assert "10.0" in whisker.text()
    assert "30.0" in whisker.text()


def test_trend_draws_a_line_chart_of_the_index_and_each_priority(
    default: Run, history: Trend
) -> None:
    page = Page(render_html(default.card, trend=history))
    assert page.errors == []
    (chart,) = page.find("svg", "chart-trend")
    series = [e for e in page.find("g", "series") if chart in list(e.ancestors())]
    assert len(series) == 1 + len(default.card.priorities)
    dots = [e for e in page.find("circle") if chart in list(e.ancestors())]
    rated = sum(
        1
        for point in history.points
        for value in [point.overall, *point.priorities.values()]
        if value is not None
    )
    assert len(dots) == rated
    assert "Scores over time" in [e.text() for e in page.find("h2")]


def test_indicator_criteria_list_their_observations() -> None:
    data = Path(__file__).parent / "data" / "hdi"
    inputs = load_inputs([data], host=make_host())
    card = build_scorecard(
        checked_agenda(inputs), inputs.host, RunOptions(as_of=AS_OF, subject="CAN")
    )
    page = Page(render_html(card, agenda=checked_agenda(inputs)))
    assert page.errors == []
    rows = [e for e in page.find("tr") if e.attrs.get("id", "").startswith("evidence-")]
    assert len(rows) == card.overall.evidence_count > 0
    assert "Measured gni-per-capita:" in page.text()
    assert "goalposts 100\u201375000, on a log scale" in page.text()
    decided = [i for p in card.priorities for c in p.criteria for i in c.evidence]
    assert len(page.find("a", "decided")) == len(decided) > 0


# ---------------------------------------------------------------------------------------------
# Hostile data


def test_hostile_text_is_shown_as_text_and_never_becomes_markup(hostile_report: str) -> None:
    page = Page(hostile_report)
    assert page.errors == []
    assert page.find("script") == []
    assert page.find("img") == []
    assert "<script" not in hostile_report
    assert "<img" not in hostile_report
    assert not [a for e in page.elements for a in e.attrs if a.startswith("on")]
    bare_ampersand = re.compile(r"&(?![A-Za-z]+;|#[0-9]+;|#x[0-9A-Fa-f]+;)")
    assert not bare_ampersand.findall(hostile_report)
    text = page.text()
    for shown in (
        "Subject ",
        "Priority ",
        "Criterion ",
        "Statement ",
        "Source ",
        "None ",
        "Some ",
    ):
        assert shown + HOSTILE_LINE in text, shown
    assert HOSTILE in text  # the note and the skipped plugin keep their newline


def test_hostile_text_is_escaped_in_svg_titles_and_attributes(hostile_report: str) -> None:
    page = Page(hostile_report)
    bar = page.find("rect", "bar")[0]
    assert f"Priority {HOSTILE_LINE}" in bar.attrs["aria-label"]
    assert f"Priority {HOSTILE_LINE}" in bar.children[0].text()
    escaped = "Priority &lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x"
    assert escaped in hostile_report


def test_only_http_urls_become_links(hostile_report: str) -> None:
    page = Page(hostile_report)
    external = [e for e in page.find("a") if not e.attrs["href"].startswith("#")]
    assert [e.attrs["href"] for e in external] == ["https://example.org/report?a=1&b=2"]
    assert set(external[0].attrs["rel"].split()) == {"noopener", "noreferrer"}
    assert "javascript:" not in " ".join(e.attrs.get("href", "") for e in page.elements)
    assert "not linked: javascript:alert(1)" in page.text()


def test_unrated_priority_has_an_empty_bar_and_says_so(hostile: Run, hostile_report: str) -> None:
    page = Page(hostile_report)
    bars = page.find("rect", "bar")
    assert len(bars) == len(hostile.card.priorities) == 2
    unrated = [b for b in bars if "status-cannot-rate" in b.classes]
    assert len(unrated) == 1
    assert unrated[0].attrs["width"] == "0.0"
    assert "cannot rate (no evidence)" in page.text()
    assert len(page.find("g", "whisker")) == 1


def test_evidence_anchors_are_sanitised_and_linked(hostile_report: str) -> None:
    page = Page(hostile_report)
    assert "evidence-e2:concrete.1" in page.ids()
    assert {e.attrs["href"] for e in page.find("a", "decided")} <= {"#" + i for i in page.ids()}
    assert anchor_id('a b<"x">&ü') == "a_b__x____"
    assert re.fullmatch(r"[A-Za-z0-9_.:-]+", anchor_id("<script>alert(1)</script>"))


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.org/a?b=1&c=2", True),
        ("HTTP://EXAMPLE.ORG/", True),
        ("  https://example.org/  ", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//example.org/protocol-relative", False),
        ('https://example.org/"onmouseover=alert(1)', False),
        ("https://example.org/a b", False),
        ("ftp://example.org/file", False),
        ("", False),
    ],
)
def test_safe_url(url: str, linked: bool) -> None:
    assert (safe_url(url) is not None) == linked


# ---------------------------------------------------------------------------------------------
# Determinism

RENDER_DEFAULT = """
import datetime as dt, sys
from renewal_score.engine import build_scorecard
from renewal_score.loading import checked_agenda, load_inputs
from renewal_score.options import RunOptions
from renewal_score.reports.html import render_html
from renewal_score.trend import dates, trend
as_of = dt.date(2025, 5, 1)
inputs = load_inputs()
agenda = checked_agenda(inputs)
options = RunOptions(as_of=as_of)
card = build_scorecard(checked_agenda(inputs), inputs.host, options)
history = trend(agenda, inputs.host, options, dates(dt.date(2023, 1, 1), as_of, "quarter"), "quarter")
sys.stdout.buffer.write(render_html(card, agenda=agenda, trend=history).encode())
"""


def test_two_renders_are_byte_identical(default: Run, history: Trend) -> None:
    def once() -> str:
        return render_html(default.card, agenda=default.agenda, trend=history)

    assert once() == once()


def test_the_report_does_not_depend_on_the_hash_seed() -> None:
    outputs = []
    for seed in ("0", "1"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", RENDER_DEFAULT],
            env=env,
            capture_output=True,
            check=True,
            timeout=120,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(b"<!doctype html>")
    assert b"chart-trend" in outputs[0]


# ---------------------------------------------------------------------------------------------
# A headless browser

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"headless browser tests need Chromium at {CHROMIUM} (apt-get install chromium)",
)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Nothing may leave the machine, whatever is asked for: every host name fails to resolve
    # (requests are still attempted, so they still show in the net log).
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
PAGE_SCHEMES = ("file:", "data:", "about:", "chrome:", "chrome-error:")


def chromium(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a fresh profile; fails the test if it does not succeed."""
    profile = tempfile.mkdtemp(prefix="profile-", dir=tmp_path)
    done = subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def url_requests(net_log: Path) -> list[dict[str, Any]]:
    """The parameters of every URL request started, from a Chromium net log."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        event["params"]
        for event in log["events"]
        if event["type"] == start and "url" in event.get("params", {})
    ]


def page_requests(requests: list[dict[str, Any]]) -> list[str]:
    """URLs the page asked for. Chromium's own background requests (network time, account
    lookups) have no initiating origin ("not an origin"); a page opened from a file has the
    opaque origin "null"."""
    return [r["url"] for r in requests if r.get("initiator") != "not an origin"]


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory, default: Run) -> Path:
    """The default report, written to a file."""
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(default.card, agenda=default.agenda), encoding="utf-8")
    return path


@needs_chromium
def test_browser_renders_the_bars(tmp_path: Path, default: Run, page_file: Path) -> None:
    done = chromium(tmp_path, "--dump-dom", page_file.as_uri())
    dom = Page(done.stdout)
    bars = dom.find("rect", "bar")
    assert len(bars) == len(default.card.priorities)
    assert dom.find("script") == []
    assert len(dom.find("tr")) > len(default.card.priorities)


@needs_chromium
def test_browser_screenshot(tmp_path: Path, page_file: Path) -> None:
    png = tmp_path / "report.png"
    chromium(tmp_path, f"--screenshot={png}", "--window-size=1200,2000", page_file.as_uri())
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 2000)


@needs_chromium
def test_browser_makes_no_network_request_for_the_page(tmp_path: Path, hostile_report: str) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(hostile_report, encoding="utf-8")
    net_log = tmp_path / "net.json"
    done = chromium(
        tmp_path,
        f"--log-net-log={net_log}",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        page.as_uri(),
    )
    requests = url_requests(net_log)
    assert [u for u in page_requests(requests) if not u.startswith(PAGE_SCHEMES)] == []
    assert not [r["url"] for r in requests if "example.org" in r["url"]], "a link was fetched"
    assert ":CONSOLE" not in done.stderr, "the page logged to the console (a CSP violation?)"
    assert len(Page(done.stdout).find("rect", "bar")) == 2


@needs_chromium
def test_browser_net_log_does_catch_a_page_request(tmp_path: Path) -> None:
    """The control for the test above: an external image and stylesheet are seen."""
    page = tmp_path / "probe.html"
    page.write_text(
        '<!doctype html><meta charset="utf-8"><title>probe</title>'
        '<link rel="stylesheet" href="https://fonts.renewal-score.invalid/font.css">'
        '<img src="http://renewal-score.invalid/probe.png" alt="">',
        encoding="utf-8",
    )
    net_log = tmp_path / "net.json"
    chromium(tmp_path, f"--log-net-log={net_log}", "--dump-dom", page.as_uri())
    assert sorted(page_requests(url_requests(net_log))) == [
        "http://renewal-score.invalid/probe.png",
        "https://fonts.renewal-score.invalid/font.css",
    ]
