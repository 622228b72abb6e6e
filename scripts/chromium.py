"""How Maillage starts Debian's Chromium headless (browser tests and screenshots).

The background-networking switches matter here: on a closed network Chromium otherwise keeps opening
connections that are refused, many at a time."""

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
