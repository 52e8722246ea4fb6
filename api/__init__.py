"""User-facing interfaces: CLI, exports (and later the HTTP API)."""
