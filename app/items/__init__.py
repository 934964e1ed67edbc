"""The item catalogue's command line (the service is app.services.items)."""
