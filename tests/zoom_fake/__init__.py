"""A loopback HTTP fake of the Zoom API, validated against Zoom's OpenAPI document."""
