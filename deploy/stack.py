#!/usr/bin/env python3
"""The production stack on one machine: nginx (Debian) in front of gunicorn.

`make serve` runs `stack.py serve`; bench/run.py and tests/test_production_nginx.py start the
very same stack through `Stack`. Everything it writes stays under one folder (var/ by default):
the rendered nginx.conf, nginx's cache, temp files, pid, logs and gunicorn's unix socket. It
needs no root: nginx listens on a loopback port above 1024. Ctrl-C or SIGTERM stops both
servers (nginx first, so no request reaches a gunicorn that is going away).
"""

import argparse
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
TEMPLATE = DEPLOY / "nginx.conf.template"
PLACEHOLDER = re.compile(r"@([A-Z_]+)@")


def nginx_binary():
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).exists()), None
    )
    if not found:
        raise SystemExit(
            "nginx is not installed: `make serve` installs it (Debian package nginx-light), "
            "or run: sudo apt-get install nginx-light"
        )
    return found


def render(values, template=TEMPLATE):
    """The template with every @NAME@ replaced; an unknown or missing name is an error."""
    text = template.read_text()
    missing = sorted(set(PLACEHOLDER.findall(text)) - set(values))
    if missing:
        raise ValueError(f"{template.name}: no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)


def nginx_values(var, listen, upstream, static_root, access_log=True, **overrides):
    var = Path(var)
    user = ""
    if os.geteuid() == 0:
        # Root starts nginx (as systemd would); its workers run as the user that runs
        # gunicorn, so they can use its socket (created with umask 077).
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};"
    values = {
        "USER": user,
        "VAR": var,
        "DEPLOY": DEPLOY,
        "MIME_TYPES": "/etc/nginx/mime.types",
        "LISTEN": listen,
        "UPSTREAM": upstream,
        "STATIC_ROOT": Path(static_root),
        "STATIC_URL": "/static/",
        "ADMIN_URL": "/" + os.environ.get("DJANGO_ADMIN_PATH", "beheer/").strip("/") + "/",
        "SESSION_COOKIE": "sessionid",
        "ACCESS_LOG": f"{var}/log/nginx-access.log atlas buffer=64k flush=1s"
        if access_log
        else "off",
    }
    values.update(overrides)
    return values


def write_config(var, **kwargs):
    var = Path(var)
    for folder in ("log", "tmp", "cache", "run"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    config = var / "nginx.conf"
    config.write_text(render(nginx_values(var, **kwargs)))
    return config


def nginx_test(config):
    """`nginx -t` on a rendered config: (ok, output)."""
    result = subprocess.run(
        [nginx_binary(), "-t", "-c", str(config), "-p", str(Path(config).parent)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0, result.stderr + result.stdout


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(ready, process, what, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {seconds} s")


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


class Stack:
    """nginx on 127.0.0.1:port in front of gunicorn on a unix socket in var/run/.

    env: the environment for gunicorn (production settings); gunicorn_args: extra flags.
    """

    def __init__(self, var, port, env, static_root, access_log=True, gunicorn_args=()):
        self.var = Path(var)
        self.port = port
        self.env = dict(env)
        self.static_root = static_root
        self.access_log = access_log
        self.gunicorn_args = list(gunicorn_args)
        self.socket = self.var / "run" / "gunicorn.sock"
        self.processes = []

    def start(self):
        self.config = write_config(
            self.var,
            listen=f"127.0.0.1:{self.port}",
            upstream=f"unix:{self.socket}",
            static_root=self.static_root,
            access_log=self.access_log,
        )
        ok, output = nginx_test(self.config)
        if not ok:
            raise RuntimeError(f"nginx -t failed for {self.config}:\n{output}")
        # A cache from an earlier run may hold pages of another dataset.
        shutil.rmtree(self.var / "cache", ignore_errors=True)
        (self.var / "cache").mkdir()
        self.socket.unlink(missing_ok=True)
        env = dict(self.env, GUNICORN_BIND=f"unix:{self.socket}")
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.gunicorn_log = open(self.var / "log" / "gunicorn.log", "a")  # noqa: SIM115
        self.gunicorn = subprocess.Popen(
            [str(gunicorn), "-c", str(DEPLOY / "gunicorn.conf.py"), *self.gunicorn_args],
            cwd=ROOT,
            env=env,
            stdout=self.gunicorn_log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(self.gunicorn)
        wait_until(self.socket.exists, self.gunicorn, "gunicorn")
        self.nginx = subprocess.Popen(
            [nginx_binary(), "-c", str(self.config), "-p", str(self.var), "-g", "daemon off;"]
        )
        self.processes.append(self.nginx)
        wait_until(lambda: port_open(self.port), self.nginx, "nginx")
        return self

    def stop(self):
        # nginx first (graceful: SIGQUIT lets it finish the requests in flight), then gunicorn.
        for process, sig in (
            (getattr(self, "nginx", None), signal.SIGQUIT),
            (getattr(self, "gunicorn", None), signal.SIGTERM),
        ):
            if process is None or process.poll() is not None:
                continue
            process.send_signal(sig)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if hasattr(self, "gunicorn_log"):
            self.gunicorn_log.close()
        self.socket.unlink(missing_ok=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def serve(args):
    stack = Stack(args.var, args.port, os.environ, args.static_root)
    stopping = []

    def stop(signum, frame):
        stopping.append(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    stack.start()
    print(
        f"nginx on http://127.0.0.1:{args.port}/ → gunicorn on {stack.socket}\n"
        f"logs and cache in {args.var}/ (nginx-access.log shows cache=HIT/MISS); Ctrl-C stops",
        flush=True,
    )
    try:
        while not stopping:
            for process in stack.processes:
                if process.poll() is not None:
                    print(f"{process.args[0]} exited with {process.returncode}", file=sys.stderr)
                    stopping.append(None)
            time.sleep(0.5)
    finally:
        stack.stop()
        print("stopped nginx and gunicorn", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("serve", "config"):
        command = sub.add_parser(name)
        command.add_argument("--port", type=int, default=8000)
        command.add_argument("--var", type=Path, default=ROOT / "var")
        command.add_argument(
            "--static-root",
            type=Path,
            default=Path(os.environ.get("DJANGO_STATIC_ROOT") or ROOT / "staticfiles"),
        )
    args = parser.parse_args()
    if args.command == "config":
        config = write_config(
            args.var,
            listen=f"127.0.0.1:{args.port}",
            upstream=f"unix:{args.var / 'run' / 'gunicorn.sock'}",
            static_root=args.static_root,
        )
        ok, output = nginx_test(config)
        print(output.strip())
        sys.exit(0 if ok else 1)
    serve(args)


if __name__ == "__main__":
    main()
