"""Reminder emails before a meeting: planned on every booking change, sent when due."""
