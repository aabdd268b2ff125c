"""`make screenshots`: the demo site and its admin in Chromium, at a phone's and a desktop's width.

Writes docs/screenshots/<page>-<width>.png, shown in the README. Run it after a visible change and commit
the pictures with the change.
"""

import secrets
from pathlib import Path

from playwright.sync_api import sync_playwright

from tools.demo_site import ADMIN_USERNAME, ARTICLE_PATH, chromium_path, demo_site
from tools.production import manage

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# A whole WordPress site (WordPress's own theme test data), for the report of an import from it.
WORDPRESS_EXPORT = Path(__file__).resolve().parent.parent.parent / "shared" / "wxr" / "theme-unit-test-data.xml"
VIDEO_ARTICLE_PATH = "/blog/what-patients-are-saying-about-platelet-rich-plasma-treatments/"
WIDTHS = {"mobile": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def shoot(page, name, width):
    page.wait_for_load_state("networkidle")
    path = OUTPUT / f"{name}-{width}.png"
    page.screenshot(path=path)
    print(f"  {path.relative_to(OUTPUT.parent.parent)}")


def main():
    OUTPUT.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(16)
    with demo_site(admin_password=password, with_env=True) as (url, env), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"])
        for width, viewport in WIDTHS.items():
            context = browser.new_context(viewport=viewport, device_scale_factor=1)
            page = context.new_page()
            page.goto(url + "/")
            shoot(page, "home", width)
            page.goto(url + ARTICLE_PATH)
            shoot(page, "article", width)
            page.evaluate("document.getElementById('comments').scrollIntoView({behavior: 'instant'})")
            shoot(page, "article-comments", width)
            page.evaluate("document.querySelector('.subscribe--article').scrollIntoView({behavior: 'instant'})")
            shoot(page, "subscribe", width)
            # The demo's video, as readers get it before pressing play: nothing loaded from YouTube.
            page.goto(url + VIDEO_ARTICLE_PATH)
            page.evaluate("document.querySelector('.video').scrollIntoView({behavior: 'instant', block: 'center'})")
            shoot(page, "article-video", width)

            page.goto(url + "/treatments/prolotherapy/")
            page.get_by_role("navigation", name="Main").locator("summary", has_text="Treatments").click()
            shoot(page, "page-menu-open", width)

            dark = browser.new_context(viewport=viewport, device_scale_factor=1, color_scheme="dark").new_page()
            dark.goto(url + ARTICLE_PATH)
            shoot(dark, "article-dark", width)
            dark.context.close()

            page.goto(url + "/admin/login/")
            page.get_by_label("Username").fill(ADMIN_USERNAME)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Log in").click()
            page.get_by_role("heading", name="Quick draft").wait_for()
            shoot(page, "admin-dashboard", width)
            page.goto(url + "/admin/blog/comment/?status__exact=pending")
            shoot(page, "admin-comments", width)
            page.goto(url + "/admin/blog/article/")
            page.get_by_role("link", name="What Is Prolotherapy?").first.click()
            page.locator(".ck-editor__editable").wait_for()
            shoot(page, "admin-article", width)
            page.goto(url + "/admin/menus/menu/")
            page.get_by_role("link", name="Header menu").click()
            shoot(page, "admin-menu", width)
            # The new-article email as subscribers get it, from the admin's previews.
            page.goto(url + "/admin/newsletter/subscriber/previews/")
            email = page.locator('iframe[title="New article, HTML"]')
            mail = context.new_page()
            mail.set_content(email.get_attribute("srcdoc"))
            mail.screenshot(path=OUTPUT / f"email-{width}.png", full_page=True)
            print(f"  docs/screenshots/email-{width}.png")
            mail.close()
            if width == "desktop" and WORDPRESS_EXPORT.exists():
                wordpress_import_report(page, url, env)
            context.close()
        browser.close()


def wordpress_import_report(page, url, env):
    """The dry run's report of an import from WordPress, as the admin shows it once a worker has run it."""
    page.goto(url + "/admin/wordpress/importrun/add/")
    page.get_by_label("WordPress export (.xml)").set_input_files(str(WORDPRESS_EXPORT))
    page.get_by_role("button", name="Save", exact=True).click()
    manage(env, "db_worker", "--batch", "--queue-name", "*")
    page.reload()
    page.get_by_role("button", name="Import for real").wait_for()
    path = OUTPUT / "wordpress-import.png"
    page.screenshot(path=path)
    print(f"  {path.relative_to(OUTPUT.parent.parent)}")


if __name__ == "__main__":
    main()
