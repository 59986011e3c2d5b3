"""The HTTP floor of ``serve.py``: the least a Starlette endpoint on uvicorn costs.

    .venv/bin/python benchmarks/http_floor.py --port 8081 [--workers 1]

One ``POST /echo`` route that reads the whole body and answers a small fixed JSON document
(``FLOOR_BODY``), and ``GET /readyz`` so that it is started and waited for as ``ipp-rules
serve`` is. No middleware, no thread: what every request to the service pays before deciding
anything. It runs on uvicorn with the options ``ipp-rules serve`` gives it
(``ipp_rules/cli/serve.py``): no access log, no logging configuration, no ``Server`` header, a
graceful shutdown of 10 s; one worker in this process, or ``--workers N`` processes behind
uvicorn's supervisor, as the service does.
"""

from __future__ import annotations

import argparse
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

FLOOR_PATH = "/echo"
FLOOR_BODY = b'{"status":"ok"}'


async def echo(request: Request) -> Response:
    await request.body()
    return Response(FLOOR_BODY, media_type="application/json")


async def readyz(request: Request) -> Response:
    return Response(b'{"status":"ready"}', media_type="application/json")


app = Starlette(
    routes=[
        Route(FLOOR_PATH, echo, methods=["POST"]),
        Route("/readyz", readyz, methods=["GET"]),
    ]
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    import uvicorn

    options: dict[str, Any] = {  # as ipp_rules/cli/serve.py runs the service
        "host": args.host,
        "port": args.port,
        "access_log": False,
        "log_config": None,
        "timeout_graceful_shutdown": 10,
        "server_header": False,
    }
    if args.workers == 1:
        uvicorn.Server(uvicorn.Config(app, **options)).run()
    else:  # the workers import this module by name: this folder is on their sys.path
        uvicorn.run("http_floor:app", workers=args.workers, **options)


if __name__ == "__main__":
    main()
