"""The public REST API v1 (django-ninja); see docs/api.md (the contract it follows)."""
