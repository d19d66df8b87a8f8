"""The public REST API v1 (django-ninja); see docs/api.md and ../shared/API.md."""
