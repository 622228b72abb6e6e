"""Reference data shipped inside the package (see README.md here for sources and licences)."""
