"""A bluesky-style 0MQ peer built from pyzmq and msgpack only (bluesky is not installed).

  bluesky_peer.py subscribe HOST:PORT [PREFIX]
      SUB on a proxy's out-port; reads `prefix name payload` frames (payload msgpack)
      until a stop document; prints one JSON line per document: [name, uid, seq_num].
  bluesky_peer.py publish HOST:PORT SERIALIZER PREFIX POINTS
      connects to a proxy's in-port, waits for its subscription, then sends a run of
      POINTS events in bluesky's frame layout; prints each document it sent as JSON.
"""
import json
import sys
import time
import uuid

import msgpack
import zmq


def subscribe(address, prefix):
    context = zmq.Context()
    socket = context.socket(zmq.SUB)
    socket.connect("tcp://" + address)
    socket.setsockopt(zmq.SUBSCRIBE, b"")
    print("subscribed", flush=True)
    while True:
        frame = socket.recv()
        got_prefix, name, payload = frame.split(b" ", 2)
        if prefix and got_prefix != prefix:
            continue
        name = name.decode("utf-8")
        doc = msgpack.unpackb(payload)
        print(json.dumps([name, doc.get("uid"), doc.get("seq_num")]), flush=True)
        if name == "stop":
            break
    socket.close()
    context.term()


def documents(points):
    now = time.time()
    run = str(uuid.uuid4())
    descriptor = str(uuid.uuid4())
    yield "start", {
        "uid": run,
        "time": now,
        "scan_id": 7,
        "plan_name": "count",
        "detectors": ["pydet"],
        "note": "sent from Python",
        "num_points": points,
    }
    yield "descriptor", {
        "uid": descriptor,
        "run_start": run,
        "time": now + 0.1,
        "name": "primary",
        "data_keys": {"pydet": {"source": "py", "dtype": "number", "shape": []}},
        "configuration": {},
        "hints": {"pydet": {"fields": ["pydet"]}},
        "object_keys": {"pydet": ["pydet"]},
    }
    for i in range(points):
        yield "event", {
            "uid": str(uuid.uuid4()),
            "descriptor": descriptor,
            "time": now + 1 + i,
            "seq_num": i + 1,
            "data": {"pydet": 0.5 * i},
            "timestamps": {"pydet": now + 1 + i},
            "filled": {},
        }
    yield "stop", {
        "uid": str(uuid.uuid4()),
        "run_start": run,
        "time": now + 2 + points,
        "exit_status": "success",
        "reason": "",
        "num_events": {"primary": points},
    }


def publish(address, serializer_name, prefix, points):
    if serializer_name == "json":
        serializer = lambda doc: json.dumps(doc).encode()
    else:
        serializer = msgpack.packb
    context = zmq.Context()
    # An XPUB is a PUB that also hears subscriptions: wait for the proxy's before sending.
    socket = context.socket(zmq.XPUB)
    socket.connect("tcp://" + address)
    socket.recv()
    # What bluesky's dispatcher would drop: a frame with too few spaces, then one that
    # does not deserialize.
    socket.send(prefix + b"garbage")
    socket.send(prefix + b" start " + b"\xc1")
    for name, doc in documents(points):
        socket.send(prefix + b" " + name.encode("utf-8") + b" " + serializer(doc))
        print(json.dumps([name, doc]), flush=True)
    socket.close(linger=5000)
    context.term()


if __name__ == "__main__":
    mode, address = sys.argv[1], sys.argv[2]
    if mode == "subscribe":
        subscribe(address, sys.argv[3].encode() if len(sys.argv) > 3 else b"")
    else:
        publish(address, sys.argv[3], sys.argv[4].encode(), int(sys.argv[5]))
