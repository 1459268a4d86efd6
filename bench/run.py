#!/usr/bin/env python3
"""Benchmark: the shipped stack (nginx → gunicorn, deploy/) against nginx serving the very same
bytes as static files, plus the uncached render cost per page type, in one run.

Run by `make bench` (which runs collectstatic and installs nginx, wrk and Chromium). The
dataset is loaded into a private SpatiaLite file under bench/out/ (or the PostGIS database of
DATABASE_URL). Everything runs on loopback and is bounded in time. It measures and prints; it
asserts nothing about speed (the issue's goals are read off the report):

1. `build_dataset` from the raw sources, timed (skip with --skip-build-dataset).
2. The stack as `make serve` runs it (deploy/stack.py: same nginx.conf template, same
   gunicorn.conf.py, production settings), with nginx's proxy_cache.
3. The pages of bench/pages.json, per area (gebied), fetched through the stack as a browser
   does (Accept-Encoding: gzip); a URL that does not answer 200 is reported with its status.
   Their bytes, exactly as served, are saved and served by a plain nginx with gzip_static.
4. wrk against each page on both: requests/s, p50, p99; the stack as a share of static nginx.
5. In one process with the Django test client (bench/render.py): the uncached render median
   per page as a multiple of a trivial view behind the same middleware (the floor), and the
   SQL queries per page.
6. First map paint per snapshot in headless Chromium (skip with --no-paint).
7. A load run: wrk 60 s × 64 connections over all pages against the stack → socket errors and
   non-2xx/3xx responses.

It prints a Markdown report and writes it to bench/out/report.md (git-ignored).
"""

import argparse
import gzip
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import kaart  # noqa: E402
from deploy.stack import Stack, free_port, nginx_binary, port_open  # noqa: E402

OUT = ROOT / "bench" / "out"
PAGES = Path(__file__).with_name("pages.json")
GZIP = {"Accept-Encoding": "gzip"}


def http_get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    result = (response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    connection.close()
    return result


def production_env(**extra):
    secret_file = ROOT / ".serve-secret-key"
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY")
        or (secret_file.read_text().strip() if secret_file.exists() else secrets.token_urlsafe(50)),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        # No external basemap on loopback: the map paint measures our own stack.
        MAP_TILE_URL="",
    )
    env.update(extra)
    return env


def with_query(path, query):
    if not query:
        return path
    return path + ("&" if "?" in path else "?") + query


def page_list(slug):
    """[(name, gebied, url)] from bench/pages.json."""
    spec = json.loads(PAGES.read_text())
    pages = []
    for gebied, query in spec["gebieden"].items():
        for page in spec["pages"]:
            pages.append((page["name"], gebied, with_query(page["path"].format(slug=slug), query)))
    for page in spec.get("extra", []):
        pages.append((page["name"], "—", page["path"].format(slug=slug)))
    return pages


class StaticNginx:
    """nginx serving saved responses: one file per URL (chosen by a map on $request_uri),
    the gzip bytes as served by the stack (gzip_static) with the same Content-Type."""

    def __init__(self, pages, folder):
        self.pages, self.folder = pages, folder

    def start(self):
        self.port = free_port()
        # default_type takes no variable: one internal location per Content-Type.
        kinds = sorted({p["content_type"] for p in self.pages})
        files = "\n".join(
            f'        "{p["url"]}" "/t{kinds.index(p["content_type"])}/{p["file"]}";'
            for p in self.pages
        )
        locations = "\n".join(
            f"    location /t{i}/ {{\n      internal;\n      root {self.folder};\n"
            f'      types {{ }}\n      default_type "{kind}";\n    }}'
            for i, kind in enumerate(kinds)
        )
        for p in self.pages:
            folder = self.folder / f"t{kinds.index(p['content_type'])}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / p["file"]).write_bytes(p["identity"])
            if p["encoded"]:
                (folder / (p["file"] + ".gz")).write_bytes(p["body"])
        user = "user root;" if os.geteuid() == 0 else ""
        var = OUT / "static-nginx"
        (var / "tmp").mkdir(parents=True, exist_ok=True)
        config = var / "nginx.conf"
        config.write_text(
            f"""{user}
worker_processes auto;
pid {var}/nginx.pid;
error_log {var}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  # The same TCP settings as deploy/nginx.conf.template (no TCP_CORK: see there).
  sendfile on;
  tcp_nopush off;
  tcp_nodelay on;
  keepalive_requests 100000;
  client_body_temp_path {var}/tmp;
  proxy_temp_path {var}/tmp;
  fastcgi_temp_path {var}/tmp;
  uwsgi_temp_path {var}/tmp;
  scgi_temp_path {var}/tmp;
  gzip_static on;
  map_hash_bucket_size 256;
  map $request_uri $page_file {{
        default "/missing";
{files}
  }}
  server {{
    listen 127.0.0.1:{self.port};
    location / {{
      rewrite ^ $page_file? last;
    }}
{locations}
  }}
}}
"""
        )
        self.process = subprocess.Popen(
            [nginx_binary(), "-c", str(config), "-p", str(var), "-g", "daemon off;"]
        )
        deadline = time.monotonic() + 30
        while not port_open(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"static nginx did not start ({var}/error.log)")
            time.sleep(0.1)
        return self

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


# --- wrk -------------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url, seconds, connections, threads, script=None, headers=None):
    args = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if script:
        args += ["-s", str(script)]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for label, key in (("50%", "p50"), ("99%", "p99")):
        result[key] = to_ms(re.search(rf"^\s+{label}\s+(\S+)", output, re.MULTILINE).group(1))
    result["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    result["socket_errors"] = sum(int(n) for n in errors.groups()) if errors else 0
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non_2xx_3xx"] = int(non_ok.group(1)) if non_ok else 0
    result["raw"] = output
    return result


# --- Django-side measurements ------------------------------------------------------------


MARK_MAP_PAINT = """
(() => {
  const mark = () => {
    if (window.__mapPaint) return true;
    if (document.querySelector('.leaflet-overlay-pane path')) {
      requestAnimationFrame(() => { window.__mapPaint = window.__mapPaint || performance.now(); });
      return true;
    }
    return false;
  };
  new MutationObserver((records, observer) => { if (mark()) observer.disconnect(); })
    .observe(document, {childList: true, subtree: true});
})();
"""


def map_paint(port, urls, loads):
    """First map paint per {label: path}; a path that does not answer 200 gets its status."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--window-size=1280,900",
        f"--user-data-dir={tempfile.mkdtemp(prefix='bench-chromium-')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    results = {}
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": MARK_MAP_PAINT})
        for label, path in urls.items():
            status = http_get(port, path, GZIP)[0]
            if status != 200:
                results[label] = {"status": status, "path": path}
                continue
            paints, fcps = [], []
            for _ in range(loads):
                driver.get(f"http://127.0.0.1:{port}{path}")
                WebDriverWait(driver, 30).until(
                    lambda d: d.execute_script("return window.__mapPaint")
                )
                paints.append(driver.execute_script("return window.__mapPaint"))
                fcps.append(
                    driver.execute_script(
                        "const e = performance.getEntriesByName('first-contentful-paint');"
                        "return e.length ? e[0].startTime : null;"
                    )
                )
            results[label] = {
                "path": path,
                "map_paint_ms": statistics.median(paints),
                "map_paint_max_ms": max(paints),
                "fcp_ms": statistics.median([f for f in fcps if f is not None] or [0]),
            }
    finally:
        driver.quit()
    return results


# --- report ------------------------------------------------------------------------------


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory_kb / 1024 / 1024:.1f} GiB memory, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, {nginx}"
    )


# --- Django-side measurements ------------------------------------------------------------


def render_measurements(urls, repeats):
    """bench/render.py in a process of its own with production settings, uncached."""
    env = production_env(DJANGO_SETTINGS_MODULE="bench.settings", DJANGO_HTTP_CACHE_SECONDS="0")
    result = subprocess.run(
        [sys.executable, "-m", "bench.render", str(repeats), *urls],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def snapshots_and_slug():
    code = (
        "import json, django; django.setup()\n"
        "from gemeenten.models import Peildatum, Gemeente\n"
        "print(json.dumps([list(Peildatum.objects.order_by('datum')"
        ".values_list('code', flat=True))]))"
    )
    env = dict(os.environ, DJANGO_DEBUG="1", DJANGO_SETTINGS_MODULE="samenwerking.settings")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])[0]


def time_build_dataset(source):
    """build_dataset from the raw sources into a database and a fixtures folder of its own."""
    work = OUT / "build"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = dict(os.environ, DJANGO_DEBUG="1", SPATIALITE_PATH=str(work / "build.sqlite3"))
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    shutil.copytree(ROOT / "fixtures" / "curation", work / "fixtures" / "curation")
    start = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "build_dataset",
            "--source",
            str(source),
            "--output",
            str(work / "fixtures"),
            "-v",
            "0",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if result.returncode:
        return {"seconds": seconds, "error": (result.stderr or result.stdout).strip()[-300:]}
    changed = subprocess.run(
        ["diff", "-rq", str(ROOT / "fixtures"), str(work / "fixtures")],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {"seconds": seconds, "identical_to_committed": not changed, "diff": changed[:300]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections per page")
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--load-connections", type=int, default=64)
    parser.add_argument("--paint-loads", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5, help="alternating all-pages rounds")
    parser.add_argument("--no-paint", action="store_true", help="skip the map paint")
    parser.add_argument("--render-repeats", type=int, default=20)
    parser.add_argument("--skip-build-dataset", action="store_true")
    parser.add_argument("--source", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=None, help="gunicorn gthread threads")
    args = parser.parse_args()
    wrk_threads = max(1, min(os.cpu_count() or 1, 4))

    OUT.mkdir(parents=True, exist_ok=True)
    pages_dir = OUT / "pages"
    shutil.rmtree(pages_dir, ignore_errors=True)
    pages_dir.mkdir()

    build = None
    if not args.skip_build_dataset:
        print(f"build_dataset --source {args.source} …", flush=True)
        build = time_build_dataset(args.source)
        print(f"  {build['seconds']:.1f} s", flush=True)

    if not os.environ.get("DATABASE_URL"):
        # A private SpatiaLite copy: `make run` or a dataset build elsewhere must not lock it.
        database = OUT / "bench.sqlite3"
        database.unlink(missing_ok=True)
        os.environ["SPATIALITE_PATH"] = str(database)
        env = dict(os.environ, DJANGO_DEBUG="1")
        for command in (["migrate", "--noinput", "-v", "0"], ["load_dataset", "-v", "0"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    snapshots = snapshots_and_slug()

    gunicorn_env = {}
    if args.workers:
        gunicorn_env["GUNICORN_WORKERS"] = str(args.workers)
    if args.threads:
        gunicorn_env["GUNICORN_THREADS"] = str(args.threads)
    stack = Stack(
        OUT / "stack",
        free_port(),
        production_env(**gunicorn_env),
        os.environ.get("DJANGO_STATIC_ROOT") or ROOT / "staticfiles",
    )
    static = None
    try:
        stack.start()
        status, _, body = http_get(stack.port, "/api/gemeenten.geojson", GZIP)
        slug = json.loads(gzip.decompress(body))["features"][0]["properties"]["slug"]
        pages = []
        for number, (name, gebied, url) in enumerate(page_list(slug)):
            status, headers, body = http_get(stack.port, url, GZIP)
            page = {"name": name, "gebied": gebied, "url": url, "status": status}
            pages.append(page)
            if status != 200:
                print(f"  {url}: {status}, not measured", flush=True)
                continue
            encoded = headers.get("content-encoding") == "gzip"
            page.update(
                file=f"p{number}",
                content_type=headers.get("content-type", "application/octet-stream"),
                encoded=encoded,
                body=body,
                identity=gzip.decompress(body) if encoded else body,
            )
        measured = [p for p in pages if p["status"] == 200]
        static = StaticNginx(measured, pages_dir).start()
        for page in measured:
            # The static copy answers with exactly the bytes the stack sent.
            status, headers, body = http_get(static.port, page["url"], GZIP)
            assert status == 200 and body == page["body"], (page["url"], status)
            _, headers, _ = http_get(stack.port, page["url"], GZIP)
            page["cache_status"] = headers.get("x-cache-status", "")

        print(
            f"wrk: {args.seconds} s per page, {args.connections} connections, "
            f"{wrk_threads} threads, Accept-Encoding: gzip",
            flush=True,
        )
        for page in measured:
            for label, port in (("static", static.port), ("stack", stack.port)):
                url = f"http://127.0.0.1:{port}{page['url']}"
                wrk(url, 2, args.connections, wrk_threads, headers=GZIP)  # warm-up
                page[label] = wrk(url, args.seconds, args.connections, wrk_threads, headers=GZIP)
            print(
                f"  {page['name']:17} {page['gebied']:9} static {page['static']['rps']:8.0f}"
                f"  stack {page['stack']['rps']:8.0f} req/s"
                f"  ({page['stack']['rps'] / page['static']['rps']:.0%})",
                flush=True,
            )

        # The headline share: all pages in turn (one Lua script), the two servers alternating
        # round by round, so that a burst of other work on the machine hits both alike.
        rotation = OUT / "rondgang.lua"
        rotation.write_text(
            "local paths = {"
            + ", ".join(json.dumps(p["url"]) for p in measured)
            + "}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n"
            '  return wrk.format("GET", paths[i], {["Accept-Encoding"] = "gzip"})\nend\n'
        )
        rounds = {"static": [], "stack": []}
        print(
            f"all pages in turn: {args.rounds} alternating rounds of {args.seconds} s", flush=True
        )
        for number in range(args.rounds):
            for label, port in (("static", static.port), ("stack", stack.port)):
                rounds[label].append(
                    wrk(
                        f"http://127.0.0.1:{port}",
                        args.seconds,
                        args.connections,
                        wrk_threads,
                        script=rotation,
                    )
                )
            print(
                f"  round {number + 1}: static {rounds['static'][-1]['rps']:8.0f}  stack "
                f"{rounds['stack'][-1]['rps']:8.0f} req/s",
                flush=True,
            )

        payload = kaart.payloads(f"http://127.0.0.1:{stack.port}")
        paint = None
        if not args.no_paint:
            if shutil.which("chromium") and shutil.which("chromedriver"):
                gebieden = json.loads(PAGES.read_text())["gebieden"]
                paint_urls = {
                    f"{code} · {gebied}": with_query(f"/kaart/?peildatum={code}", query)
                    for gebied, query in gebieden.items()
                    for code in snapshots
                }
                paint = map_paint(stack.port, paint_urls, args.paint_loads)
            else:
                print("map paint: chromium/chromedriver not installed, skipped", flush=True)

        script = rotation
        print(
            f"load: {args.load_seconds} s, {args.load_connections} connections, "
            f"{len(measured)} pages in turn",
            flush=True,
        )
        load = wrk(
            f"http://127.0.0.1:{stack.port}",
            args.load_seconds,
            args.load_connections,
            wrk_threads,
            script=script,
        )
    finally:
        if static:
            static.stop()
        stack.stop()

    print("render: Django test client, uncached, production settings", flush=True)
    render = render_measurements([p["url"] for p in pages], args.render_repeats)

    report = make_report(
        args, wrk_threads, pages, render, paint, load, build, snapshots, rounds, payload
    )
    (OUT / "report.md").write_text(report + "\n")
    (OUT / "load-wrk.txt").write_text(load["raw"])
    (OUT / "results.json").write_text(
        json.dumps(
            {
                "pages": [
                    {k: v for k, v in p.items() if k not in ("body", "identity")}
                    | {
                        k: {m: v for m, v in p[k].items() if m != "raw"}
                        for k in ("static", "stack")
                        if k in p
                    }
                    for p in pages
                ],
                "render": render,
                "paint": paint,
                "payload": {f"{pd} · {gebied}": v for (pd, gebied), v in payload.items()},
                "load": {k: v for k, v in load.items() if k != "raw"},
                "rounds": {
                    label: [{k: v for k, v in r.items() if k != "raw"} for r in results]
                    for label, results in rounds.items()
                },
                "build": build,
            },
            indent=1,
        )
    )
    print()
    print(report)


def make_report(args, wrk_threads, pages, render, paint, load, build, snapshots, rounds, payload):
    floor = render["floor_ms"]
    lines = [
        f"Machine: {machine()}.",
        f"Stack: deploy/ as shipped (nginx proxy_cache → gunicorn gthread "
        f"{os.environ.get('GUNICORN_WORKERS') or args.workers or '2 × CPUs + 1'} workers × "
        f"{args.threads or 8} threads, unix socket), production settings, "
        + ("PostGIS." if os.environ.get("DATABASE_URL") else "SpatiaLite."),
        f"wrk {args.seconds} s per page (after 2 s warm-up), {args.connections} connections, "
        f"{wrk_threads} threads, `Accept-Encoding: gzip`, loopback; wrk, nginx and gunicorn "
        "share the machine. Static: nginx serving the stack's own response bytes (gzip_static).",
        f"Render: Django test client in one process, production settings, uncached, median of "
        f"{args.render_repeats} rounds, pages and floor timed round-robin; floor = trivial view "
        f"behind the same middleware: {floor:.3f} ms (per-round medians "
        + "–".join(f"{f:.3f}" for f in render["floor_range_ms"])
        + ").",
        "",
        "| page | gebied | URL | static req/s (p50 ms) | stack req/s (p50 / p99 ms) | share "
        "| cache | render ms | × floor | SQL | gzip bytes |",
        "|---|---|---|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for page in pages:
        r = render["pages"].get(page["url"], {})
        if page["status"] != 200:
            lines.append(
                f"| {page['name']} | {page['gebied']} | `{page['url']}` "
                f"| answers {page['status']} | — | — | — | — | — | {r.get('queries', '—')} | — |"
            )
            continue
        n, c = page["static"], page["stack"]
        ms = r.get("ms")
        lines.append(
            f"| {page['name']} | {page['gebied']} | `{page['url']}` "
            f"| {n['rps']:.0f} ({n['p50']:.2f}) "
            f"| {c['rps']:.0f} ({c['p50']:.2f} / {c['p99']:.2f}) | {c['rps'] / n['rps']:.0%} "
            f"| {page['cache_status']} "
            f"| {f'{ms:.1f}' if ms else '—'} | {f'{ms / floor:.0f}×' if ms else '—'} "
            f"| {r.get('queries', '—')} | {len(page['body']):,} |"
        )
    measured = [p for p in pages if p["status"] == 200]
    if measured:
        shares = [p["stack"]["rps"] / p["static"]["rps"] for p in measured]
        lines += [
            "",
            f"Stack as a share of static nginx: {min(shares):.0%}–{max(shares):.0%} "
            f"(median {statistics.median(shares):.0%}).",
        ]
        for gebied in dict.fromkeys(p["gebied"] for p in measured):
            multiples = [
                render["pages"][p["url"]]["ms"] / floor
                for p in measured
                if p["gebied"] == gebied and "ms" in render["pages"].get(p["url"], {})
            ]
            queries = [
                render["pages"][p["url"]]["queries"] for p in measured if p["gebied"] == gebied
            ]
            if multiples:
                lines.append(
                    f"Render, gebied {gebied}: {min(multiples):.0f}–{max(multiples):.0f}× the "
                    f"floor; SQL queries {min(queries)}–{max(queries)}."
                )
    if rounds["stack"]:
        static_rps = statistics.median(r["rps"] for r in rounds["static"])
        stack_rps = statistics.median(r["rps"] for r in rounds["stack"])
        static_p50 = statistics.median(r["p50"] for r in rounds["static"])
        stack_p50 = statistics.median(r["p50"] for r in rounds["stack"])
        per_round = [
            c["rps"] / n["rps"] for n, c in zip(rounds["static"], rounds["stack"], strict=True)
        ]
        lines += [
            "",
            f"**All {len(measured)} pages in turn, {len(per_round)} alternating rounds of "
            f"{args.seconds} s** (median): static nginx {static_rps:.0f} req/s (p50 "
            f"{static_p50:.2f} ms), stack {stack_rps:.0f} req/s (p50 {stack_p50:.2f} ms): "
            f"**{stack_rps / static_rps:.0%}** of static nginx (rounds "
            f"{min(per_round):.0%}–{max(per_round):.0%}); p50 latency "
            f"{stack_p50 / static_p50:.1f}× static.",
        ]
    lines += [
        "",
        "| map layer (snapshot · gebied) | polygons | raw bytes | gzip bytes |",
        "|---|---:|---:|---:|",
    ]
    for (pd, gebied), v in payload.items():
        lines.append(f"| {pd} · {gebied} | {v['features']} | {v['raw']:,} | {v['gzip']:,} |")
    if paint:
        lines += [
            "",
            "| snapshot · gebied | URL | first map paint (median / max ms) "
            "| first contentful paint (ms) |",
            "|---|---|---:|---:|",
        ]
        for label, result in paint.items():
            if "status" in result:
                lines.append(f"| {label} | `{result['path']}` | answers {result['status']} | — |")
                continue
            lines.append(
                f"| {label} | `{result['path']}` | {result['map_paint_ms']:.0f} / "
                f"{result['map_paint_max_ms']:.0f} | {result['fcp_ms']:.0f} |"
            )
    lines += [
        "",
        f"Load run: {args.load_seconds} s, {args.load_connections} connections, "
        f"{len(measured)} pages in turn against the stack: {load['requests']:,} requests, "
        f"{load['rps']:.0f} req/s, p50 {load['p50']:.2f} ms, p99 {load['p99']:.2f} ms, "
        f"socket errors {load['socket_errors']}, non-2xx/3xx {load['non_2xx_3xx']}.",
    ]
    if build:
        if "error" in build:
            lines.append(f"build_dataset: failed after {build['seconds']:.0f} s: {build['error']}")
        else:
            lines.append(
                f"build_dataset: {build['seconds']:.1f} s; output "
                + (
                    "byte-identical to the committed fixtures/."
                    if build["identical_to_committed"]
                    else f"differs from the committed fixtures/: {build['diff']}"
                )
            )
    else:
        lines.append("build_dataset: not measured (--skip-build-dataset).")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
