"""The free-text opening hours of earlier versions become structured hours when the site is upgraded."""

import datetime
import importlib

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from clinic.models import ClinicSettings

MIGRATION = "0005_structured_hours_and_share_image"
parse_line = importlib.import_module(f"clinic.migrations.{MIGRATION}").parse_line


def hours(opens, closes):
    return datetime.time(*opens), datetime.time(*closes)


@pytest.mark.parametrize(
    ("line", "days", "expected"),
    [
        ("Mon–Fri 8:00–18:00", [0, 1, 2, 3, 4], hours((8,), (18,))),
        ("Mo-Fr 08:00-18:00", [0, 1, 2, 3, 4], hours((8,), (18,))),
        ("Monday to Friday: 8am - 6pm", [0, 1, 2, 3, 4], hours((8,), (18,))),
        ("Sat 9am-12:30pm", [5], hours((9,), (12, 30))),
        ("Mon, Wed & Fri 7:30–19:00", [0, 2, 4], hours((7, 30), (19,))),
        ("Tues-Thurs 8.30-17.00", [1, 2, 3], hours((8, 30), (17,))),
    ],
)
def test_old_opening_hours_lines_that_read_as_days_and_times_are_converted(line, days, expected):
    assert parse_line(line) == [(day, *expected) for day in days]


@pytest.mark.parametrize(
    "line",
    ["By appointment only", "Fri-Mon 8:00-18:00", "Mon 18:00-8:00", "Mon 13pm-2pm", "Mon-Fri 8-12, 13-18", "Mon 24:00"],
)
def test_old_opening_hours_lines_that_do_not_read_so_are_left_out(line):
    assert parse_line(line) is None


def test_a_closed_day_is_understood_and_stays_closed():
    assert parse_line("Sun: closed") == []


@pytest.mark.django_db(transaction=True)
def test_upgrading_converts_the_stored_hours_and_the_site_keeps_working(client):
    before, after = [("clinic", "0004_brand_color")], [("clinic", MIGRATION)]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_apps.get_model("clinic", "ClinicSettings").objects.update_or_create(
        pk=1, defaults={"opening_hours": "Mon–Fri 8:00–18:00\nBy appointment only\nSat 9am-1pm\nMonday 7:00-9:00\n"}
    )
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        call_command("migrate", verbosity=0)

    clinic = ClinicSettings.load()
    assert clinic.opening_hours_schema == ["Mo-Fr 08:00-18:00", "Sa 09:00-13:00"]
    assert clinic.sunday_opens is None
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_downgrading_writes_the_structured_hours_back_as_lines():
    ClinicSettings.objects.update_or_create(
        pk=1, defaults={"saturday_opens": datetime.time(9), "saturday_closes": datetime.time(13)}
    )
    before = [("clinic", "0004_brand_color")]
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        old_apps = executor.loader.project_state(before).apps
        text = old_apps.get_model("clinic", "ClinicSettings").objects.get().opening_hours
    finally:
        call_command("migrate", verbosity=0)

    assert text == "Saturday 09:00–13:00"
    assert parse_line(text) == [(5, datetime.time(9), datetime.time(13))]
