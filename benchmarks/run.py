"""`make bench`: the site in production mode against its floor, uncached render costs, and scale.

For each database (SQLite, then PostgreSQL when one answers at 127.0.0.1:5432) it builds two data sets with
`seed_bulk` (100 and 10,000 articles), then:
- serves the 10,000-article set with gunicorn (clinic.settings.prod, page cache on) and measures requests per
  second and p50/p99 latency with wrk (Debian's, else benchmarks/loadgen.py) for the home page, the article
  with 500 comments and a search, each beside the floor: benchmarks/floor.py answering with the same response
  (body and headers) under the same gunicorn settings, and beside the bare floor (the same body, two headers);
  and the search for a word in every article with the page cache off;
- renders the pages uncached in-process (benchmarks/render.py) on both sets: time and SQL queries, among them
  a search for a word in every article beside one for a word in three, and the first visits of 200 articles;
- runs the traffic of a clinic site against gunicorn (benchmarks/mixed.py) and the cached article through
  Varnish beside nginx (benchmarks/http_cache.py), on the 10,000-article set;
- asks for the admin's comment list (100,000 comments) and article list, and the sitemap index and its largest
  page uncached, on the 10,000-article set (benchmarks/admin.py): server time, size and SQL queries;
- posts comments while the mail server answers, then while it never answers, with the worker running
  (benchmarks/mail.py): the request's p50/p99 must not depend on the mail server; and announces a new article
  to 1,000 and 10,000 subscribers (benchmarks/announce.py): time, connections, the worker's peak memory;
- imports generated WordPress exports of 1,000 and 10,000 posts (benchmarks/wordpress.py): time, peak memory,
  and a re-run of the same export;
and prints the figures with the targets they are stated against. Nothing here is a test: see
docs/benchmarks.md for the latest figures, written by hand.

`python -m benchmarks.run [sqlite] [postgresql] [--only pages|admin|mail|announce|import|search]` runs some of
it: the databases named (default both), and only the public pages (render, load, traffic, Varnish), only the admin
lists and sitemaps, only the comment POSTs against the mail servers, only the announcement to subscribers, only
the WordPress import of generated exports (benchmarks/wordpress.py), or only the uncached searches on the
10,000-article set.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks import announce, http_cache, mail, wordpress
from tools.production import Server, manage, production_env

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
DURATION = os.environ.get("BENCH_DURATION", "3s")
# Each load is run this many times and the best run kept: two cores share the load generator and the server.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SIZES = (100, 10_000)
PARTS = ("pages", "admin", "mail", "announce", "import")
# PostgreSQL databases are named PREFIX_100, PREFIX_10000: another name keeps two runs on one server apart.
DATABASE_PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "clinic_bench")
# The deepest page of seed_bulk_pages' first section (five levels).
BULK_PAGE = "/bulk-section-0/bulk-0-1/bulk-0-2/bulk-0-3/bulk-0-4/"
PAGES = {
    "home": "/",
    "article, 500 comments": "/blog/bulk-article-busy/",
    "search": "/search/?q=ankle+sprain",
    "page, 5 levels deep": BULK_PAGE,
}
# Pages of benchmarks/render.py: a search costs what its page shows, not what it matches.
BROAD_SEARCH, NARROW_SEARCH = "search, word in every article", "search, word in three articles"
# seed_bulk puts "prolotherapy" in every article's body; WordPress answered this search 25.6 times a second here.
BROAD_SEARCH_PATH, WORDPRESS_BROAD_SEARCH_RATE = "/search/?q=prolotherapy", 25.6


def log(message):
    print(message, file=sys.stderr, flush=True)


def postgres_available():
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
        return shutil.which("psql") is not None
    except OSError:
        return False


def database_url(backend, size, work):
    if backend == "sqlite":
        return f"sqlite:///{work / f'bench-{size}.sqlite3'}"
    name = f"{DATABASE_PREFIX}_{size}"
    for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", statement], check=True)
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def build(env, size):
    started = time.perf_counter()
    manage(env, "migrate", "--no-input")
    manage(env, "seed_bulk", "--articles", str(size), "--comments", str(max(size * 10, 1000)))
    # 5 pages beside 100 articles, 500 beside 10,000: the page's cost must not follow the number of pages.
    manage(env, "seed_bulk_pages", "--pages", str(5 if size < 1000 else 500), "--depth", "5")
    log(f"  {size:>6} articles seeded in {time.perf_counter() - started:.0f} s")


def load_alternating(url, *floor_urls, gzip=False):
    """Figures of `url` and of each floor, measured in alternation ROUNDS times; the best run of each is kept.

    Alternating keeps them comparable when the machine's speed drifts during the benchmark.
    """
    runs = [[load(each, gzip) for each in (url, *floor_urls)] for _ in range(ROUNDS)]
    return [max((run[index] for run in runs), key=lambda figures: figures[0]) for index in range(len(runs[0]))]


def load(url, gzip=False):
    if shutil.which("wrk"):
        accept = ["-H", "Accept-Encoding: gzip"] if gzip else []
        output = subprocess.run(
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", *accept, url],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        if errors:
            raise RuntimeError(f"{url}: {errors[1]} error responses")

        def percentile(label):
            value, unit = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", output).groups()
            return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

        return rate, percentile("50"), percentile("99")
    result = subprocess.run(
        [PYTHON, str(ROOT / "benchmarks" / "loadgen.py"), url, str(CONNECTIONS), DURATION.rstrip("s")],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return tuple(json.loads(result.stdout))


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback only)
        return response.read(), response.headers


# Headers gunicorn writes itself, for the page and the floor alike.
SERVER_HEADERS = {"date", "server", "connection", "transfer-encoding"}


def http_figures(env, work):
    """Cached pages through gunicorn beside the floor answering with the same response (body and headers), and
    beside the bare floor (the same body with the two headers any answer needs)."""
    rows = {}
    with Server(env, workers=WORKERS) as server:
        for name, path in PAGES.items():
            url = server.url + path
            fetch(url)
            body, headers = fetch(url)
            page_file = work / f"floor-{abs(hash(name))}.html"
            page_file.write_bytes(body)
            headers_file = page_file.with_suffix(".json")
            own_headers = [item for item in headers.items() if item[0].lower() not in SERVER_HEADERS]
            headers_file.write_text(json.dumps(own_headers))
            floor_env = {**env, "BENCH_FLOOR_FILE": str(page_file)}
            same_env = {**floor_env, "BENCH_FLOOR_HEADERS": str(headers_file)}
            with (
                Server(same_env, "benchmarks.floor:application", workers=WORKERS) as floor,
                Server(floor_env, "benchmarks.floor:application", workers=WORKERS) as bare,
            ):
                app, same, bare = load_alternating(url, floor.url + path, bare.url + path)
            rows[name] = {
                "app": app, "floor": same, "bare": bare, "bytes": len(body), "headers": len(headers),
                "cache": headers.get("X-Page-Cache"),
            }  # fmt: skip
            log(f"  measured {name}")
    return rows


def uncached_search_figures(env):
    """The search for a word in every article, its page cache off, through gunicorn: the best of ROUNDS runs."""
    with Server({**env, "DJANGO_PAGE_CACHE_SECONDS": "0"}, workers=WORKERS) as server:
        fetch(server.url + BROAD_SEARCH_PATH)
        figures = max((load(server.url + BROAD_SEARCH_PATH) for _ in range(ROUNDS)), key=lambda each: each[0])
    log("  measured the uncached search")
    return figures


MIXED_SECONDS = os.environ.get("BENCH_MIXED_SECONDS", "60")


def mixed_figures(env):
    """Reads only, then the mixed traffic of a clinic site (benchmarks/mixed.py), against gunicorn."""
    with Server(env, workers=WORKERS) as server:
        result = subprocess.run(
            [PYTHON, str(ROOT / "benchmarks" / "mixed.py"), server.url, MIXED_SECONDS, str(CONNECTIONS)],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
    log("  measured mixed traffic")
    return json.loads(result.stdout.strip().splitlines()[-1])


def render_figures(env, *pages, script="render.py"):
    result = subprocess.run(
        [PYTHON, str(ROOT / "benchmarks" / script), *pages],
        cwd=ROOT, env={**env, "DJANGO_PAGE_CACHE_SECONDS": "0"}, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def report_admin(backend, figures):
    print(f"\n=== {backend}: admin lists and sitemaps, 10,000 articles, 100,000 comments (in-process, uncached)")
    print(f"{'page':34} {'ms':>8} {'bytes':>9} {'queries':>8}")
    for name, row in figures.items():
        if "status" in row:
            print(f"{name:34} HTTP {row['status']}")
            continue
        print(f"{name:34} {row['ms']:>8.1f} {row['bytes']:>9} {row['queries']:>8}")
    comments, index, largest = figures["comment list"], figures["sitemap index"], figures["sitemap, largest page"]
    print("targets")
    print(f"  comment list, first page: server time     {comments['ms']:6.1f} ms  (target <= 250 ms)")
    print(f"  comment list, first page: size            {comments['bytes'] / 1000:6.1f} KB  (target <= 200 KB)")
    print(f"  sitemap index, uncached                   {index['ms']:6.1f} ms  (target <= 200 ms)")
    print(f"  sitemap's largest page, uncached          {largest['ms']:6.1f} ms  (target <= 200 ms)")


def report(backend, http, renders, search_figures):
    small, large = renders[SIZES[0]], renders[SIZES[1]]
    print(
        f"\n=== {backend}: {os.cpu_count()} cores, gunicorn -w {WORKERS}, load -t2 -c{CONNECTIONS} -d{DURATION} "
        f"(best of {ROUNDS}), cache: {'Redis' if os.environ.get('REDIS_URL') else 'files'}"
    )
    print("(floor: the same response, body and headers; bare: the same body with two headers)")
    print(f"{'cached page':26} {'bytes':>7} {'headers':>7} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} | "
          f"{'floor req/s':>11} {'p50 ms':>7} {'p99 ms':>7} | {'ratio':>5} | "
          f"{'bare req/s':>10} {'ratio':>5}")  # fmt: skip
    for name, row in http.items():
        (rate, p50, p99), (floor_rate, floor_p50, floor_p99) = row["app"], row["floor"]
        bare_rate = row["bare"][0]
        print(f"{name:26} {row['bytes']:>7} {row['headers']:>7} {rate:>8.0f} {p50:>7.2f} {p99:>7.2f} | "
              f"{floor_rate:>11.0f} {floor_p50:>7.2f} {floor_p99:>7.2f} | {rate / floor_rate:>5.2f} | "
              f"{bare_rate:>10.0f} {rate / bare_rate:>5.2f}")  # fmt: skip
    print(f"\n{'uncached render':30} {'100 articles':>16} {'10,000 articles':>18} {'ratio':>6}   queries")
    for name in large:
        before, after = small[name], large[name]
        print(f"{name:30} {before['ms']:>13.1f} ms {after['ms']:>15.1f} ms "
              f"{after['ms'] / before['ms']:>6.2f}   {before['queries']} / {after['queries']}")  # fmt: skip
    article_rate, floor_rate = http["article, 500 comments"]["app"][0], http["article, 500 comments"]["floor"][0]
    busy, quiet = large["article, 500 comments"]["ms"], large["article, 0 comments"]["ms"]
    scale = max(large[name]["ms"] / small[name]["ms"] for name in ("home", "article, 500 comments", "search"))
    pages_scale = large["page, 5 levels deep"]["ms"] / small["page, 5 levels deep"]["ms"]
    constant = all(small[name]["queries"] == large[name]["queries"] for name in large)
    print("\ntargets")
    print(f"  cached article throughput / floor          {article_rate / floor_rate:5.2f}  (target >= 0.80)")
    bare_rate = http["article, 500 comments"]["bare"][0]
    print(f"  cached article throughput / bare floor     {article_rate / bare_rate:5.2f}  (for comparison)")
    page_rate, page_floor = http["page, 5 levels deep"]["app"][0], http["page, 5 levels deep"]["floor"][0]
    print(f"  cached page throughput / floor             {page_rate / page_floor:5.2f}  (target >= 0.80)")
    print(f"  uncached article 500 comments / 0 comments {busy / quiet:5.2f}  (target <= 1.50)")
    print(f"  worst uncached page 10,000 / 100 articles  {scale:5.2f}  (target <= 1.30)")
    print(f"  uncached page, 500 pages / 5 pages         {pages_scale:5.2f}  (target <= 1.30)")
    cold = large["article, first visit (median)"]["ms"] / small["article, first visit (median)"]["ms"]
    print(f"  first visits 10,000 / 100 articles (median) {cold:5.2f}  (target <= 1.30)")
    print(f"  SQL queries per page constant              {'yes' if constant else 'NO'}")
    print(f"  uncached search, every article / three     {search_ratio(large):5.2f}  (target <= 2)")
    rate, _, p99 = search_figures
    print(f"  uncached search, word in every article  {rate:6.0f} req/s, p99 {p99:.0f} ms  "
          f"(target >= {2 * WORDPRESS_BROAD_SEARCH_RATE:.0f} on PostgreSQL: twice WordPress's)")  # fmt: skip


def search_ratio(renders):
    return renders[BROAD_SEARCH]["ms"] / renders[NARROW_SEARCH]["ms"]


def search_report(backend, renders):
    """The uncached searches alone (`python -m benchmarks.run search`), at the larger size."""
    print(f"\n=== {backend}: uncached search at {SIZES[-1]:,} articles")
    for name in (BROAD_SEARCH, NARROW_SEARCH):
        print(f"{name:30} {renders[name]['ms']:>8.1f} ms   {renders[name]['queries']} queries")
    print(f"{'ratio':30} {search_ratio(renders):>8.2f}      (target <= 2)")


def report_mixed(figures):
    print(f"\n{'traffic at 10,000 articles':26} {'req/s':>8} {'p99 ms':>7} {'article hits':>12} {'all hits':>8} "
          f"{'posts':>6} {'approved':>8}")  # fmt: skip
    for name, row in figures.items():
        print(f"{name:26} {row['rate']:>8.0f} {row['p99_ms']:>7.1f} {row['article_hit_rate']:>12.1%} "
              f"{row['hit_rate']:>8.1%} {row['posts']:>6} {row['approved']:>8}")  # fmt: skip
    mixed, reads = figures["mixed"], figures["reads only"]
    print(f"  mixed: cache hit rate                      {mixed['hit_rate']:5.1%}  (target >= 90 %)")
    print(f"  mixed / reads-only throughput              {mixed['rate'] / reads['rate']:5.2f}  (target >= 0.50)")


def report_varnish(figures):
    if figures is None:
        print("\nbehind Varnish: not measured (apt-get install varnish nginx-light)")
        return
    (rate, p50, p99), (nginx_rate, nginx_p50, nginx_p99) = figures["varnish"], figures["nginx"]
    print(f"\n{'article behind Varnish':26} {'bytes':>7} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} | "
          f"{'nginx req/s':>11} {'p50 ms':>7} {'p99 ms':>7} | {'ratio':>5}")  # fmt: skip
    print(f"{'article, 500 comments':26} {figures['bytes']:>7} {rate:>8.0f} {p50:>7.2f} {p99:>7.2f} | "
          f"{nginx_rate:>11.0f} {nginx_p50:>7.2f} {nginx_p99:>7.2f} | {rate / nginx_rate:>5.2f}")  # fmt: skip
    print(f"  Varnish / nginx static file                {rate / nginx_rate:5.2f}  (target >= 0.50)")
    print(f"  an approval shows through Varnish at once  {'yes' if figures['approval_shown'] else 'NO'}")


def import_report(backend, env, work):
    imported = wordpress.import_figures(
        lambda posts: {**env, "DATABASE_URL": database_url(backend, f"import_{posts}", work)},
        PYTHON,
        ROOT,
        work,
        manage,
    )
    print(f"\n=== {backend}: a WordPress export imported (benchmarks/wordpress.py)")
    wordpress.report(imported)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("backends", nargs="*", metavar="sqlite|postgresql", help="default: both")
    parser.add_argument(
        "--only",
        choices=[*PARTS, "search"],
        help="one part only: the public pages, the admin, the mail, the announcement, the WordPress import, the "
        "searches",
    )
    arguments = parser.parse_args()
    if set(arguments.backends) - {"sqlite", "postgresql"}:
        parser.error(f"unknown databases: {arguments.backends}")
    parts = [arguments.only] if arguments.only else PARTS
    backends = ["sqlite"] + (["postgresql"] if postgres_available() else [])
    if arguments.backends:
        backends = [backend for backend in backends if backend in arguments.backends]
    with tempfile.TemporaryDirectory(prefix="clinic-bench-") as folder:
        work = Path(folder)
        env = production_env(work)
        manage(env, "collectstatic", "--no-input")
        for backend in backends:
            log(f"{backend}: building the data sets")
            renders, http, admin, mixed, behind, search_rate = {}, None, None, None, None, None
            mail_posts = announced = None
            if arguments.only == "search":
                size = SIZES[-1]
                sized = {
                    **env,
                    "DATABASE_URL": database_url(backend, size, work),
                    "DJANGO_CACHE_DIR": str(work / f"cache-{backend}-{size}"),
                }
                build(sized, size)
                search_report(backend, render_figures(sized, BROAD_SEARCH, NARROW_SEARCH))
                continue
            if arguments.only == "import":
                import_report(backend, env, work)
                continue
            for size in SIZES if "pages" in parts else SIZES[-1:]:
                sized = {
                    **env,
                    "DATABASE_URL": database_url(backend, size, work),
                    "DJANGO_CACHE_DIR": str(work / f"cache-{backend}-{size}"),
                }
                build(sized, size)
                if "pages" in parts:
                    renders[size] = render_figures(sized)
                if size == SIZES[-1]:
                    if "pages" in parts:
                        http = http_figures(sized, work)
                        search_rate = uncached_search_figures(sized)
                        mixed = mixed_figures(sized)
                        if http_cache.available():
                            behind = http_cache.varnish_figures(sized, work, load_alternating, PYTHON)
                    admin = render_figures(sized, script="admin.py") if "admin" in parts else None
                    mail_posts = mail.mail_figures(sized, PYTHON, ROOT) if "mail" in parts else None
                    announced = announce.announce_figures(sized, PYTHON, ROOT) if "announce" in parts else None
            if http is not None:
                report(backend, http, renders, search_rate)
                report_mixed(mixed)
                report_varnish(behind)
            if admin is not None:
                report_admin(backend, admin)
            if mail_posts is not None:
                print(f"\n=== {backend}: comment POSTs with the worker of make serve beside gunicorn -w 4")
                mail.report(mail_posts)
            if announced is not None:
                print(f"\n=== {backend}: a new article announced by the worker of make serve")
                announce.report(announced)
            if "import" in parts:
                import_report(backend, env, work)


if __name__ == "__main__":
    main()
