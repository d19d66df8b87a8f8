"""Zoom: the API client, its sandbox stand-in and their errors."""
