"""Create the demo hosts, meeting type and out-of-office entries; safe to run again."""

import secrets
from datetime import date, time, timedelta
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from wagtail_pmc_booking import demo_data
from wagtail_pmc_booking.conf import booking_settings
from wagtail_pmc_booking.links import absolute_url
from wagtail_pmc_booking.models import (
    AvailabilityWindow,
    BookingPage,
    Host,
    MeetingType,
    OutOfOffice,
)

WORKDAY = [(time(9, 0), time(12, 0)), (time(13, 0), time(17, 0))]

HOSTS = [
    {
        "slug": "asha-rao",
        "name": "Asha Rao",
        "email": "asha@example.com",
        "timezone": demo_data.SEED_TIMEZONE,
        "windows": demo_data.SEED_WINDOWS,
        "priority": 2,
        "bio": "Solutions engineer in Bengaluru; ten years of helping teams roll out scheduling.",
    },
    {
        "slug": "lena-fischer",
        "name": "Lena Fischer",
        "email": "lena@example.com",
        "timezone": "Europe/Berlin",
        "windows": {day: WORKDAY for day in range(5)},
        "priority": 2,
        "language": "de",
        "bio": "Customer success in Berlin; happy to run the demo in German or English.",
    },
    {
        "slug": "marcus-lee",
        "name": "Marcus Lee",
        "email": "marcus@example.com",
        "timezone": "America/New_York",
        "windows": {day: [(time(10, 0), time(16, 0))] for day in range(5)},
        "priority": 2,
    },
]

# The seed's out-of-office dates fall in the week of Monday 13 April 2026.
SEED_WEEK = date(2026, 4, 13)


def shifted_out_of_office(today):
    """The seed's pattern moved to the coming weeks, so the demo calendar shows it."""
    next_monday = today + timedelta(days=7 - today.weekday())
    shift = next_monday - SEED_WEEK
    if shift.days <= 0:
        return []
    return [
        (start + shift, end + shift, start_time, end_time, reason)
        for start, end, start_time, end_time, reason in demo_data.SEED_OUT_OF_OFFICE
    ]


class Command(BaseCommand):
    help = "Create demo hosts, the product-demo meeting type, out-of-office days and an admin."

    @transaction.atomic
    def handle(self, *args, **options):
        hosts = [self.ensure_host(spec) for spec in HOSTS]
        seed_host = hosts[0]
        entries = demo_data.SEED_OUT_OF_OFFICE + shifted_out_of_office(timezone.localdate())
        for start, end, start_time, end_time, reason in entries:
            OutOfOffice.objects.get_or_create(
                host=seed_host,
                start_date=start,
                end_date=end,
                start_time=start_time,
                end_time=end_time,
                defaults={"reason": reason},
            )
        meeting_type, _ = MeetingType.objects.update_or_create(
            slug="product-demo",
            defaults={
                "name": "Product Demo",
                "description": "A guided tour of the product with one of our specialists.",
                "assignment": "round_robin",
                "durations": [15, 30, 45, 60],
                "default_duration": 30,
                "questions": demo_data.DEMO_QUESTIONS,
            },
        )
        meeting_type.hosts.set(hosts)
        meeting_type.save()
        self.ensure_pages(meeting_type, seed_host)
        password = self.ensure_users(seed_host)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"  Hosts: {', '.join(h.name for h in hosts)}")
        self.stdout.write("  Meeting type: product-demo (round robin, 15/30/45/60 min)")
        self.stdout.write("  Pages: / (calendar and host blocks), /book-a-demo/ (booking page)")
        self.stdout.write(f"  Admin: {absolute_url('/admin/')}  user: admin  password: {password}")
        self.stdout.write(
            f"  Host owner (edits only Asha's hours): user: asha  password: {password}"
        )

    def ensure_host(self, spec):
        spec = dict(spec)
        windows = spec.pop("windows")
        host, created = Host.objects.get_or_create(
            slug=spec.pop("slug"),
            defaults={
                **spec,
                "durations": list(demo_data.SEED_DURATIONS),
                "zoom_user": spec["email"],
            },
        )
        if created:
            rows = [(day, s, e) for day, ranges in sorted(windows.items()) for s, e in ranges]
            AvailabilityWindow.objects.bulk_create(
                AvailabilityWindow(host=host, weekday=day, start_time=s, end_time=e, sort_order=i)
                for i, (day, s, e) in enumerate(rows)
            )
        return host

    def ensure_pages(self, meeting_type, seed_host):
        """A booking page under the site root, and the root page's blocks if it has a body.

        The default Site takes BASE_URL's host and port, so links built from the Site
        (when BASE_URL is unset later) still point where the demo runs.
        """
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            return
        base = urlsplit(booking_settings.BASE_URL)
        if base.hostname:
            site.hostname = base.hostname
            site.port = base.port or (443 if base.scheme == "https" else 80)
            site.save(update_fields=["hostname", "port"])
        root = site.root_page.specific
        if not BookingPage.objects.filter(slug="book-a-demo").exists():
            root.add_child(
                instance=BookingPage(
                    title="Book a product demo",
                    slug="book-a-demo",
                    meeting_type=meeting_type,
                    intro="<p>Pick a time that suits you; we will send a Zoom link.</p>",
                )
            )
        body = getattr(root, "body", None)
        if body is not None and not len(body):
            root.body = [
                (
                    "booking_calendar",
                    {"heading": "Book a product demo", "meeting_type": meeting_type},
                ),
                ("host_availability", {"heading": "Host controls", "host": seed_host}),
            ]
            root.save_revision().publish()

    def ensure_users(self, seed_host):
        """A fresh password each run, printed, so the demo never ships a known one."""
        password = secrets.token_urlsafe(9)
        User = get_user_model()
        admin, _ = User.objects.get_or_create(
            username="admin", defaults={"email": "admin@example.com"}
        )
        admin.is_staff = admin.is_superuser = True
        admin.set_password(password)
        admin.save()

        group, _ = Group.objects.get_or_create(name="Hosts")
        group.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
        owner, _ = User.objects.get_or_create(
            username="asha", defaults={"email": "asha@example.com"}
        )
        owner.set_password(password)
        owner.save()
        owner.groups.add(group)
        if seed_host.user_id != owner.pk:
            seed_host.user = owner
            seed_host.save(update_fields=["user"])
        return password
