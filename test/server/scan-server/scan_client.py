#!/usr/bin/python3
"""A Scan Server client with only the standard library, calling the server the way the
Python scan client (PyScanClient's ScanClient) does: XML over HTTP, the same paths, headers
and reply parsing. Run as `scan_client.py PORT`, it acts out one session against the server
and prints a JSON summary on its last line. When the scan waits at its gate it prints GATE
and reads one line from stdin before it waits for the end. `scan_client.py PORT timed` acts
out a session with no gate, for a server whose devices the caller cannot reach: the loop's
delays leave it time to patch, pause and resume while the scan runs.
"""

import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET


class ScanServerError(Exception):
    def __init__(self, url, code, body):
        super().__init__(
            "Scan server at %s returned error code %d\nServer error message:\n%s\n%s\n%s"
            % (url, code, "-" * 80, body, "-" * 80)
        )
        self.code = code
        self.body = body


class ScanInfo:
    def __init__(self, xml):
        self.id = int(xml.find("id").text)
        self.name = xml.find("name").text or ""
        self.created = int(xml.find("created").text)
        self.state = xml.find("state").text
        self.runtime = int(xml.find("runtime").text)
        self.address = int(xml.find("address").text)
        self.command = xml.find("command").text or ""
        self.finish = int(xml.findtext("finish", "0"))
        self.total_work_units = int(xml.findtext("total_work_units", "0"))
        self.performed_work_units = int(xml.findtext("performed_work_units", "0"))

    def percentage(self):
        if self.total_work_units <= 0:
            return 0
        return self.performed_work_units * 100 // self.total_work_units

    def isDone(self):
        return self.state not in ("Idle", "Running", "Paused")

    def __str__(self):
        text = "'%s' [%d]: %s" % (self.name, self.id, self.state)
        if self.state == "Running":
            text += ", %d %%" % self.percentage()
        return text


class ScanClient:
    def __init__(self, host="localhost", port=4810):
        self.base = "http://%s:%d" % (host, port)

    def _request(self, method, path, body=None, timeout=None):
        url = self.base + path
        headers = {}
        data = None
        if method in ("POST", "PUT"):
            headers["content-type"] = "text/xml"
            data = body if body is not None else b""
            if isinstance(data, str):
                data = data.encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                return reply.status, reply.headers.get("content-type"), reply.read()
        except urllib.error.HTTPError as error:
            raise ScanServerError(url, error.code, error.read()) from None

    def serverInfo(self):
        return self._request("GET", "/server/info")[2].decode()

    def simulate(self, cmds):
        xml = ET.fromstring(self._request("POST", "/simulate", cmds)[2])
        if xml.tag != "simulation":
            raise Exception("Expected scan <simulation>, got <%s>" % xml.tag)
        return {
            "simulation": xml.find("log").text,
            "seconds": float(xml.find("seconds").text),
        }

    def submit(self, cmds, name="UnNamed", queue=True):
        path = "/scan/" + urllib.parse.quote(name, "")
        if not queue:
            path += "?queue=false"
        xml = ET.fromstring(self._request("POST", path, cmds)[2])
        if xml.tag != "id":
            raise Exception("Expected scan <id>, got <%s>" % xml.tag)
        return int(xml.text)

    def scanInfos(self):
        xml = ET.fromstring(self._request("GET", "/scans", timeout=20)[2])
        return [ScanInfo(scan) for scan in xml.iter("scan")]

    def scanInfo(self, scan_id):
        return ScanInfo(ET.fromstring(self._request("GET", "/scan/%d" % scan_id, timeout=10)[2]))

    def scanCmds(self, scan_id):
        return self._request("GET", "/scan/%d/commands" % scan_id)[2].decode()

    def lastSerial(self, scan_id):
        return int(ET.fromstring(self._request("GET", "/scan/%d/last_serial" % scan_id)[2]).text)

    def scanDevices(self, scan_id=-1):
        return self._request("GET", "/scan/%d/devices" % scan_id)[2].decode()

    def pause(self, scan_id=-1):
        self._request("PUT", "/scan/%d/pause" % scan_id)

    def resume(self, scan_id=-1):
        self._request("PUT", "/scan/%d/resume" % scan_id)

    def abort(self, scan_id=-1):
        self._request("PUT", "/scan/%d/abort" % scan_id)

    def delete(self, scan_id):
        self._request("DELETE", "/scan/%d" % scan_id)

    def clear(self):
        self._request("DELETE", "/scans/completed")

    def patch(self, scan_id, address, prop, value):
        body = "<patch><address>%d</address><property>%s</property><value>%s</value></patch>" % (
            address,
            prop,
            str(value),
        )
        self._request("PUT", "/scan/%d/patch" % scan_id, body)

    def getData(self, scan_id):
        xml = ET.fromstring(self._request("GET", "/scan/%d/data" % scan_id)[2])
        if xml.tag != "data":
            raise Exception("Expected <data>, but got <%s>" % xml.tag)
        result = {}
        for device in xml.findall("device"):
            ids, times, values = [], [], []
            for sample in device.find("samples").findall("sample"):
                ids.append(int(sample.get("id")))
                times.append(int(sample.find("time").text))
                text = sample.find("value").text
                try:
                    values.append(float(text))
                except ValueError:
                    values.append(text)
            result[device.find("name").text] = {"id": ids, "time": times, "value": values}
        return result

    def waitUntilDone(self, scan_id, poll=1.0):
        while True:
            try:
                info = self.scanInfo(scan_id)
            except ScanServerError:
                time.sleep(poll)
                continue
            if info.state in ("Aborted", "Failed"):
                raise Exception(str(info))
            if info.isDone():
                return info
            time.sleep(poll)


def element(parent, tag, text=None):
    child = ET.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


def scan_commands():
    """Comment, Set m2 0, Wait m2 >= 0.5 (the gate), Loop m1 -1..1 step 0.5 { Log det, m1 },
    Delay 1, as CommandSequence.genSCN() writes them."""
    root = ET.Element("commands")
    comment = element(root, "comment")
    element(comment, "text", "Loop over m1")
    set_m2 = element(root, "set")
    element(set_m2, "device", "m2")
    element(set_m2, "value", "0")
    element(set_m2, "completion", "true")
    element(set_m2, "wait", "false")
    wait = element(root, "wait")
    element(wait, "device", "m2")
    element(wait, "value", "0.5")
    element(wait, "comparison", "AT_LEAST")
    loop = element(root, "loop")
    element(loop, "device", "m1")
    element(loop, "start", "-1")
    element(loop, "end", "1")
    element(loop, "step", "0.5")
    element(loop, "completion", "true")
    element(loop, "wait", "false")
    body = element(loop, "body")
    log = element(body, "log")
    devices = element(log, "devices")
    element(devices, "device", "det")
    element(devices, "device", "m1")
    delay = element(root, "delay")
    element(delay, "seconds", "1")
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="us-ascii", xml_declaration=False) + b"\n"


def timed_commands():
    """Comment, Set m2 0, Loop m1 -1..1 step 1 { Delay 0.5, Log det, m1 }, Set m2 0, Log m2."""
    root = ET.Element("commands")
    comment = element(root, "comment")
    element(comment, "text", "Timed loop")
    set_m2 = element(root, "set")
    element(set_m2, "device", "m2")
    element(set_m2, "value", "0")
    element(set_m2, "completion", "true")
    element(set_m2, "wait", "false")
    loop = element(root, "loop")
    element(loop, "device", "m1")
    element(loop, "start", "-1")
    element(loop, "end", "1")
    element(loop, "step", "1")
    element(loop, "completion", "true")
    element(loop, "wait", "false")
    body = element(loop, "body")
    delay = element(body, "delay")
    element(delay, "seconds", "0.5")
    log = element(body, "log")
    devices = element(log, "devices")
    element(devices, "device", "det")
    element(devices, "device", "m1")
    last = element(root, "set")
    element(last, "device", "m2")
    element(last, "value", "0")
    element(last, "completion", "true")
    element(last, "wait", "false")
    log_m2 = element(root, "log")
    element(element(log_m2, "devices"), "device", "m2")
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="us-ascii", xml_declaration=False) + b"\n"


def timed_session(client):
    summary = {}
    summary["server_version"] = ET.fromstring(client.serverInfo()).findtext("version")
    cmds = timed_commands()
    summary["simulation"] = client.simulate(cmds)
    scan_id = client.submit(cmds, "Timed loop")
    summary["id"] = scan_id
    in_loop = until(client, scan_id, lambda info: info.address >= 3 or info.isDone())
    summary["in_loop"] = {"state": in_loop.state, "address": in_loop.address}
    try:
        client.patch(scan_id, 1, "value", 3)
        summary["patch_done_address"] = {"refused": False}
    except ScanServerError as error:
        summary["patch_done_address"] = {"refused": True, "code": error.code, "body": error.body.decode()}
    client.patch(scan_id, 5, "value", 0.25)
    client.pause(scan_id)
    summary["paused_state"] = client.scanInfo(scan_id).state
    client.resume(scan_id)
    summary["resumed_state"] = client.scanInfo(scan_id).state
    done = client.waitUntilDone(scan_id, poll=0.05)
    summary["done"] = {"state": done.state, "percentage": done.percentage(), "command": done.command}
    summary["data"] = client.getData(scan_id)
    summary["last_serial"] = client.lastSerial(scan_id)
    summary["commands"] = client.scanCmds(scan_id)
    summary["devices"] = client.scanDevices(scan_id)
    summary["beamline_devices"] = client.scanDevices()
    summary["infos"] = [str(info) for info in client.scanInfos()]
    return summary


def until(client, scan_id, test):
    """Polls the scan's info until `test` holds; gives up after 30 s."""
    end = time.monotonic() + 30
    while True:
        info = client.scanInfo(scan_id)
        if test(info):
            return info
        if time.monotonic() > end:
            raise Exception("gave up waiting: %s" % info)
        time.sleep(0.02)


def main():
    port = int(sys.argv[1])
    client = ScanClient("127.0.0.1", port)
    if sys.argv[2:] == ["timed"]:
        print(json.dumps(timed_session(client)), flush=True)
        return
    summary = {}

    server = ET.fromstring(client.serverInfo())
    summary["server_root"] = server.tag
    summary["server_version"] = server.findtext("version")

    cmds = scan_commands()
    simulation = client.simulate(cmds)
    summary["simulation"] = simulation

    scan_id = client.submit(cmds, "Loop over m1")
    summary["id"] = scan_id

    gate = until(client, scan_id, lambda info: info.address == 2)
    summary["at_gate"] = {"state": gate.state, "command": gate.command, "str": str(gate)}

    try:
        client.patch(scan_id, 1, "value", 3)
        summary["patch_done_address"] = {"refused": False}
    except ScanServerError as error:
        summary["patch_done_address"] = {"refused": True, "code": error.code, "body": error.body.decode()}
    client.patch(scan_id, 5, "seconds", 2)

    client.pause(scan_id)
    paused = client.scanInfo(scan_id)
    _, content_type, paused_xml = client._request("GET", "/scan/%d" % scan_id)
    summary["paused"] = {"state": paused.state, "xml": paused_xml.decode(), "content_type": content_type}
    client.resume(scan_id)
    summary["resumed_state"] = client.scanInfo(scan_id).state

    print("GATE", flush=True)
    sys.stdin.readline()

    done = client.waitUntilDone(scan_id, poll=0.05)
    summary["done"] = {
        "state": done.state,
        "percentage": done.percentage(),
        "address": done.address,
        "command": done.command,
        "str": str(done),
    }
    summary["data"] = client.getData(scan_id)
    summary["data_xml"] = client._request("GET", "/scan/%d/data" % scan_id)[2].decode()
    summary["last_serial"] = client.lastSerial(scan_id)
    summary["commands"] = client.scanCmds(scan_id)
    summary["devices_root"] = ET.fromstring(client.scanDevices()).tag
    summary["infos"] = [str(info) for info in client.scanInfos()]
    try:
        client.scanInfo(999)
        summary["unknown"] = None
    except ScanServerError as error:
        summary["unknown"] = {"code": error.code, "body": error.body.decode()}
    client.clear()
    summary["after_clear"] = [str(info) for info in client.scanInfos()]
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
