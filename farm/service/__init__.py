"""The farm as a service: a persistent queue, warm workers, an HTTP API and a dashboard."""
