#!/usr/bin/env python3
"""Benchmark: the production-like server against nginx serving the very same bytes.

Run by `make bench` (which runs collectstatic and installs nginx, wrk and Chromium). The
dataset is loaded into a private SpatiaLite file under bench/out/ (or the PostGIS database of
DATABASE_URL). Everything runs on loopback and is bounded in time:

1. gunicorn with production settings twice: with the dataset-versioned HTTP cache (the
   production default) and with it switched off (DJANGO_HTTP_CACHE_SECONDS=0, "uncached").
2. The responses of the main pages are saved and served by nginx on another port.
3. wrk against each page on each server: requests/s, p50, p99; ratio Django/nginx.
4. SQL queries per page (Django test client, uncached) and response sizes raw/gzip.
5. First map paint per snapshot in headless Chromium (Performance API), median of 5 loads.
6. A load run: wrk for 60 s with 64 connections over all pages → errors, non-2xx/3xx.

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
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VENV_BIN = Path(sys.executable).parent
GUNICORN = VENV_BIN / "gunicorn"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start in {seconds} s")


def http_get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    result = (response.status, dict(response.getheaders()), body)
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


class Servers:
    """Processes started by the benchmark, stopped by their own ids at the end."""

    def __init__(self):
        self.processes = []

    def gunicorn(self, workers, threads, **env):
        port = free_port()
        log = open(OUT / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - lives with the process
        process = subprocess.Popen(
            [str(GUNICORN), "samenwerking.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads)]
            + ["--keep-alive", "5", "--error-logfile", "-"],
            cwd=ROOT,
            env=production_env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        wait_for_port(port, process)
        return port

    def nginx(self, pages, folder):
        port = free_port()
        workers = os.cpu_count() or 1
        locations = "\n".join(
            f"    location = {page['path'].split('?')[0]} {{\n"
            f'      default_type "{page["content_type"]}";\n'
            f"      root {folder};\n      try_files /{page['file']} =404;\n    }}"
            for page in pages
        )
        user = "user root;" if os.geteuid() == 0 else ""
        config = OUT / "nginx.conf"
        config.write_text(
            f"""{user}
worker_processes {workers};
daemon off;
pid {OUT / "nginx.pid"};
error_log {OUT / "nginx-error.log"} warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path {OUT}/nginx-tmp;
  proxy_temp_path {OUT}/nginx-tmp;
  fastcgi_temp_path {OUT}/nginx-tmp;
  uwsgi_temp_path {OUT}/nginx-tmp;
  scgi_temp_path {OUT}/nginx-tmp;
  server {{
    listen 127.0.0.1:{port};
{locations}
  }}
}}
"""
        )
        (OUT / "nginx-tmp").mkdir(exist_ok=True)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        process = subprocess.Popen([nginx, "-c", str(config), "-p", str(OUT)])
        self.processes.append(process)
        wait_for_port(port, process)
        return port

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


# --- wrk -------------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url, seconds, connections, threads, script=None):
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


def django_measurements(paths):
    """SQL queries per page (uncached, debug settings) and the dataset's snapshots."""
    code = """
import json, sys, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from gemeenten.models import Peildatum
client = Client()
snapshots = Peildatum.objects.order_by("datum").values_list("code", flat=True)
out = {"queries": {}, "snapshots": list(snapshots)}
for path in json.loads(sys.argv[1]):
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path, HTTP_HOST="127.0.0.1").status_code
    out["queries"][path] = [status, len(queries)]
print(json.dumps(out))
"""
    env = dict(os.environ, DJANGO_DEBUG="1", DJANGO_SETTINGS_MODULE="samenwerking.settings")
    result = subprocess.run(
        [sys.executable, "-c", code, json.dumps(paths)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def first_slug(port):
    status, _, body = http_get(port, "/api/gemeenten.geojson")
    assert status == 200, status
    return json.loads(body)["features"][0]["properties"]["slug"]


# --- first map paint ---------------------------------------------------------------------

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


def map_paint(port, snapshots, loads):
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
        for code in snapshots:
            paints, fcps = [], []
            for _ in range(loads):
                driver.get(f"http://127.0.0.1:{port}/kaart/?peildatum={code}")
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
            results[code] = {
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections per page")
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--load-connections", type=int, default=64)
    parser.add_argument("--paint-loads", type=int, default=5)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=8, help="gunicorn gthread threads")
    args = parser.parse_args()
    threads = max(1, min(os.cpu_count() or 1, 4))

    OUT.mkdir(parents=True, exist_ok=True)
    pages_dir = OUT / "pages"
    pages_dir.mkdir(exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        # A private SpatiaLite copy: `make run` or a dataset build elsewhere must not lock it.
        database = OUT / "bench.sqlite3"
        database.unlink(missing_ok=True)
        os.environ["SPATIALITE_PATH"] = str(database)
        env = dict(os.environ, DJANGO_DEBUG="1")
        for command in (["migrate", "--noinput", "-v", "0"], ["load_dataset", "-v", "0"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    servers = Servers()
    try:
        cached = servers.gunicorn(args.workers, args.threads)
        uncached = servers.gunicorn(args.workers, args.threads, DJANGO_HTTP_CACHE_SECONDS="0")
        slug = first_slug(cached)
        measurements = django_measurements(["/"])
        snapshots = measurements["snapshots"]
        pages = [
            {"name": "home", "path": "/"},
            {"name": "gemeente-profiel", "path": f"/gemeenten/{slug}/"},
            {
                "name": "gefilterde-lijst",
                "path": "/samenwerkingen/?provincie=groningen&soort=gemeenschappelijke_regeling",
            },
            {"name": "csv-export", "path": "/samenwerkingen.csv"},
            {"name": "geojson", "path": "/api/gemeenten.geojson"},
            {"name": "kaart", "path": "/kaart/"},
        ]
        queries = django_measurements([p["path"] for p in pages])["queries"]
        for page in pages:
            status, headers, body = http_get(cached, page["path"])
            if status != 200:
                raise SystemExit(f"{page['path']} answered {status}")
            page["file"] = page["name"]
            page["content_type"] = headers.get("Content-Type", "application/octet-stream")
            (pages_dir / page["file"]).write_bytes(body)
            page["raw"] = len(body)
            page["gzip"] = len(gzip.compress(body, 6))
            page["queries"] = queries[page["path"]][1]
        static = servers.nginx(pages, pages_dir)
        for page in pages:
            status, _, body = http_get(static, page["path"])
            assert status == 200 and len(body) == page["raw"], (page["path"], status)

        geojson_gzip = {}
        for code in snapshots:
            status, headers, body = http_get(
                cached, f"/api/gemeenten.geojson?peildatum={code}", {"Accept-Encoding": "gzip"}
            )
            encoded = headers.get("Content-Encoding") == "gzip"
            raw = len(gzip.decompress(body)) if encoded else len(body)
            geojson_gzip[code] = (
                raw,
                len(body) if encoded else len(gzip.compress(body, 6)),
                encoded,
            )

        print(f"wrk: {args.seconds} s per page, {args.connections} connections, {threads} threads")
        for page in pages:
            for label, port in (("nginx", static), ("cached", cached), ("uncached", uncached)):
                # Warm up (fills the process caches of every worker), then measure.
                wrk(f"http://127.0.0.1:{port}{page['path']}", 2, args.connections, threads)
                page[label] = wrk(
                    f"http://127.0.0.1:{port}{page['path']}",
                    args.seconds,
                    args.connections,
                    threads,
                )
                print(f"  {page['name']:17} {label:8} {page[label]['rps']:9.0f} req/s")

        paint = map_paint(cached, snapshots, args.paint_loads)

        script = OUT / "rondgang.lua"
        script.write_text(
            "local paths = {"
            + ", ".join(json.dumps(p["path"]) for p in pages)
            + "}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n"
            '  return wrk.format("GET", paths[i])\nend\n'
        )
        print(f"load: {args.load_seconds} s, {args.load_connections} connections, all pages")
        load = wrk(
            f"http://127.0.0.1:{cached}",
            args.load_seconds,
            args.load_connections,
            threads,
            script=script,
        )
    finally:
        servers.stop()

    lines = [
        f"Machine: {machine()}.",
        f"gunicorn {args.workers} gthread workers × {args.threads} threads, production settings, "
        + ("PostGIS." if os.environ.get("DATABASE_URL") else "SpatiaLite."),
        f"wrk {args.seconds} s per page, {args.connections} connections, {threads} threads, "
        "loopback; wrk, nginx and gunicorn share the machine.",
        "",
        "| page | URL | nginx req/s | cached req/s (p50 / p99 ms) | ratio | uncached req/s "
        "(p50 / p99 ms) | ratio | SQL queries | raw bytes | gzip bytes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in pages:
        n, c, u = page["nginx"], page["cached"], page["uncached"]
        lines.append(
            f"| {page['name']} | `{page['path']}` "
            f"| {n['rps']:.0f} ({n['p50']:.2f} / {n['p99']:.2f}) "
            f"| {c['rps']:.0f} ({c['p50']:.2f} / {c['p99']:.2f}) | {c['rps'] / n['rps']:.1%} "
            f"| {u['rps']:.0f} ({u['p50']:.1f} / {u['p99']:.1f}) | {u['rps'] / n['rps']:.1%} "
            f"| {page['queries']} | {page['raw']:,} | {page['gzip']:,} |"
        )
    lines += [
        "",
        "| snapshot | first map paint (median / max ms) | first contentful paint (ms) "
        "| GeoJSON raw | GeoJSON gzip (as served) |",
        "|---|---:|---:|---:|---:|",
    ]
    for code in snapshots:
        raw, packed, served = geojson_gzip[code]
        lines.append(
            f"| {code} | {paint[code]['map_paint_ms']:.0f} / {paint[code]['map_paint_max_ms']:.0f} "
            f"| {paint[code]['fcp_ms']:.0f} | {raw:,} B | {packed:,} B"
            f"{'' if served else ' (not gzipped by the server; gzip -6)'} |"
        )
    lines += [
        "",
        f"Load run: {args.load_seconds} s, {args.load_connections} connections, all six pages in "
        f"turn against the cached server: {load['requests']:,} requests, {load['rps']:.0f} req/s, "
        f"p50 {load['p50']:.1f} ms, p99 {load['p99']:.1f} ms, socket errors "
        f"{load['socket_errors']}, non-2xx/3xx {load['non_2xx_3xx']}.",
    ]
    report = "\n".join(lines)
    (OUT / "report.md").write_text(report + "\n")
    (OUT / "load-wrk.txt").write_text(load["raw"])
    print()
    print(report)
    if load["socket_errors"] or load["non_2xx_3xx"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
