"""An embedded platform served in-process for the tests. Free ports, starting, waiting for and stopping
processes: scripts/processes.py, shared with the benchmarks."""

from __future__ import annotations

import threading
import time

import uvicorn
from fastapi import FastAPI

from scripts.processes import free_port


class LiveServer:
    """An ASGI app (the embedded platform) served by uvicorn on a free loopback port, in a thread."""

    def __init__(self, app: FastAPI, name: str = "uvicorn-tests") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", proxy_headers=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name=name, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
