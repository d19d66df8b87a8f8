"""The widget's shipped JavaScript: a byte budget, and no text that Django does not translate.

The JS is served as written (ES modules, no build step), so what is in
``static/wagtail_pmc_booking`` is exactly what browsers download. ``admin/`` holds the
host editor's two scripts: the admin loads them, attendees never do, so they are outside
the widget's budget but held to the same "no words of its own" rule.
"""

import re

import pytest

from tests.widget.files import ADMIN, ALL_JS, BUDGET, SHIPPED, STATIC
from wagtail_pmc_booking.widget import PLURAL_SAMPLES, widget_strings

WIDGET = [path for path in SHIPPED if path.name != "embed.js"]
# A text lookup in the widget: t("key", …) or parts("key", …) (strings.js).
LOOKUP = re.compile(r"\b(?:t|parts)\(\s*\"(\w+)\"")
ANY_LOOKUP = re.compile(r"\b(?:t|parts)\(")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Two words in a string literal: text for people, which must come from Django.
WORDS = re.compile(r"[A-Za-z]{2,} +[A-Za-z]|[A-Za-z] +[A-Za-z]{2,}")


def source(paths):
    return "\n".join(path.read_text(encoding="utf-8") for path in paths)


def test_the_widget_ships_as_its_entry_and_modules_beside_it():
    names = {str(path.relative_to(STATIC)) for path in SHIPPED}
    modules = {"strings", "dom", "dates", "api", "calendar", "form", "manage"}
    assert names == {"widget.js", "embed.js"} | {f"widget/{name}.js" for name in modules}


def test_the_admin_ships_the_week_grid_and_the_timezone_chooser():
    names = {str(path.relative_to(STATIC)) for path in ADMIN}
    assert names == {"admin/week_grid.js", "admin/timezone_chooser.js"}


def test_all_shipped_javascript_stays_under_the_budget():
    sizes = {str(path.relative_to(STATIC)): path.stat().st_size for path in SHIPPED}
    total = sum(sizes.values())
    assert total < BUDGET, f"{total} bytes of JS (budget {BUDGET}): {sizes}"


def test_every_text_the_widget_asks_for_is_translated_by_django():
    js = source(path for path in WIDGET if path.name != "strings.js")
    used = set(LOOKUP.findall(js))
    assert used, 'no t("…") lookups found: has strings.js changed its API?'
    # Only literal keys, so this check sees every one of them.
    assert len(ANY_LOOKUP.findall(js)) == len(LOOKUP.findall(js))
    strings = widget_strings()
    assert not used - strings.keys(), "missing from widget_strings()"
    assert not strings.keys() - used, "in widget_strings() but never shown"


def without_substitutions(template):
    """A template literal's own text: its ${…} parts (any braces inside them) left out."""
    while re.search(r"\{[^{}]*\}", template):
        template = re.sub(r"\{[^{}]*\}", "", template)
    return template


def code_of(path):
    """The file without its comments (which stand on lines of their own here)."""
    text = re.sub(r"^\s*/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    return re.sub(r"^\s*//.*$", "", text, flags=re.M)


@pytest.mark.parametrize("path", ALL_JS, ids=lambda path: path.name)
def test_no_javascript_file_holds_words_of_its_own(path):
    literals = re.findall(r'"((?:[^"\\\n]|\\.)*)"|`([^`]*)`', code_of(path))
    texts = [plain for plain, _ in literals] + [without_substitutions(tpl) for _, tpl in literals]
    worded = [text for text in texts if WORDS.search(text)]
    assert not worded, f"UI text belongs in widget_strings(): {worded}"


@pytest.mark.parametrize("key", [k for k, v in widget_strings().items() if isinstance(v, dict)])
def test_plural_texts_have_every_sample_count_and_the_same_placeholders(key):
    forms = widget_strings()[key]
    assert list(forms) == [str(n) for n in PLURAL_SAMPLES]
    assert len({frozenset(PLACEHOLDER.findall(text)) for text in forms.values()}) == 1
    assert forms["1"] != forms["2"] or key == "minutes"
