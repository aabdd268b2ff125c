"""The whole demo site: its video, the articles (blog's seed_demo_articles), the pages, the menus and the privacy
page."""

import io

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from clinic.models import ClinicSettings
from embeds.demo import videos_seed
from menus.models import Menu, MenuItem
from pages.demo import PAGES
from pages.models import Page
from redirects.models import Redirect


class Command(BaseCommand):
    help = "Create the demo articles, pages and menus. Running it again changes nothing."

    @transaction.atomic
    def handle(self, *args, **options):
        articles = io.StringIO()
        # First: the articles that embed them find their title and thumbnail, and ask no worker to fetch them.
        videos_seed()
        call_command("seed_demo_articles", stdout=articles)
        created, later = 0, []
        for data in PAGES:
            data = dict(data)
            parent, cards_from = data.pop("parent", None), data.pop("cards_from", None)
            if Page.objects.filter(slug=data["slug"]).exists():
                continue
            data["body"] = data["body"].strip()
            page = Page(**data, parent=Page.objects.get(slug=parent) if parent else None, status=Page.Status.PUBLISHED)
            page.full_clean()
            page.save()
            created += 1
            if cards_from:
                later.append((page, cards_from))
        for page, slug in later:
            page.cards_from = Page.objects.get(slug=slug)
            page.save()
        if created:
            self.fill_menus()
        clinic = ClinicSettings.load()
        if created:
            # A clinic's site: the landing page at /, the articles at /blog/ (what editors choose later is theirs).
            clinic.home_page = clinic.home_page or Page.objects.get(slug="welcome")
            clinic.privacy_page = clinic.privacy_page or Page.objects.get(slug="privacy-policy")
            clinic.save()
        # The old site's treatment page, as WordPress had it before the pages were put in a tree.
        if not Redirect.objects.exists():
            Redirect.objects.create(old_path="/prolotherapy-treatment/", new_address="/treatments/prolotherapy/")
        self.stdout.write(articles.getvalue().strip())
        self.stdout.write(f"Demo pages: {created} created, {Page.objects.published().count()} published in all.")

    def fill_menus(self):
        """The header and footer of the demo, made once, while the menus are still empty."""
        header, footer = Menu.at(Menu.Location.HEADER), Menu.at(Menu.Location.FOOTER)
        if header.items.exists() or footer.items.exists():
            return
        page = {page.slug: page for page in Page.objects.all()}
        treatments = header.items.create(order=1, kind=MenuItem.Kind.PAGE, page=page["treatments"])
        for order, slug in enumerate(["prolotherapy", "prp"], start=1):
            header.items.create(order=order, kind=MenuItem.Kind.PAGE, page=page[slug], parent=treatments)
        header.items.create(order=2, kind=MenuItem.Kind.ARTICLES)
        about = header.items.create(order=3, kind=MenuItem.Kind.PAGE, page=page["about"], label="About")
        header.items.create(order=1, kind=MenuItem.Kind.PAGE, page=page["team"], parent=about)
        header.items.create(order=4, kind=MenuItem.Kind.PAGE, page=page["contact"])
        for order, slug in enumerate(["contact", "privacy-policy"], start=1):
            footer.items.create(order=order, kind=MenuItem.Kind.PAGE, page=page[slug])
