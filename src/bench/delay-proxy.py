#!/usr/bin/env python3
"""A TCP proxy that delays every byte by a fixed time each way: a server that far away.

    delay-proxy.py LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT ONE_WAY_MS

A connection's round trip through it takes 2 x ONE_WAY_MS more than without it (connect, the
request and its answer alike); its throughput is the target's. The benchmarks use it where
the kernel has no netem to delay traffic on loopback.
"""
import asyncio
import collections
import sys


async def pipe(reader, writer, delay):
    """Copies reader to writer, each chunk `delay` seconds after it was read, in order."""
    loop = asyncio.get_running_loop()
    due = collections.deque()
    more = asyncio.Event()
    done = False

    async def read():
        nonlocal done
        try:
            while chunk := await reader.read(256 * 1024):
                due.append((loop.time() + delay, chunk))
                more.set()
        except ConnectionError:
            pass
        done = True
        more.set()

    reading = asyncio.create_task(read())
    try:
        while True:
            while not due and not done:
                more.clear()
                await more.wait()
            if not due:
                break
            at, chunk = due.popleft()
            await asyncio.sleep(max(0.0, at - loop.time()))
            writer.write(chunk)
            await writer.drain()
        await asyncio.sleep(delay)  # a close travels as far as the bytes
        writer.write_eof()
    except (ConnectionError, OSError):
        reading.cancel()
    finally:
        await asyncio.gather(reading, return_exceptions=True)


async def main():
    host, port, target_host, target_port, one_way_ms = sys.argv[1:6]
    delay = int(one_way_ms) / 1000

    async def handle(client_reader, client_writer):
        await asyncio.sleep(delay)  # the SYN's way there: the target sees the connection this late
        try:
            server_reader, server_writer = await asyncio.open_connection(target_host, int(target_port))
        except OSError:
            client_writer.close()
            return
        await asyncio.sleep(delay)  # and the answer's way back
        await asyncio.gather(pipe(client_reader, server_writer, delay), pipe(server_reader, client_writer, delay),
                             return_exceptions=True)
        for w in (client_writer, server_writer):
            w.close()

    server = await asyncio.start_server(handle, host, int(port))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
