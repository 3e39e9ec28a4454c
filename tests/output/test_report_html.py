"""The HTML report: self-contained, escaped, and it renders in headless Chromium with no console errors."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from _persona_data import INJECTION

from insightminer.insights.personas import build_personas
from insightminer.insights.trends import theme_trends
from insightminer.output.html.format import json_for_script
from insightminer.output.html.report import render_report_html
from tests.browser import find_chromium, load_page

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
SHOWN_AS_TEXT = (
    "Array.from(document.querySelectorAll('blockquote.q p')).some(p => p.textContent.includes('<script>'))"
)


@pytest.fixture(scope="module")
def report(persona_corpus):
    statements, _, findings, personas = persona_corpus
    trends = theme_trends(statements, findings)
    html = render_report_html(findings, personas, trends, statements, title="Acme CRM interviews, Q1 2026")
    return html, findings, personas, statements, trends


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, _tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def test_report_is_self_contained_and_escaped(report):
    html, findings, personas, _, _ = report
    parser = _Collector()
    parser.feed(html)
    tags = parser.tags
    # Exactly the two scripts we wrote: the JSON data block and the inline code; no src anywhere.
    scripts = [a for t, a in tags if t == "script"]
    assert len(scripts) == 2 and all("src" not in a for a in scripts)
    assert not any(t in ("link", "img", "iframe", "object", "embed") for t, _ in tags)
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html)  # no external URLs
    assert "@import" not in html and "url(" not in html
    # No attribute injected by the transcript (" onmouseover=...) and no stray script tag.
    assert not any(k.startswith("on") for _, a in tags for k in a)
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned" in html
    # Sections present.
    for section in ("overview", "charts", "findings", "personas", "assumptions", "trends"):
        assert f'<section id="{section}"' in html
    assert html.count('<article class="finding card"') == len(findings["findings"])
    assert html.count('<div class="empathy">') == len(personas["personas"])
    assert "thin evidence: only 3 interviews" in html
    assert "<details>" in html and "00:30\u201300:38" in html  # mm:ss with the range
    assert html.count("<svg") >= 4 + len(findings["findings"])  # charts + one sparkline per theme


def test_render_is_deterministic(report):
    html, findings, personas, statements, trends = report
    again = render_report_html(findings, personas, trends, statements, title="Acme CRM interviews, Q1 2026")
    assert again == html


def test_theme_positions_and_missing_optional_parts(report):
    _, findings, personas, statements, _ = report
    findings = {k: v for k, v in findings.items() if k != "assumptions"}
    findings["findings"] = [
        {**f, "map_position": [float(i), float(i % 2)]} for i, f in enumerate(findings["findings"])
    ]
    html = render_report_html(findings, personas, None, statements)
    assert "component 1 of the theme centroids" in html
    assert '<section id="trends"' not in html and '<section id="assumptions"' not in html
    with pytest.raises(ValueError, match="findings"):
        render_report_html({"findings": "nope"}, personas, None, statements)


def test_theme_map_positions_come_from_the_fitted_theme_model(embedder):
    """The run's theme map: PCA of the fitted ThemeModel's centroids, the path `run` takes."""
    from insightminer.themes.clustering import ThemeModel
    from insightminer.themes.study import theme_map_positions
    from tests.theme_corpus import corpus

    texts, _ = corpus()
    emb = embedder.encode(texts)
    model = ThemeModel(random_state=0, hierarchy=False).fit(emb, texts)
    positions = theme_map_positions(model.centroids_)
    assert len(model.centroids_) >= 3 and sorted(positions) == list(range(len(model.centroids_)))
    again = ThemeModel(random_state=0, hierarchy=False).fit(emb.copy(), texts)
    # signs fixed: the map does not flip between runs
    assert theme_map_positions(again.centroids_) == positions
    xs = [p[0] for p in positions.values()]
    assert max(xs) - min(xs) > 0.1  # the themes are spread out, not stacked


def test_json_for_script_cannot_close_the_script():
    payload = {"label": "</script><script>alert(1)</script><!-- x", "sep": "\u2028"}
    text = json_for_script(payload)
    assert "</" not in text and "<!--" not in text and "\u2028" not in text
    import json

    assert json.loads(text) == payload


def test_report_renders_in_headless_chromium(report, tmp_path):
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("Chromium is not installed (/usr/bin/chromium absent; run scripts/install_chromium.sh)")
    html = report[0]
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    result = load_page(
        page,
        screenshot=shot,
        width=1400,
        chromium=chromium,
        evaluate=(
            "typeof window.__pwned",
            "document.title",
            "document.querySelectorAll('article.finding').length",
            "document.getElementById('count').textContent",
            "document.querySelectorAll('blockquote.q p')[0] !== undefined",
            SHOWN_AS_TEXT,
            "(() => { const d = document.querySelector('#findings details'); d.open = true;"
            " return d.querySelector('blockquote') !== null && d.getBoundingClientRect().height > 0 })()",
            "(() => { const i = document.getElementById('filter'); i.value = 'pricing';"
            " i.dispatchEvent(new Event('input')); return document.getElementById('count').textContent })()",
        ),
    )
    assert result.errors == [], result.errors
    assert result.evaluated["typeof window.__pwned"] == "undefined"  # the injected script never ran
    assert result.evaluated["document.title"] == "Acme CRM interviews, Q1 2026"
    assert result.evaluated["document.querySelectorAll('article.finding').length"] == 4
    assert result.evaluated["document.getElementById('count').textContent"] == "4 of 4 findings"
    # The injection is shown to the reader as text, not executed.
    assert result.evaluated[SHOWN_AS_TEXT] is True
    assert any(v == "1 of 4 findings" for v in result.evaluated.values())
    assert any(k.startswith("(() => { const d") and v is True for k, v in result.evaluated.items())
    assert result.height > 2000
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    assert INJECTION  # the fixture really contains the attack


def test_empty_run_still_renders(embedder):
    import numpy as np

    findings = {"schema_version": "2.0", "summary": {"documents": 0}, "findings": []}
    personas = build_personas([], np.zeros((0, 384), np.float32), findings, embedder=embedder)
    assert personas["personas"] == [] and personas["segment_comparison"] == []
    html = render_report_html(findings, personas, theme_trends([], findings), [])
    assert "No recurring themes were found." in html
    assert '<section id="personas"' not in html and '<section id="trends"' not in html


def test_every_audio_quote_gets_a_play_control(persona_corpus):
    statements, _, findings, personas = persona_corpus
    docs = sorted({s.doc_id for s in statements})
    audio_docs = set(docs[: max(1, len(docs) // 2)])  # half the interviews were recordings
    sources = {d: f"../calls/{d}.m4a" for d in audio_docs}
    html = render_report_html(findings, personas, None, statements, audio_sources=sources)
    quotes = re.findall(r'<blockquote class="q".*?</blockquote>', html, flags=re.S)
    expected = 0
    for q in quotes:
        doc = re.search(r'<span class="doc">(.*?)</span>', q).group(1)
        timed = "\u2013" in (re.search(r'<span class="ts">(.*?)</span>', q) or [""])[0]
        wanted = doc in audio_docs and timed
        expected += wanted
        assert ('class="play"' in q) == wanted, q
        if wanted:
            src = re.search(r'data-src="([^"]+)"', q).group(1)
            start, end = re.search(r"#t=([\d.]+),([\d.]+)", src).groups()
            assert src.startswith(f"../calls/{doc}.m4a#t=") and float(start) < float(end)
            assert f'data-start="{start}"' in q and f'data-end="{end}"' in q  # JS stops at the end
    assert expected > 0
    assert "media-src 'self' file: data:" in html
    # without audio: no play controls, and the CSP allows no media at all
    plain = render_report_html(findings, personas, None, statements)
    assert 'class="play"' not in plain and "media-src" not in plain


def test_embedded_clips_make_play_controls_self_contained(persona_corpus):
    from insightminer.speech.clips import iter_quotes, quote_key

    statements, _, findings, personas = persona_corpus
    quote = next(q for q in iter_quotes(findings) if q.get("start") is not None)
    key = quote_key(quote["doc_id"], quote["start"], quote["end"])
    html = render_report_html(
        findings, personas, None, statements, audio_clips={key: "data:audio/mp4;base64,AAAA"}
    )
    assert html.count('data-src="data:audio/mp4;base64,AAAA"') >= 1
    assert "#t=" not in html  # no file is referenced when clips are embedded


def test_play_controls_play_exactly_the_quote_in_chromium(fixtures_dir, tmp_path):
    """Under the report's CSP, a quote's button plays its recording from start to end, then stops:
    once from the recording beside the run folder, once from an embedded clip."""
    import shutil

    from insightminer.speech.audio import decode_audio
    from insightminer.speech.clips import clip_data_uri, quote_key

    chromium = find_chromium()
    if chromium is None:
        pytest.skip("Chromium is not installed (/usr/bin/chromium absent; run scripts/install_chromium.sh)")
    (tmp_path / "calls").mkdir()
    shutil.copy(fixtures_dir / "audio" / "customer_sentence.wav", tmp_path / "calls" / "call_a.wav")
    quotes = [
        {"statement_id": "a", "doc_id": "call_a", "speaker": "Ana", "text": "duplicate records",
         "start": 2.0, "end": 3.5},
        {"statement_id": "b", "doc_id": "call_b", "speaker": "Bo", "text": "it costs us hours",
         "start": 4.0, "end": 5.5},
    ]  # fmt: skip
    findings = {
        "findings": [{"rank": 1, "theme_id": 0, "label": "Duplicates", "evidence": quotes}],
        "summary": {},
    }
    clip = clip_data_uri(
        decode_audio(fixtures_dir / "audio" / "customer_sentence.wav")[4 * 16000 : int(5.5 * 16000)]
    )
    html = render_report_html(
        findings,
        {},
        None,
        [],
        audio_sources={"call_a": "../calls/call_a.wav"},
        audio_clips={quote_key("call_b", 4.0, 5.5): clip},
    )
    page = tmp_path / "run" / "report.html"
    page.parent.mkdir()
    page.write_text(html, encoding="utf-8")
    watch = (
        "(() => { window.__log = []; document.querySelectorAll('button.play').forEach((b, i) =>"
        " new MutationObserver(() =>"
        " window.__log.push([i, b.classList.contains('playing'), performance.now()]))"
        ".observe(b, {attributes: true})); return document.querySelectorAll('button.play').length })()"
    )
    wait = "new Promise(r => setTimeout(() => r(window.__log.splice(0)), 3000))"
    result = load_page(
        page,
        chromium=chromium,
        evaluate=(
            watch,
            "document.querySelectorAll('button.play')[0].click()",
            wait,
            "document.querySelectorAll('button.play')[1].click() || 'second'",
            wait + " ",
        ),
    )
    assert result.errors == [], result.errors
    assert result.evaluated[watch] == 2
    for log in (result.evaluated[wait], result.evaluated[wait + " "]):
        states = [on for _, on, _ in log]
        assert states == [True, False], log  # started, then stopped by itself at the quote's end
        played_ms = log[1][2] - log[0][2]
        assert 1000 < played_ms < 2600, log  # the 1.5 s quote, not the rest of the recording
