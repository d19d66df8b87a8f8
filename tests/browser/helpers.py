"""Small steps the journeys share: dates relative to today, reading the widget, emails."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Locale, Page, Site

from wagtail_pmc_booking import availability

NEW_YORK = ZoneInfo("America/New_York")


def ensure_home():
    """The default site's root page; a transactional test may start with empty tables."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site.root_page
    locale, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = root.add_child(instance=Page(title="Home", slug="home", locale=locale))
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home


def next_monday(min_days=2):
    """The next Monday in New York at least ``min_days`` ahead (notice and horizon allow it)."""
    today = timezone.now().astimezone(NEW_YORK).date()
    ahead = (7 - today.weekday()) % 7
    if ahead < min_days:
        ahead += 7
    return today + timedelta(days=ahead)


def long_date(day):
    """How the widget names a day in en-US: "Monday, November 30, 2026"."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def clock(moment):
    """An en-US clock time like Intl renders it: "9:30 AM"."""
    return f"{moment:%I:%M %p}".lstrip("0")


def clock_range(start, end):
    return f"{clock(start)} – {clock(end)}"


def plain(text):
    """Intl puts narrow no-break spaces before AM/PM; compare with plain spaces."""
    return re.sub(r"[\u202f\u00a0]", " ", text)


def slots_on(meeting_type, day, zone=NEW_YORK, duration=30):
    """The bookable starts on ``day`` as seen in ``zone``, from the read service."""
    by_day = availability.list_slots(
        meeting_type, start_date=day, end_date=day, tz=str(zone), duration=duration
    )
    return [slot.start.astimezone(zone) for slot in by_day.get(day, [])]


def day_button(scope, day):
    return scope.get_by_role("button", name=re.compile(rf"^{re.escape(long_date(day))},"))


def show_month(scope, day):
    """Step the calendar forward to ``day``'s month and wait for its times to load."""
    loaded = scope.locator(".pmc-cal table[aria-busy=false]")
    expect(loaded).to_be_visible()
    month = scope.locator(".pmc-month")
    for _ in range(3):
        if month.inner_text() == f"{day:%B %Y}":
            break
        scope.get_by_role("button", name="Next month").click()
        expect(loaded).to_be_visible()
    expect(month).to_have_text(f"{day:%B %Y}")


def open_day(scope, day):
    """Show ``day``'s month, click the day, wait for its times."""
    show_month(scope, day)
    day_button(scope, day).click()
    expect(scope.locator(".pmc-day-title")).to_have_text(long_date(day))
    expect(scope.locator(".pmc-times")).to_be_visible()


def times_shown(scope):
    return [plain(text) for text in scope.locator(".pmc-slots .pmc-time").all_inner_texts()]


def fill_details(scope, name, email, notes=""):
    expect(scope.get_by_role("heading", name="Enter your details")).to_be_focused()
    scope.get_by_label("Name").fill(name)
    scope.get_by_label("Email").fill(email)
    if notes:
        scope.get_by_label("Anything that helps us prepare? (optional)").fill(notes)


def emailed_link(outbox, email, kind):
    """The newest ``kind`` ("reschedule" or "cancel") link emailed to ``email``."""
    for message in reversed(outbox):
        if any(email in recipient for recipient in message.to):
            match = re.search(rf"https?://\S+/manage/(\w+)/{kind}/", message.body)
            if match:
                return match.group(0), match.group(1)
    raise AssertionError(f"no {kind} link emailed to {email}")


PASSWORD = "correct horse battery staple"


def log_in(page, live_server, user, password=PASSWORD):
    """Sign in to the Wagtail admin through its login form, as a person would."""
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=user.username)).to_be_visible()
