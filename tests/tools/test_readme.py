"""What the README promises a new user on their first run is what they get."""

import re

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

README = (django_settings.BASE_DIR / "README.md").read_text()
MAKEFILE = (django_settings.BASE_DIR / "Makefile").read_text()


def configuration_table():
    return README.split("## Configuration", 1)[1].split("\n## ", 1)[0]


def test_readme_documents_every_variable_the_makefile_reads():
    variables = re.findall(r"^([A-Z_]+) \?=", MAKEFILE, flags=re.MULTILINE)

    assert "ADDRESS" in variables
    table = configuration_table()
    assert [name for name in variables if f"`{name}`" not in table] == []


@pytest.mark.django_db
def test_ensure_editor_reminds_of_the_password_command_the_readme_gives(capsys):
    (documented,) = set(re.findall(r"`([^`]* manage\.py changepassword editor)`", README))
    call_command("ensure_editor")
    capsys.readouterr()

    call_command("ensure_editor")

    assert f"`{documented}`" in capsys.readouterr().out
    assert documented == ".venv/bin/python manage.py changepassword editor"


@pytest.mark.django_db
def test_readme_says_which_404_page_appears_under_make_run_and_which_in_production(client, settings):
    settings.DEBUG = True
    debug_page = client.get("/no-such-page/").content.decode()
    settings.DEBUG = False
    own_page = client.get("/no-such-page/").content.decode()

    assert "Django’s debug 404 page" in README or "Django's debug 404 page" in README
    assert "DEBUG = True" in debug_page
    assert "DEBUG = True" not in own_page and "<!doctype html>" in own_page
