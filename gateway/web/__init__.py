"""Static pages and assets of the web surfaces."""
