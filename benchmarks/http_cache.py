"""The cached article through Varnish (deploy/varnish.vcl) beside nginx serving the same bytes as a static file,
and whether an approval shows through Varnish on the very next request. Both from Debian; installed by
`make bench` when run as root."""

import os
import shutil
import signal
import subprocess
import urllib.request
from pathlib import Path

from tools.production import ROOT, Server, free_port

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ARTICLE = "/blog/bulk-article-busy/"
# Approved comments show on the last page of the busy article's discussion: the approval is checked on the quiet one.
QUIET = "bulk-article-quiet"

APPROVE = """
import django
django.setup()
from blog.models import Article, Comment
from blog.services import comment_set_status
article = Article.objects.get(slug="{slug}")
comment = Comment.objects.create(article=article, name="Bench", email="bench@example.com", body="{body}")
comment_set_status(comments=Comment.objects.filter(pk=comment.pk), status="approved")
"""


def available():
    return Path(VARNISHD).exists() and Path(NGINX).exists()


def fetch(url, gzip=False):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback only)
        return response.read(), response.headers.get("X-HTTP-Cache")


def start_varnish(work, backend_port):
    port = free_port()
    vcl = (ROOT / "deploy" / "varnish.vcl").read_text().replace('.port = "8000"', f'.port = "{backend_port}"')
    (work / "bench.vcl").write_text(vcl)
    subprocess.run(
        [VARNISHD, "-j", "none", "-n", str(work / "varnish"), "-P", str(work / "varnish.pid")]
        + ["-a", f"127.0.0.1:{port}", "-f", str(work / "bench.vcl"), "-s", "malloc,128m"]
        + ["-T", f"127.0.0.1:{free_port()}"],
        check=True, capture_output=True,
    )  # fmt: skip
    return port, lambda: os.kill(int((work / "varnish.pid").read_text()), signal.SIGTERM)


def start_nginx(work, body, gzipped):
    """nginx serving `body`, and its compressed form `gzipped` to clients that accept it, as Varnish does."""
    port, root = free_port(), work / "nginx-root"
    (root / ARTICLE.strip("/")).mkdir(parents=True, exist_ok=True)
    (root / ARTICLE.strip("/") / "index.html").write_bytes(body)
    (root / ARTICLE.strip("/") / "index.html.gz").write_bytes(gzipped)
    conf = work / "nginx.conf"
    conf.write_text(
        ""
        # As root, nginx's workers would become www-data, who cannot read a private temporary folder.
        + ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 2; pid {work / 'nginx.pid'}; error_log {work / 'nginx-error.log'};\n"
        "events { worker_connections 1024; }\n"
        f"http {{ access_log off; gzip_static on; gzip_vary on;\n"
        f"       server {{ listen 127.0.0.1:{port}; root {root}; }} }}\n"
    )
    subprocess.run([NGINX, "-c", str(conf), "-p", str(work)], check=True, capture_output=True)
    return port, lambda: subprocess.run([NGINX, "-c", str(conf), "-p", str(work), "-s", "stop"], check=False)


def varnish_figures(env, work, load_alternating, python):
    """Varnish and nginx throughput on the cached article, and an approval seen through Varnish at once."""
    work = Path(work) / "http-cache"
    work.mkdir(exist_ok=True)
    with Server(env, workers=4) as server:
        backend_port = int(server.url.rsplit(":", 1)[1].strip("/"))
        varnish_port, stop_varnish = start_varnish(work, backend_port)
        try:
            url = f"http://127.0.0.1:{varnish_port}{ARTICLE}"
            for _ in range(3):
                body, state = fetch(url)
                gzipped, _ = fetch(url, gzip=True)
            nginx_port, stop_nginx = start_nginx(work, body, gzipped)
            try:
                # Readers' browsers accept gzip: both serve the compressed bytes they keep.
                varnish, nginx = load_alternating(url, f"http://127.0.0.1:{nginx_port}{ARTICLE}", gzip=True)
            finally:
                stop_nginx()
            quiet = f"http://127.0.0.1:{varnish_port}/blog/{QUIET}/"
            fetch(quiet)
            _, quiet_state = fetch(quiet)
            words = "Approved while Varnish keeps the page"
            subprocess.run(
                [python, "-c", APPROVE.format(slug=QUIET, body=words)],
                cwd=ROOT, env={**env, "DJANGO_HTTP_CACHE_PURGE_URLS": f"http://127.0.0.1:{varnish_port}/"},
                check=True, capture_output=True,
            )  # fmt: skip
            after, after_state = fetch(quiet)
        finally:
            stop_varnish()
    return {
        "varnish": varnish,
        "nginx": nginx,
        "bytes": len(body),
        "kept": state == "hit" and quiet_state == "hit",
        "approval_shown": words.encode() in after and after_state == "miss",
    }
