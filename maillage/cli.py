"""The `maillage` command: run the embedded platform, or one process of the distributed platform.

maillage run                       whole platform in one process (embedded defaults)
maillage serve offers|profiles|matching|gateway [--host H --port P]   distributed mode, one service
maillage consume matching          distributed mode, the matching consumer
maillage create-user NAME ROLE     an account on the gateway (password read from stdin or prompt)
maillage audit verify|purge        check the audit log's hash chain, or trim it (maillage/audit_cli.py)
maillage backup DIR | restore DIR  pg_dump / pg_restore of the services' databases (maillage/backup.py)
maillage recover                   after a lost server: databases, topics, index (maillage/recover.py)
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import signal
import sys
import threading
from pathlib import Path

import uvicorn

from common.heap import settle_heap
from common.identity import Role
from maillage import audit_cli, backup, deadletters, eval_matching, importer, ops, recover
from maillage.eval_linking import add_parser as add_eval_linking_parser

DEFAULT_PORTS = {"gateway": 8000, "offers": 8101, "profiles": 8102, "matching": 8103}


def _configure_logging() -> None:
    logging.basicConfig(
        level=os.environ.get("MAILLAGE_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Kafka's client logs every reconnect at INFO; keep the console readable.
    logging.getLogger("kafka").setLevel(logging.WARNING)


def cmd_run(args: argparse.Namespace) -> int:
    from maillage.platform import build_embedded

    data_dir = Path(os.environ.get("MAILLAGE_DATA_DIR", "./var")).resolve()
    port = int(os.environ.get("MAILLAGE_PORT", "8000"))
    host = os.environ.get("MAILLAGE_HOST", "127.0.0.1")
    with_demo = os.environ.get("MAILLAGE_DEMO", "1") != "0"
    encoder = os.environ.get("MAILLAGE_ENCODER", "use")
    linker = os.environ.get("MAILLAGE_LINKER", "use")
    print(
        f"Maillage: preparing data under {data_dir} (demo data: {'yes' if with_demo else 'no'})…", flush=True
    )
    print(
        "Preparing the occupation index (the first start takes a minute or two; cached afterwards)…",
        flush=True,
    )
    platform = build_embedded(data_dir, with_demo=with_demo, encoder_kind=encoder, linker=linker)
    print(
        f"Maillage is running: open http://{host}:{port}/  (API docs: http://{host}:{port}/docs)", flush=True
    )
    print(
        "Demo accounts: referent, employer, analyst, admin, coordinator — password: demo. Stop with Ctrl-C.",
        flush=True,
    )
    settle_heap()
    uvicorn.run(
        platform.app, host=host, port=port, log_level="warning", access_log=False, proxy_headers=False
    )
    return 0


# uvicorn would believe X-Forwarded-For from loopback; the gateway decides itself which proxies to believe
# (MAILLAGE_TRUSTED_PROXIES, gateway/client_address.py), so every server passes proxy_headers=False.


def cmd_serve(args: argparse.Namespace) -> int:
    from maillage import distributed

    app = distributed.build_service_app(args.service)
    port = args.port or DEFAULT_PORTS[args.service]
    print(f"Maillage {args.service} listening on http://{args.host}:{port}/", flush=True)
    settle_heap()
    uvicorn.run(app, host=args.host, port=port, log_level="warning", access_log=False, proxy_headers=False)
    return 0


def cmd_consume(args: argparse.Namespace) -> int:
    from maillage import distributed

    worker = distributed.build_matching_consumer()
    stop = threading.Event()

    def _stop(*_: object) -> None:
        stop.set()
        worker.stop(timeout_s=0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print("Maillage matching consumer started.", flush=True)
    settle_heap()
    worker.run_forever()
    worker.subscription.close()
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from gateway.bootstrap import build_users
    from gateway.settings import GatewaySettings

    password = sys.stdin.readline().strip() if not sys.stdin.isatty() else getpass.getpass("Password: ")
    if len(password) < 8:
        print("Refused: a password needs at least 8 characters.", file=sys.stderr)
        return 2
    build_users(GatewaySettings()).upsert(
        args.username, password, Role(args.role), args.display_name or args.username
    )
    print(f"User {args.username} ({args.role}) saved.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="maillage", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("run", help="run the whole platform in one process").set_defaults(func=cmd_run)

    serve = sub.add_parser("serve", help="serve one service (distributed mode)")
    serve.add_argument("service", choices=sorted(DEFAULT_PORTS))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0)
    serve.set_defaults(func=cmd_serve)

    consume = sub.add_parser("consume", help="run a consumer (distributed mode)")
    consume.add_argument("consumer", choices=["matching"])
    consume.set_defaults(func=cmd_consume)

    user = sub.add_parser("create-user", help="create or update a gateway account")
    user.add_argument("username")
    user.add_argument("role", choices=[r.value for r in Role if r != Role.SYSTEM])
    user.add_argument("--display-name", default="")
    user.set_defaults(func=cmd_create_user)

    audit_cli.add_parser(sub)
    backup.add_parser(sub)
    deadletters.add_parser(sub)
    importer.add_parser(sub)
    ops.add_parser(sub)
    recover.add_parser(sub)
    add_eval_linking_parser(sub)
    eval_matching.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    _configure_logging()
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
