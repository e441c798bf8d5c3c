"""HTTP: the citizen portal (server-rendered pages) and the open JSON API v1."""
