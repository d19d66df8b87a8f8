"""The shipped catalogues cover every msgid of the package, fully, and their .mo match.

The msgids come from the command contributors run (``make messages``: Django's
makemessages, GNU xgettext underneath) over a copy of the package, so the test sees
exactly what a refresh would add and never touches the checked-in files. Untranslated
and fuzzy entries count as missing: Django serves neither, so the reader gets English.
"""

import os
import re
import shutil
import subprocess
import sys
from gettext import GNUTranslations
from pathlib import Path

import pytest

import wagtail_pmc_booking

PACKAGE = Path(wagtail_pmc_booking.__file__).parent
REPOSITORY = PACKAGE.parent
LANGUAGES = ("de", "fr", "es", "hi")
MAKEMESSAGES = ["makemessages", "--no-location", "--no-obsolete"]
TOOLS = ("xgettext", "msgfmt", "msgen")
# Named ("%(name)s") and positional ("%s") printf placeholders, as Python fills them.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifrxXeEgGc%])")
# How gettext keys a message with a context: "<context>\x04<msgid>".
CONTEXT_SEPARATOR = "\x04"


def run(*command, cwd=None):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stderr}"
    return done


def compiled(po, mo):
    """``po`` compiled as Django's compilemessages does (fuzzy and empty entries left out)."""
    run("msgfmt", "--check-format", "-o", str(mo), str(po))
    with open(mo, "rb") as file:
        return GNUTranslations(file)


def placeholders(text):
    return sorted(name or kind for name, kind in PLACEHOLDER.findall(text) if kind != "%")


def msgid(key):
    message = key[0] if isinstance(key, tuple) else key
    return message.split(CONTEXT_SEPARATOR, 1)[-1]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Every message of the package's templates and Python as an English catalogue, keyed
    like a compiled one (plural forms as ``(msgid, n)``; form 1 is the plural msgid)."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"GNU gettext is missing ({', '.join(missing)}): run `make gettext`")
    work = tmp_path_factory.mktemp("messages")
    copy = work / PACKAGE.name
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (copy / "locale").mkdir()
    run(sys.executable, "-m", "django", *MAKEMESSAGES, "-l", "en", cwd=copy)
    english = work / "en.po"
    run("msgen", "-o", str(english), str(copy / "locale/en/LC_MESSAGES/django.po"))
    catalogue = compiled(english, work / "en.mo")._catalog
    catalogue.pop("", None)
    assert len(catalogue) > 100, "makemessages found almost nothing: is the copy complete?"
    return catalogue


@pytest.fixture(scope="module", params=LANGUAGES)
def language(request):
    return request.param


@pytest.fixture(scope="module")
def catalogue(language, tmp_path_factory):
    """The checked-in ``.po`` of ``language``, compiled afresh."""
    po = PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"
    assert po.exists(), f"{po.relative_to(REPOSITORY)} is missing: run `make messages`"
    return compiled(po, tmp_path_factory.mktemp(language) / "django.mo")


def missing(catalogue, extracted):
    """The msgids of ``extracted`` that ``catalogue`` does not translate."""
    translated = {msgid(key) for key, text in catalogue._catalog.items() if text}
    return sorted({msgid(key) for key in extracted} - translated)


def wrong_placeholders(catalogue, extracted):
    """Translations whose placeholders are not their msgid's (any plural form's may be
    fewer, "one day" for "%(count)d days", never others)."""
    wrong = []
    for key, text in catalogue._catalog.items():
        if not key:
            continue
        expected = placeholders(msgid(key))
        if isinstance(key, tuple):
            allowed = set(expected) | set(placeholders(extracted.get((key[0], 1), "")))
            if not set(placeholders(text)) <= allowed:
                wrong.append((key, text))
        elif placeholders(text) != expected:
            wrong.append((key, text))
    return wrong


def test_every_message_of_the_package_is_translated(language, catalogue, extracted):
    absent = missing(catalogue, extracted)
    assert not absent, (
        f"{len(absent)} messages missing, empty or fuzzy in {language} "
        f"(`make messages`, then translate): {absent[:15]}"
    )


def test_the_header_is_complete_and_not_fuzzy(language, catalogue):
    # A fuzzy header is left out of the .mo: no charset, no plural rule, wrong plurals.
    info = catalogue.info()
    assert "plural-forms" in info, f"{language}: header fuzzy or without Plural-Forms"
    assert info.get("content-type", "").lower().endswith("charset=utf-8")
    assert info.get("language") == language


def test_translations_keep_the_placeholders_of_their_msgid(language, catalogue, extracted):
    wrong = wrong_placeholders(catalogue, extracted)
    assert not wrong, f"{language}: placeholders differ from the msgid's: {wrong[:10]}"


SAMPLE = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: de\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Hello %(name)s,"
msgstr "Hallo %(nom)s,"

#, fuzzy
msgid "Cancel"
msgstr "Absagen"

msgid "Reschedule"
msgstr ""

msgid "%(count)d day"
msgid_plural "%(count)d days"
msgstr[0] "ein Tag"
msgstr[1] "%(count)d Tage %(extra)s"
"""


def test_the_checks_catch_fuzzy_empty_and_wrong_placeholders(tmp_path):
    po = tmp_path / "sample.po"
    po.write_text(SAMPLE)
    catalogue = compiled(po, tmp_path / "sample.mo")
    english = {"Hello %(name)s,": "", "Cancel": "", "Reschedule": "", ("%(count)d day", 1): ""}
    english[("%(count)d day", 1)] = "%(count)d days"  # form 1 of msgen's copy: the plural
    assert missing(catalogue, english) == ["Cancel", "Reschedule"]
    assert sorted(map(str, (key for key, _text in wrong_placeholders(catalogue, english)))) == [
        "('%(count)d day', 1)",
        "Hello %(name)s,",
    ]


def test_msgfmt_refuses_a_flagged_placeholder_mismatch(tmp_path):
    po = tmp_path / "flagged.po"
    po.write_text(SAMPLE.replace('msgid "Hello', '#, python-format\nmsgid "Hello'))
    with pytest.raises(AssertionError, match="msgfmt"):
        compiled(po, tmp_path / "flagged.mo")


def test_the_compiled_catalogue_is_up_to_date(language, catalogue):
    mo = PACKAGE / "locale" / language / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), f"{mo.relative_to(REPOSITORY)} is missing: run `make messages`"
    with open(mo, "rb") as file:
        shipped = GNUTranslations(file)
    stale = {
        key
        for key in shipped._catalog.keys() | catalogue._catalog.keys()
        if shipped._catalog.get(key) != catalogue._catalog.get(key)
    }
    assert not stale, f"{language}: django.mo differs from django.po (`make messages`): " + str(
        sorted(map(str, stale))[:10]
    )


def test_make_messages_runs_the_extraction_this_test_checks():
    """The Makefile's command and this test's must not drift apart."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    plan = run("make", "-n", "messages", cwd=REPOSITORY).stdout
    languages = " ".join(f"-l {code}" for code in LANGUAGES)
    assert f"makemessages {languages} {' '.join(MAKEMESSAGES[1:])}" in plan
    assert "compilemessages" in plan
