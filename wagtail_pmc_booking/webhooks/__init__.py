"""Outbound webhooks: signed POSTs of booking and meeting events to the site's endpoints.

``outbox`` writes a delivery row per endpoint inside the transaction of the change,
``deliver`` sends it (from Huey, retried with backoff), ``signing`` is the signature
receivers verify. See docs/webhooks.md.
"""
