from wagtail_pmc_booking.models import Host


def test_seed_host_has_ten_weekly_windows(seed_host):
    assert seed_host.availability_windows.count() == 10
    assert Host.objects.get(slug="asha").out_of_office.count() == 3
