"""HTTP clients side by side: CPU per request of httpx and aiohttp (the fetch stage's client), on loopback.

    python -m bench.http_clients                          # 3,000 requests at 1, 4, 16 and 50 in flight, 3 rounds
    python -m bench.http_clients --requests 40 --concurrency 1 4 --rounds 1    # the smoke test's size

Why: a crawl spends a request per feed and one per article page, and the crawler's one event loop is its
bottleneck (bench/RESULTS.md, "Crawl against reader"). A small asyncio server in its own process answers every
GET on one keep-alive connection per client connection with a page of `--body` bytes; each client runs the same
requests through one pooled session, with at most `concurrency` in flight, and its process CPU time per request is
printed (the server's is not counted). Rounds alternate the clients, so a busy machine slows both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parent.parent


async def _serve(port: int, body_size: int) -> None:
    body = b"<html>" + b"x" * body_size + b"</html>"
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(head + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


async def with_httpx(url: str, requests: int, concurrency: int) -> None:
    limit = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency)) as client:

        async def one() -> int:
            async with limit:
                return len((await client.get(url)).content)

        await asyncio.gather(*(one() for _ in range(requests)))


async def with_aiohttp(url: str, requests: int, concurrency: int) -> None:
    limit = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def one() -> int:
            async with limit, session.get(url) as response:
                return len(await response.read())

        await asyncio.gather(*(one() for _ in range(requests)))


CLIENTS: dict[str, Callable[[str, int, int], Awaitable[None]]] = {"httpx": with_httpx, "aiohttp": with_aiohttp}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the loopback server did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16, 50])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--body", type=int, default=20_000, help="bytes of each page")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the server's own process
    args = parser.parse_args(argv)
    if args.serve:
        asyncio.run(_serve(args.serve, args.body))
        return 0
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.http_clients", "--serve", str(port), "--body", str(args.body)]
    )
    try:
        _wait_for(port)
        url = f"http://127.0.0.1:{port}/page"
        print(f"{args.requests} GETs of a {args.body:,}-byte page per run; client CPU ms per request (wall s)")
        for concurrency in args.concurrency:
            for round_ in range(args.rounds):
                cells = []
                for name, client in CLIENTS.items():
                    cpu, wall = time.process_time(), time.perf_counter()
                    asyncio.run(client(url, args.requests, concurrency))
                    per_request = (time.process_time() - cpu) * 1000 / args.requests
                    cells.append(f"{name} {per_request:.3f} ({time.perf_counter() - wall:.2f} s)")
                print(f"in flight {concurrency:>3}, round {round_ + 1}: " + "  ".join(cells), flush=True)
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
