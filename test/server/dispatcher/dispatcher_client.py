"""A client of the bluesky-dispatcher protocol, as a beamline's Python tools speak it.

Usage: dispatcher_client.py PORT PLAN PARAMS_JSON

Subscribes (keep_open) on one connection, starts PLAN with PARAMS on another, and follows
the subscription until the run is back to idle; then sends a frame that is not JSON on a
third connection. Prints one JSON object per line: {"connection": NAME, "message": MSG}
for each message, {"connection": NAME, "raw": TEXT} for the bad-JSON reply as it came,
and {"connection": NAME, "closed": CODE} when the server closes a connection.
"""

import asyncio
import json
import sys

import websockets

TIMEOUT = 30


def emit(**line):
    print(json.dumps(line), flush=True)


async def recv_json(ws, name):
    text = await asyncio.wait_for(ws.recv(), TIMEOUT)
    message = json.loads(text)
    emit(connection=name, message=message)
    return message


async def main(port, plan, params):
    uri = f"ws://127.0.0.1:{port}"
    async with websockets.connect(uri) as subscriber:
        await subscriber.send(json.dumps({"type": "subscribe", "keep_open": True}))
        await recv_json(subscriber, "subscriber")

        async with websockets.connect(uri) as starter:
            await starter.send(json.dumps({"type": "start", "plan": plan, "params": params}))
            reply = await recv_json(starter, "starter")
            await asyncio.wait_for(starter.wait_closed(), TIMEOUT)
            emit(connection="starter", closed=starter.close_code)
        if not reply.get("success"):
            return 1

        left_idle = False
        while True:
            message = await recv_json(subscriber, "subscriber")
            if message.get("type") == "exception":
                break
            if message.get("state") != "idle":
                left_idle = True
            elif left_idle:
                break

    async with websockets.connect(uri) as bad:
        await bad.send("{this is not json")
        text = await asyncio.wait_for(bad.recv(), TIMEOUT)
        emit(connection="bad-json", raw=text)
        await asyncio.wait_for(bad.wait_closed(), TIMEOUT)
        emit(connection="bad-json", closed=bad.close_code)
    return 0


if __name__ == "__main__":
    port_arg, plan_arg, params_arg = sys.argv[1:4]
    sys.exit(asyncio.run(main(int(port_arg), plan_arg, json.loads(params_arg))))
