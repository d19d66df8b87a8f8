"""Hosts, out-of-office periods and meeting types in the Wagtail admin.

Snippet viewsets under the "Bookings" menu; a host's owner account manages its own host
and periods there, site admins everything (``permissions`` says who may do what).
"""
