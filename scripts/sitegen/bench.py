"""Performance benchmark: ``make bench`` (``python -m sitegen.bench``).

Prints, for the site built from this checkout:

- every page as Chromium loads it from a local server (390 × 844, empty
  cache): the number of requests, their bytes raw and compressed (text types
  gzip-compressed as GitHub Pages serves them, images and downloads as they
  are), and any request to another host;
- the full build (``python -m sitegen build``) against a plain MkDocs build
  of the same generated Markdown without our hook, each timed the same way
  in a fresh process: one warm-up, then the median of N runs (default 5);
- the full build on each engine side by side (MkDocs, ProperDocs, Zensical:
  ``python -m sitegen build --engine X``, timed the same way, the engines
  taking turns), with each engine's version from its venv's package metadata;
- every download's size, and each download producer's generation time
  (``sitegen.outputs.producers()`` one at a time, median of 3 after a
  warm-up);
- Lighthouse (mobile, its default simulated throttling) on the home page of
  this site and of a **reference site** side by side, in one run: the same
  generated Markdown built with stock Material for MkDocs
  (:func:`build_reference_site`), each served uncompressed by a Python
  ``http.server``. The two are measured in turns, N rounds (default 3), and
  the median of each figure is printed, so a busy machine slows both alike.
  Lighthouse comes from ``bench/package.json`` (``npm ci`` in ``make bench``
  only: it is too heavy for the test install). Its figures are printed, not
  budgeted: they move with the machine's load.

Then checks the budgets (:data:`BUDGETS`) and exits 1 naming each one that
is exceeded. It is a benchmark, not a test: ``make test`` only tests the
budget logic (:func:`over_budget`) on made-up figures.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .generate import ROOT

KB = 1024  # as human_size() and the download labels count
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
# Served compressed by GitHub Pages (and any usual web server); the rest as is.
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml",
                    "image/svg+xml", "application/manifest+json")


@dataclass(frozen=True)
class Budgets:
    home_gzip_kb: float = 70
    # 8: the page, the theme's and our stylesheet and script (4), the favicon, and the
    # theme's fetch of sitemap.xml once for each of the two Atom feed links in <head>
    # (its alternate-link handling), after the load event.
    home_requests: int = 8
    third_party_requests: int = 0  # on every page
    build_ratio: float = 3.0  # full build / plain mkdocs build


BUDGETS = Budgets()


@dataclass
class Request:
    url: str
    status: int
    content_type: str
    raw: int
    gzip: int
    third_party: bool


@dataclass
class PageLoad:
    path: str  # "" for the home page, "notice/", …
    requests: list[Request] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.requests)

    @property
    def raw(self) -> int:
        return sum(r.raw for r in self.requests)

    @property
    def gzip(self) -> int:
        return sum(r.gzip for r in self.requests)

    @property
    def third_party(self) -> list[str]:
        return [r.url for r in self.requests if r.third_party]


@dataclass
class BuildTimes:
    full: list[float]  # seconds, one per measured run
    plain: list[float]

    @property
    def full_median(self) -> float:
        return statistics.median(self.full)

    @property
    def plain_median(self) -> float:
        return statistics.median(self.plain)

    @property
    def ratio(self) -> float:
        return self.full_median / self.plain_median


def over_budget(pages: list[PageLoad], build: BuildTimes | None, budgets: Budgets = BUDGETS) -> list[str]:
    """Every budget the figures exceed, as a sentence; empty when all are kept."""
    problems = []
    home = next((p for p in pages if p.path == ""), None)
    if home is None:
        problems.append("首页没有测到（home page not measured）")
    else:
        if home.gzip > budgets.home_gzip_kb * KB:
            problems.append(f"首页压缩后共 {home.gzip / KB:.1f} KB，超过预算 {budgets.home_gzip_kb:g} KB")
        if home.count > budgets.home_requests:
            problems.append(f"首页共 {home.count} 个请求，超过预算 {budgets.home_requests} 个")
    for page in pages:
        if len(page.third_party) > budgets.third_party_requests:
            problems.append(f"/{page.path} 请求了其他网站（第三方请求 {len(page.third_party)} 个，预算 {budgets.third_party_requests}）：{', '.join(page.third_party)}")
    if build is not None and build.ratio > budgets.build_ratio:
        problems.append(f"完整构建 {build.full_median:.2f} s 是单纯 MkDocs 构建 {build.plain_median:.2f} s 的 {build.ratio:.2f} 倍，超过预算 {budgets.build_ratio:g} 倍")
    return problems


# ---------------------------------------------------------------- page loads

def compressed_size(body: bytes, content_type: str) -> int:
    if content_type.startswith(COMPRESSED_TYPES) or content_type.split(";")[0].strip().endswith(("+json", "+xml")):
        return len(gzip.compress(body, compresslevel=9, mtime=0))
    return len(body)


def site_pages(site_dir: Path) -> list[str]:
    pages = []
    for html in sorted(site_dir.rglob("index.html")):
        rel = html.parent.relative_to(site_dir).as_posix()
        pages.append("" if rel == "." else rel + "/")
    return pages


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site_dir: Path):
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def load_pages(site_dir: Path, settle_ms: int = 1000) -> list[PageLoad]:
    """Open every page in a fresh browser context (empty cache) and record every response."""
    from playwright.sync_api import sync_playwright

    httpd, base = serve(site_dir)
    own_host = urlsplit(base).netloc
    results = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for path in site_pages(site_dir):
                context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
                finished = []
                context.on("requestfinished", lambda r: finished.append(r))
                failed = []
                context.on("requestfailed", lambda r: failed.append(r))
                page = context.new_page()
                page.goto(base + path, wait_until="networkidle")
                page.wait_for_timeout(settle_ms)
                load = PageLoad(path)
                for request in finished + failed:
                    if not request.url.startswith(("http:", "https:")):
                        continue  # data: URIs are not requests
                    response = request.response() if request in finished else None
                    body = b""
                    if response is not None:
                        try:
                            body = response.body()
                        except Exception:  # redirects and opaque responses have no body
                            body = b""
                    content_type = (response.headers.get("content-type", "") if response else "").lower()
                    load.requests.append(Request(
                        url=request.url,
                        status=response.status if response else 0,
                        content_type=content_type,
                        raw=len(body),
                        gzip=compressed_size(body, content_type),
                        third_party=urlsplit(request.url).netloc != own_host,
                    ))
                results.append(load)
                context.close()
            browser.close()
    finally:
        httpd.shutdown()
    return results


# ------------------------------------------------------------ reference site

# What "plain Material" means here: the theme as installed, with none of this
# site's own work: no custom_dir (overrides/), no extra CSS or JavaScript, no
# hook and no post-build pass. Kept from mkdocs.yml, as a site owner starting
# from the theme would set them too: the pages (the very Markdown our generator
# writes, in the same navigation), the site name, language zh, the Markdown
# extensions, the search plugin, the theme features we switch on, and
# `font: false`: with the theme's default the pages ask Google Fonts for
# Roboto, a third-party request neither this machine nor our readers' pages
# make (on a machine with no network it fails fast and only flatters the
# reference).
REFERENCE_THEME_KEYS = ("name", "language", "features", "font")


def build_reference_site(docs: Path, site_dir: Path) -> Path:
    """Stock Material for MkDocs over the generated Markdown in ``docs`` (see REFERENCE_THEME_KEYS)."""
    import yaml
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from .generate import NAV_FILE

    with open(ROOT / "mkdocs.yml", encoding="utf-8") as f:
        raw = yaml.load(f, Loader=_tolerant_loader())
    theme = {k: v for k, v in raw["theme"].items() if k in REFERENCE_THEME_KEYS}
    nav_file = docs / NAV_FILE
    overrides = dict(docs_dir=str(docs), site_dir=str(site_dir), hooks=[], theme=theme,
                     extra_css=[], extra_javascript=[], strict=False)
    if nav_file.is_file():
        overrides["nav"] = json.loads(nav_file.read_text(encoding="utf-8"))
    env_before = dict(os.environ)
    os.environ.update({"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"})
    try:
        build(load_config(str(ROOT / "mkdocs.yml"), **overrides))
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    return site_dir


def _tolerant_loader():
    """A YAML loader for reading mkdocs.yml's theme section: python tags load as None."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return Loader


# ---------------------------------------------------------------- Lighthouse

LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE_METRICS = (  # audit id, label
    ("first-contentful-paint", "FCP 首次内容绘制"),
    ("largest-contentful-paint", "LCP 最大内容绘制"),
    ("total-blocking-time", "TBT 总阻塞时间"),
    ("cumulative-layout-shift", "CLS 累积布局偏移"),
    ("speed-index", "Speed Index 速度指数"),
)


def lighthouse_figures(report: dict) -> dict[str, float]:
    """Category scores (0–100) and metric values (ms; CLS unitless) from one Lighthouse JSON report."""
    figures = {c: round(report["categories"][c]["score"] * 100) for c in LIGHTHOUSE_CATEGORIES
               if report["categories"].get(c, {}).get("score") is not None}
    for audit, _ in LIGHTHOUSE_METRICS:
        value = report["audits"].get(audit, {}).get("numericValue")
        if value is not None:
            figures[audit] = value
    weight = report["audits"].get("total-byte-weight", {}).get("numericValue")
    if weight is not None:
        figures["total-byte-weight"] = weight
    return figures


def run_lighthouse(url: str, out: Path) -> dict[str, float]:
    if not LIGHTHOUSE.exists():
        raise SystemExit("没有找到 Lighthouse：请用 make bench（它先在 bench/ 里运行 npm ci）")
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
               f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
               "--form-factor=mobile", f"--chrome-flags={LIGHTHOUSE_CHROME_FLAGS}"]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0 or not out.is_file():
        raise SystemExit(f"Lighthouse 失败（{url}）：\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return lighthouse_figures(json.loads(out.read_text(encoding="utf-8")))


def median_figures(runs: list[dict[str, float]]) -> dict[str, float]:
    keys = sorted({k for run in runs for k in run})
    return {k: statistics.median([run[k] for run in runs if k in run]) for k in keys}


def compare_lighthouse(sites: dict[str, Path], work: Path, rounds: int, path: str = "") -> dict[str, dict]:
    """Lighthouse on each site's ``path``, in turns, ``rounds`` times; {site: {"runs": [...], "median": {...}}}."""
    servers = {name: serve(folder) for name, folder in sites.items()}
    results = {name: [] for name in sites}
    try:
        for round_ in range(rounds):
            for name, (_, base) in servers.items():
                out = work / f"lighthouse-{name}-{round_}.json"
                results[name].append(run_lighthouse(base + path, out))
    finally:
        for httpd, _ in servers.values():
            httpd.shutdown()
    return {name: {"runs": runs, "median": median_figures(runs)} for name, runs in results.items()}


def format_lighthouse(results: dict[str, dict], rounds: int) -> list[str]:
    names = list(results)
    lines = [f"Lighthouse 移动端（模拟限速；未压缩的本地 http.server；{rounds} 轮轮流测，取中位数；括号内为各轮）"]
    header = f"  {'':<26}" + "".join(f"{n:>24}" for n in names)
    lines.append(header)

    def row(label: str, key: str, fmt) -> str:
        cells = []
        for n in names:
            med = results[n]["median"].get(key)
            each = [r.get(key) for r in results[n]["runs"]]
            cells.append(f"{fmt(med) if med is not None else '—'} ({'/'.join(fmt(v) for v in each if v is not None)})")
        return f"  {label:<26}" + "".join(f"{c:>24}" for c in cells)

    for category in LIGHTHOUSE_CATEGORIES:
        lines.append(row(category, category, lambda v: f"{v:.0f}"))
    for audit, label in LIGHTHOUSE_METRICS:
        if audit == "cumulative-layout-shift":
            lines.append(row(label, audit, lambda v: f"{v:.3f}"))
        else:
            lines.append(row(label, audit, lambda v: f"{v / 1000:.2f}s"))
    lines.append(row("总字节 total-byte-weight", "total-byte-weight", lambda v: f"{v / KB:.0f}KB"))
    return lines


# ------------------------------------------------------------------ builds

PLAIN_BUILD = (
    "import sys\n"
    "from mkdocs.commands.build import build\n"
    "from mkdocs.config import load_config\n"
    "build(load_config(sys.argv[1], docs_dir=sys.argv[2], site_dir=sys.argv[3], hooks=[], strict=True))\n"
)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "scripts") + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("NO_MKDOCS_2_WARNING", "1")
    env.setdefault("DISABLE_MKDOCS_2_WARNING", "true")
    return env


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"命令失败（{' '.join(command)}）：\n{done.stdout}\n{done.stderr}")
    return elapsed


def time_builds(work: Path, runs: int) -> BuildTimes:
    """The full build and a plain MkDocs build of the same Markdown, in fresh processes."""
    from .generate import generate

    env = _environment()
    python = sys.executable
    docs = work / "plain-docs"
    generate(docs, ROOT)  # the Markdown, assets and downloads our generator writes
    full_cmd = [python, "-m", "sitegen", "build", "--site-dir", str(work / "full-site")]
    plain_cmd = [python, "-c", PLAIN_BUILD, str(ROOT / "mkdocs.yml"), str(docs), str(work / "plain-site")]
    full, plain = [], []
    for run in range(runs + 1):  # run 0 is the warm-up
        f = _timed(full_cmd, env)
        p = _timed(plain_cmd, env)
        if run:
            full.append(f)
            plain.append(p)
    return BuildTimes(full=full, plain=plain)


# ------------------------------------------------------- engines side by side

# The packages whose versions name a build: the engine, and the theme where it is a package of its own.
ENGINE_PACKAGES = {
    "mkdocs": ("mkdocs", "mkdocs-material"),
    "properdocs": ("properdocs", "mkdocs-material"),
    "zensical": ("zensical", "zensical-ui"),
}


@dataclass
class EngineTimes:
    engine: str
    versions: dict[str, str]  # package -> version, from the engine's venv; empty: not installed
    times: list[float] = field(default_factory=list)  # seconds, one per measured run

    @property
    def installed(self) -> bool:
        return bool(self.versions)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def engine_site_packages(engine: str, root: Path = ROOT) -> list[str]:
    """Where the engine's packages are: this venv for MkDocs, ``.venv-<engine>`` for the others."""
    if engine == "mkdocs":
        return list(sys.path)
    return [str(p) for p in sorted((Path(root) / f".venv-{engine}").glob("lib/python*/site-packages"))]


def engine_versions(engine: str, root: Path = ROOT) -> dict[str, str]:
    """The installed version of each of ENGINE_PACKAGES[engine], read from package metadata (empty if the engine is missing)."""
    from importlib.metadata import distributions

    paths = engine_site_packages(engine, root)
    if not paths:
        return {}
    found: dict[str, str] = {}
    for dist in distributions(path=paths):
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if name in ENGINE_PACKAGES[engine] and name not in found:
            found[name] = dist.version
    if ENGINE_PACKAGES[engine][0] not in found:
        return {}
    return {name: found[name] for name in ENGINE_PACKAGES[engine] if name in found}


def time_engines(work: Path, runs: int, engines: tuple[str, ...] | None = None, timer=None,
                 versions=engine_versions) -> list[EngineTimes]:
    """``python -m sitegen build --engine X`` for each engine, in fresh processes: one warm-up, then ``runs``.

    The engines take turns in each round, so a busy machine slows them alike.
    An engine that is not installed is listed without times.
    """
    from .engines import ENGINES

    timer = timer or _timed
    env = _environment()
    rows = [EngineTimes(name, versions(name)) for name in (engines or ENGINES)]
    for run in range(runs + 1):  # run 0 is the warm-up
        for row in rows:
            if not row.installed:
                continue
            command = [sys.executable, "-m", "sitegen", "build", "--engine", row.engine,
                       "--site-dir", str(work / f"engine-{row.engine}")]
            elapsed = timer(command, env)
            if run:
                row.times.append(elapsed)
    return rows


def format_engines(rows: list[EngineTimes], runs: int) -> list[str]:
    """The engines side by side: engine, versions, median build time, each run, and the ratio to MkDocs."""
    lines = [f"构建引擎对比（python -m sitegen build --engine …；新进程；预热 1 次后 {runs} 次的中位数）",
             f"  {'引擎':<12}{'版本':<40}{'中位数':>8}{'相对 MkDocs':>12}  各次"]
    base = next((r.median for r in rows if r.engine == "mkdocs" and r.times), None)
    for row in rows:
        version = ", ".join(f"{name} {v}" for name, v in row.versions.items()) or "未安装（make engines）"
        if not row.times:
            lines.append(f"  {row.engine:<12}{version:<40}{'—':>8}{'—':>12}")
            continue
        ratio = f"{row.median / base:.2f} 倍" if base else "—"
        each = " ".join(f"{t:.2f}" for t in row.times)
        lines.append(f"  {row.engine:<12}{version:<40}{row.median:>7.2f}s{ratio:>12}  {each}")
    return lines


def time_producers(work: Path, runs: int = 3) -> list[tuple[str, float, list[str]]]:
    """(producer, median seconds, files written) for each download producer, one at a time."""
    from .load import load_site
    from .outputs import producers

    site = load_site(ROOT).current
    results = []
    for produce in producers():
        name = produce.__module__.rsplit(".", 1)[-1]
        times, written = [], []
        for run in range(runs + 1):
            out = work / f"producer-{name}-{run}"
            out.mkdir(parents=True)
            start = time.perf_counter()
            produced = produce(site, out)
            elapsed = time.perf_counter() - start
            if run:
                times.append(elapsed)
            written = [item.path for item in produced]
            shutil.rmtree(out)
        results.append((name, statistics.median(times), written))
    return results


def copy_with_editions(target: Path, count: int) -> Path:
    """A copy of the project with ``count`` editions: the real newest one plus later copies of it, year replaced."""
    from .edition import start_edition

    for part in ("data", "docs", "scripts", "overrides", "mkdocs.yml"):
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, target / part)
    newest = max(p.name for p in (target / "data").iterdir() if p.is_dir())
    for offset in range(1, count):
        year = str(int(newest) + offset)
        source, _ = start_edition(target, year)
        for folder in (target / "data" / year, target / "docs" / year):
            for path in folder.iterdir():
                text = path.read_text(encoding="utf-8").replace(source, year).replace("status: draft", "status: published")
                path.write_text(text, encoding="utf-8")
    return target


def time_editions(work: Path, runs: int = 3) -> list[dict]:
    """For 1 and 3 editions: the full build, make check, and the regeneration after one edition's data changed."""
    from .generate import ensure_generated

    env = _environment()
    python = sys.executable
    rows = []
    for count in (1, 3):
        project = copy_with_editions(work / f"editions-{count}", count)
        build_cmd = [python, "-m", "sitegen", "--root", str(project), "build", "--site-dir", str(project / "site")]
        check_cmd = [python, "-m", "sitegen", "--root", str(project), "check"]
        builds = [_timed(build_cmd, env) for _ in range(runs + 1)][1:]
        checks = [_timed(check_cmd, env) for _ in range(runs + 1)][1:]
        docs = project / "build-docs"
        ensure_generated(docs, project, drafts=False)
        regen = []
        stages = project / "data" / max(p.name for p in (project / "data").iterdir() if p.is_dir()) / "stages.yaml"
        for run in range(runs):
            text = stages.read_text(encoding="utf-8")
            stages.write_text(text.replace("focus: ", "focus: 改", 1), encoding="utf-8")
            start = time.perf_counter()
            ensure_generated(docs, project, drafts=False)
            regen.append(time.perf_counter() - start)
        rows.append({"editions": count, "build": statistics.median(builds), "check": statistics.median(checks),
                     "regenerate": statistics.median(regen)})
    return rows


def print_editions(rows: list[dict]) -> None:
    print("\n届数与耗时（新进程；预热 1 次后 3 次的中位数；“改一届后重新生成”= make serve 在改动一届数据后重新生成的时间，不含 MkDocs）")
    print(f"  {'届数':<6}{'完整构建':>10}{'make check':>12}{'改一届后重新生成':>18}")
    for row in rows:
        print(f"  {row['editions']:<6}{row['build']:>9.2f}s{row['check']:>11.2f}s{row['regenerate']:>17.2f}s")
    if len(rows) == 2:
        per = (rows[1]["build"] - rows[0]["build"]) / 2
        print(f"  每多一届，完整构建多 {per:.2f} s")


# ------------------------------------------------------------------ report

def _kb(n: int) -> str:
    return f"{n / KB:.1f}"


def print_pages(pages: list[PageLoad], verbose: bool) -> None:
    print("页面加载（Chromium 390×844，空缓存；KB = 1024 字节；压缩 = 文本类型 gzip -9）")
    print(f"  {'页面':<16}{'请求':>6}{'原始 KB':>10}{'压缩 KB':>10}{'第三方':>8}")
    for page in pages:
        print(f"  {'/' + page.path:<16}{page.count:>6}{_kb(page.raw):>10}{_kb(page.gzip):>10}{len(page.third_party):>8}")
        if verbose or page.path == "":
            for r in page.requests:
                shown = urlsplit(r.url).path if not r.third_party else r.url
                print(f"      {shown:<52}{_kb(r.raw):>8}{_kb(r.gzip):>8}  {r.content_type.split(';')[0]}")


def print_builds(build: BuildTimes, runs: int) -> None:
    print(f"\n构建时间（新进程；预热 1 次后 {runs} 次的中位数）")
    print(f"  完整构建 python -m sitegen build   {build.full_median:6.2f} s   {' '.join(f'{t:.2f}' for t in build.full)}")
    print(f"  单纯 MkDocs 构建（同一份 Markdown，无钩子）{build.plain_median:6.2f} s   {' '.join(f'{t:.2f}' for t in build.plain)}")
    print(f"  比值 {build.ratio:.2f} 倍（预算 ≤ {BUDGETS.build_ratio:g} 倍）")


def print_downloads(site_dir: Path) -> None:
    print("\n下载文件")
    # each edition has its own downloads folder (<year>/downloads/)
    files = sorted(p for folder in site_dir.rglob("downloads") if folder.is_dir()
                   for p in folder.rglob("*") if p.is_file())
    if not files:
        print("  （无）")
    for path in files:
        size = path.stat().st_size
        print(f"  {path.relative_to(site_dir).as_posix():<44}{size:>9} B  {_kb(size):>7} KB")


def print_producers(rows: list[tuple[str, float, list[str]]]) -> None:
    print("\n下载文件生成耗时（每个生成器单独运行；预热 1 次后 3 次的中位数）")
    for name, seconds, written in rows:
        print(f"  {name:<12}{seconds * 1000:>9.0f} ms  {', '.join(written)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sitegen.bench", description="网站性能基准：页面请求与大小、构建时间、下载文件。")
    parser.add_argument("--runs", type=int, default=5, help="计时构建的次数（另加 1 次预热），默认 5")
    parser.add_argument("--no-build-timing", action="store_true", help="只构建一次并测页面，不计时构建")
    parser.add_argument("--verbose", action="store_true", help="列出每个页面的每个请求")
    parser.add_argument("--json", type=Path, help="把全部数字另存为 JSON 文件")
    parser.add_argument("--lighthouse-rounds", type=int, default=3, help="Lighthouse 轮流测本站和参照站的轮数，默认 3")
    parser.add_argument("--no-lighthouse", action="store_true", help="不跑 Lighthouse")
    args = parser.parse_args(argv)

    from .build import build_site

    with tempfile.TemporaryDirectory(prefix="sitegen-bench-") as tmp:
        work = Path(tmp)
        site_dir = build_site(ROOT, work / "site")
        pages = load_pages(site_dir)
        print_pages(pages, args.verbose)
        home = next((p for p in pages if p.path == ""), None)
        if home is not None:
            print(f"  首页合计（压缩后）{home.gzip / KB:.1f} KB，预算 ≤ {BUDGETS.home_gzip_kb:g} KB")
        lighthouse = None
        if not args.no_lighthouse:
            from .generate import generate

            reference_docs = work / "reference-docs"
            generate(reference_docs, ROOT)
            reference = build_reference_site(reference_docs, work / "reference-site")
            lighthouse = compare_lighthouse({"本站 this site": site_dir, "参照 plain Material": reference},
                                            work, args.lighthouse_rounds)
            print()
            print("\n".join(format_lighthouse(lighthouse, args.lighthouse_rounds)))
        build = None if args.no_build_timing else time_builds(work, args.runs)
        if build:
            print_builds(build, args.runs)
        engine_rows = [] if args.no_build_timing else time_engines(work, args.runs)
        if engine_rows:
            print()
            print("\n".join(format_engines(engine_rows, args.runs)))
        print_downloads(site_dir)
        producer_rows = time_producers(work)
        print_producers(producer_rows)
        edition_rows = [] if args.no_build_timing else time_editions(work)
        if edition_rows:
            print_editions(edition_rows)

    problems = over_budget(pages, build)
    print("\n预算")
    b = BUDGETS
    print(f"  首页压缩后 ≤ {b.home_gzip_kb:g} KB，首页请求 ≤ {b.home_requests} 个，每页第三方请求 {b.third_party_requests} 个，完整构建 ≤ 单纯构建的 {b.build_ratio:g} 倍")
    if args.json:
        args.json.write_text(json.dumps({
            "pages": [{"path": p.path, "requests": [asdict(r) for r in p.requests], "count": p.count, "raw": p.raw, "gzip": p.gzip} for p in pages],
            "build": asdict(build) | {"full_median": build.full_median, "plain_median": build.plain_median, "ratio": build.ratio} if build else None,
            "producers": [{"name": n, "seconds": s, "files": w} for n, s, w in producer_rows],
            "editions": edition_rows,
            "engines": [asdict(r) | {"median": r.median if r.times else None} for r in engine_rows],
            "lighthouse": lighthouse,
            "over_budget": problems,
        }, ensure_ascii=False, indent=2), encoding="utf-8")
    if problems:
        for problem in problems:
            print(f"  超出预算：{problem}")
        return 1
    print("  全部在预算内。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
