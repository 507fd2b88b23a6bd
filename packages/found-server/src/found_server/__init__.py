"""found-server: the ASGI web application for found's vnstore (code arrives with its issue)."""
