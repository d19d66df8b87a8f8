"""Bookings in the Wagtail admin: listing, inspect, cancel, CSV export, dashboard panel.

Bookings are read here and cancelled through ``booking.cancel``; nothing in the admin
edits a booking row directly.
"""
