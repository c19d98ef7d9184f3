"""Talks to data sockets as PyExpLabSys's clients and loggers do, with the standard library only.

Usage: pyexplabsys_client.py HOST PULL_PORT PUSH_PORT
Prints one JSON line per exchange: {"port": ..., "request": ..., "reply": ..., "parsed": ...},
where "parsed" is repr() of json.loads(reply) for the replies a Python client decodes as JSON.
"""
import json
import socket
import sys

host, pull_port, push_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(5)


def ask(port, request, decode_json=False):
    sock.sendto(request.encode("ascii"), (host, port))
    reply = sock.recv(1024).decode("ascii")
    line = {"port": "pull" if port == pull_port else "push", "request": request, "reply": reply}
    if decode_json:
        line["parsed"] = repr(json.loads(reply))
    print(json.dumps(line), flush=True)
    return reply


# As DateDataPullClient: name, codenames, then the fields.
name = ask(pull_port, "name")
codenames = json.loads(ask(pull_port, "codenames_json", True))
ask(pull_port, "codenames_raw")
for codename in codenames:
    ask(pull_port, codename + "#json", True)
    ask(pull_port, codename + "#raw")
ask(pull_port, "json_wn", True)
ask(pull_port, "raw_wn")
ask(pull_port, "json", True)
ask(pull_port, "raw")
ask(pull_port, "status", True)
ask(pull_port, "nope#raw")
ask(pull_port, "bad command")

# As a pusher: a dict as JSON, the same as raw_wn, and the errors.
ask(push_port, "name")
ask(push_port, "commands")
ask(push_port, "json_wn#" + json.dumps({"greeting": "Live long and prosper", "number": 47}))
ask(push_port, "json_wn#" + json.dumps({"a": True, "b": None, "c": 1e-5, "d": [1, 2.0], "e": "it's"}))
ask(push_port, "raw_wn#greeting:str:Live long and prosper;numbers:int:47,42")
ask(push_port, "raw_wn#f:float:1,2.5,1e20;b:bool:True;s:str:x")
ask(push_port, "raw_wn#number:88")
ask(push_port, "json_wn#[1,2]")
ask(push_port, "bad bad command")
