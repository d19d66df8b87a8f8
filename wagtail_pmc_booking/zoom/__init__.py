"""Zoom: each booking's meeting kept in line with the booking.

Layers, each importing only those above it: ``wire``/``errors``/``oauth`` (Zoom's JSON
and failures), ``client`` and ``sandbox`` (the two backends), ``backends``, ``backoff``
and ``desired``, then ``ensure``/``reconcile``/``sweep``; only ``tasks``, ``receivers``,
``answers``, ``webhooks`` and ``views`` are entry points, and only they know the queue.
"""
