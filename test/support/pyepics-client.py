"""A pyepics (EPICS base's libca) client driven by JSON lines on stdin.

Each request is one JSON object with an "id" and an "op"; each answer is one JSON line
with the same "id" and either "result" or "error". Monitors also print lines with
"event": "monitor". Runs under Debian's /usr/bin/python3 with python3-pyepics.
"""
import json
import sys
import threading
import time

import epics
import epics.ca as ca
import numpy

out_lock = threading.Lock()


def finite(value):
    """NaN and infinities as strings: JSON has no words for them."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    if isinstance(value, dict):
        return {key: finite(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def emit(message):
    with out_lock:
        text = json.dumps(finite(json.loads(json.dumps(message, default=plain))))
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


def plain(value):
    if isinstance(value, numpy.ndarray):
        return value.tolist()
    if isinstance(value, numpy.generic):
        return value.item()
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def array_summary(value):
    """A long array as its length and a few numbers, so the answer stays small."""
    array = numpy.asarray(value)
    if array.ndim == 0 or array.size <= 16:
        return value
    return {"length": int(array.size), "first": array[0].item(), "last": array[-1].item(),
            "sum": float(array.sum())}


channels = {}
monitors = {}


def channel(pv, timeout=5.0):
    chid = channels.get(pv)
    if chid is None:
        chid = ca.create_channel(pv, connect=False)
        channels[pv] = chid
    if not ca.connect_channel(chid, timeout=timeout):
        raise RuntimeError("could not connect to %s" % pv)
    return chid


def op_caget(req):
    value = epics.caget(req["pv"], as_string=req.get("as_string", False),
                        count=req.get("count"), timeout=req.get("timeout", 5.0))
    if value is None:
        raise RuntimeError("caget %s returned None" % req["pv"])
    return array_summary(value)


def op_metadata(req):
    """The value with the TIME or CTRL metadata, as ca.get_with_metadata gives them."""
    chid = channel(req["pv"], req.get("timeout", 5.0))
    form = req.get("form", "time")
    if form == "string":
        # DBR_TIME_STRING: the server converts, as caget -d DBR_TIME_STRING shows it.
        ftype = ca.dbr.TIME_STRING
    else:
        ftype = ca.promote_type(chid, use_time=form == "time", use_ctrl=form == "ctrl")
    data = ca.get_with_metadata(chid, ftype=ftype, count=req.get("count"),
                                timeout=req.get("timeout", 5.0),
                                as_string=req.get("as_string", False))
    if data is None:
        raise RuntimeError("get_with_metadata %s returned None" % req["pv"])
    data = dict(data)
    data["value"] = array_summary(data["value"])
    data["field_type"] = ca.field_type(chid)
    data["element_count"] = ca.element_count(chid)
    return data


def op_caput(req):
    started = time.monotonic()
    status = epics.caput(req["pv"], req["value"], wait=req.get("wait", False),
                         timeout=req.get("timeout", 30.0))
    if status is None or status < 0:
        raise RuntimeError("caput %s failed (%s)" % (req["pv"], status))
    return {"status": status, "elapsed": time.monotonic() - started}


def op_camonitor(req):
    key = req["monitor"]

    def callback(pvname=None, value=None, status=None, severity=None, timestamp=None,
                 char_value=None, **kws):
        emit({"event": "monitor", "monitor": key, "pv": pvname, "value": array_summary(value),
              "char_value": char_value, "status": status, "severity": severity,
              "timestamp": timestamp})

    epics.camonitor(req["pv"], callback=callback)
    monitors[key] = req["pv"]
    return True


def op_camonitor_clear(req):
    epics.camonitor_clear(monitors.pop(req["monitor"]))
    return True


def op_bench(req):
    """Times n requests of one kind on one channel: get, get_array, put, put_wait."""
    chid = channel(req["pv"], req.get("timeout", 5.0))
    n = int(req["n"])
    kind = req["kind"]
    value = req.get("value", 1.0)
    started = time.perf_counter()
    if kind == "get":
        for _ in range(n):
            ca.get(chid)
    elif kind == "get_array":
        for _ in range(n):
            ca.get(chid, as_numpy=True)
    elif kind == "put":
        for i in range(n):
            ca.put(chid, value + i)
        ca.pend_io(10.0)
        ca.get(chid)  # one round trip: every put before it has reached the server
    elif kind == "put_wait":
        for i in range(n):
            ca.put(chid, value + i, wait=True)
    else:
        raise ValueError("unknown bench kind %s" % kind)
    return {"n": n, "seconds": time.perf_counter() - started}


def op_count_updates(req):
    """Counts monitor updates until `last` arrives (or the timeout), and times them."""
    chid = channel(req["pv"], req.get("timeout", 5.0))
    last = req["last"]
    first = req.get("first", float("-inf"))
    seen = []
    times = []
    done = threading.Event()

    def callback(value=None, **kws):
        if value < first:
            return  # the value before the writes began
        times.append(time.perf_counter())
        seen.append(value)
        if value == last:
            done.set()

    _, _, event = ca.create_subscription(chid, callback=callback)
    emit({"ready": req["id"]})
    done.wait(req.get("timeout", 30.0))
    ca.clear_subscription(event)
    return {"n": len(seen), "values": seen if req.get("values") else None,
            "complete": done.is_set(),
            "seconds": times[-1] - times[0] if len(times) > 1 else 0.0}


def op_count_many(req):
    """Monitors every PV of `pvs`, then counts the updates that arrive in `seconds`."""
    counts = {"n": 0}
    lock = threading.Lock()
    counting = threading.Event()

    def callback(**kws):
        if counting.is_set():
            with lock:
                counts["n"] += 1

    chids = [channel(pv, req.get("timeout", 10.0)) for pv in req["pvs"]]
    events = [ca.create_subscription(chid, callback=callback)[2] for chid in chids]
    time.sleep(req.get("settle", 1.0))
    counting.set()
    emit({"ready": req["id"]})
    started = time.perf_counter()
    time.sleep(req["seconds"])
    counting.clear()
    elapsed = time.perf_counter() - started
    for event in events:
        ca.clear_subscription(event)
    return {"n": counts["n"], "seconds": elapsed}


OPS = {name[3:]: fn for name, fn in globals().items() if name.startswith("op_")}


def serve(line):
    ca.use_initial_context()  # libca calls from this thread join the main context
    req = json.loads(line)
    try:
        emit({"id": req["id"], "result": OPS[req["op"]](req)})
    except Exception as error:  # every failure is an answer, never a dead process
        emit({"id": req["id"], "error": "%s: %s" % (type(error).__name__, error)})


def main():
    emit({"ready": True, "pyepics": epics.__version__, "libca": ca.find_libca()})
    for line in sys.stdin:
        if line.strip():
            threading.Thread(target=serve, args=(line,), daemon=True).start()


if __name__ == "__main__":
    main()
