/* global document, location, fetch, WebSocket, URL, setTimeout */
// The queue server's page: the RunEngine and manager states, the queue, the history, the
// RunEngine buttons and a live plot of the running scan. Plain browser JavaScript with no
// dependencies; the API key comes from the page's own URL (?api_key=KEY) and stays in memory.

const apiKey = new URL(location.href).searchParams.get("api_key") ?? undefined;

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------
// The API

/** Calls the API; resolves to the reply, or rejects with the server's `msg`. */
async function call(method, path, body) {
  const headers = {};
  if (apiKey !== undefined) headers.authorization = `ApiKey ${apiKey}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const reply = await response.json().catch(() => ({}));
  if (reply.success !== true) {
    throw new Error(reply.msg || `${method} ${path}: ${response.status} ${response.statusText}`);
  }
  return reply;
}

/** A websocket of the API; browsers cannot set headers there, so the key goes in the query. */
function socketUrl(path, query = {}) {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  if (apiKey !== undefined) url.searchParams.set("api_key", apiKey);
  return url.href;
}

/**
 * Follows a websocket's JSON messages, reconnecting after it closes (waiting longer after
 * each failure). `onChange(open)` hears whether it is connected.
 */
function follow(path, query, onMessage, onChange) {
  let delay = 500;
  const connect = () => {
    const socket = new WebSocket(socketUrl(path, query));
    socket.onopen = () => {
      delay = 500;
      onChange(true);
    };
    socket.onmessage = (message) => onMessage(JSON.parse(message.data));
    socket.onclose = () => {
      onChange(false);
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  connect();
}

function showError(error) {
  const message = $("message");
  message.textContent = error instanceof Error ? error.message : String(error);
  message.hidden = false;
}

function clearError() {
  $("message").hidden = true;
}

// ---------------------------------------------------------------------------------------
// Status, queue and history

const seen = { queueUid: undefined, historyUid: undefined, runningUid: undefined };

function showState(id, state) {
  const element = $(id);
  element.textContent = state ?? "—";
  element.dataset.state = state ?? "";
}

function showStatus(status) {
  showState("re-state", status.re_state);
  showState("manager-state", status.manager_state);
  showState("environment-state", status.worker_environment_state);
  const idle = status.manager_state === "idle" && status.worker_environment_state === "idle";
  enable("/api/re/pause", status.re_state === "running");
  enable("/api/re/resume", status.re_state === "paused");
  enable("/api/re/stop", status.re_state === "paused");
  enable("/api/queue/start", idle && status.items_in_queue > 0);
  // The lists are fetched again only when their uid says they changed.
  if (status.plan_queue_uid !== seen.queueUid || status.running_item_uid !== seen.runningUid) {
    seen.queueUid = status.plan_queue_uid;
    seen.runningUid = status.running_item_uid;
    refreshQueue().catch(showError);
  }
  if (status.plan_history_uid !== seen.historyUid) {
    seen.historyUid = status.plan_history_uid;
    refreshHistory().catch(showError);
  }
}

function enable(action, enabled) {
  document.querySelector(`button[data-action="${action}"]`).disabled = !enabled;
}

// While the status pushes arrive they alone tell the status, in order: a reply to a request
// may be older than a push that overtook it.
let statusPushed = false;

async function refreshStatus() {
  const status = await call("GET", "/api/status");
  if (!statusPushed) showStatus(status);
}

/** Wraps a request so that its answer is dropped when that of a later one is shown already. */
function latest(request, show) {
  let asked = 0;
  let shown = 0;
  return async () => {
    const ticket = ++asked;
    const answer = await request();
    if (ticket < shown) return;
    shown = ticket;
    show(answer);
  };
}

/** `name(arg, ..., key=value)`, as the plan would be called in Python. */
function describeItem(item) {
  const args = (item.args ?? []).map((arg) => JSON.stringify(arg));
  const kwargs = Object.entries(item.kwargs ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${item.name}(${[...args, ...kwargs].join(", ")})`;
}

function row(cells, attributes = {}) {
  const tr = document.createElement("tr");
  for (const [name, value] of Object.entries(attributes)) tr.setAttribute(name, value);
  for (const cell of cells) {
    const td = document.createElement("td");
    const { text, className, title, data } = typeof cell === "object" ? cell : { text: cell };
    td.textContent = text;
    if (className) td.className = className;
    if (title) td.title = title;
    for (const [name, value] of Object.entries(data ?? {})) td.dataset[name] = value;
    tr.append(td);
  }
  return tr;
}

/** The row of an empty table. */
function empty(columns, text) {
  const tr = row([text], { class: "empty" });
  tr.cells[0].colSpan = columns;
  return tr;
}

const refreshQueue = latest(() => call("GET", "/api/queue/get"), showQueue);

function showQueue({ items, running_item }) {
  const rows = [];
  if (running_item?.item_uid !== undefined) {
    rows.push(
      row(["▶", describeItem(running_item), running_item.user], {
        class: "running",
        "data-item-uid": running_item.item_uid,
      }),
    );
  }
  items.forEach((item, index) =>
    rows.push(
      row([String(index + 1), describeItem(item), item.user], { "data-item-uid": item.item_uid }),
    ),
  );
  $("queue").tBodies[0].replaceChildren(...(rows.length ? rows : [empty(3, "nothing queued")]));
  $("queue-count").textContent = `(${items.length})`;
}

/** A time of day, with the whole date as the cell's title. */
function time(seconds) {
  const date = new Date(seconds * 1000);
  return seconds
    ? { text: date.toLocaleTimeString(), className: "time", title: date.toLocaleString() }
    : "";
}

const refreshHistory = latest(() => call("GET", "/api/history/get"), showHistory);

function showHistory({ items }) {
  const rows = items
    .slice()
    .reverse()
    .map((item) =>
      row(
        [
          describeItem(item),
          {
            text: item.result.exit_status,
            className: "exit-status",
            data: { exitStatus: item.result.exit_status },
          },
          time(item.result.time_start),
          time(item.result.time_stop),
          item.result.msg,
        ],
        { "data-item-uid": item.item_uid },
      ),
    );
  $("history").tBodies[0].replaceChildren(...(rows.length ? rows : [empty(5, "nothing run yet")]));
  $("history-count").textContent = `(${items.length})`;
}

// ---------------------------------------------------------------------------------------
// The live plot: the hinted motor field against the hinted detector field of the primary
// stream of the run now going, from the event-model documents.

let run;

function onDocument({ name, doc, dropped }) {
  if (name === "start") {
    run = { start: doc, descriptor: undefined, x: undefined, y: undefined, points: [] };
  } else if (run === undefined) {
    return; // a run that began before the page connected
  } else if (name === "descriptor" && doc.run_start === run.start.uid && doc.name === "primary") {
    run.descriptor = doc.uid;
    [run.x, run.y] = plotFields(run.start, doc);
  } else if (name === "event" && doc.descriptor === run.descriptor) {
    addPoint(doc.data, doc.time);
  } else if (name === "event_page" && doc.descriptor === run.descriptor) {
    doc.time.forEach((t, i) =>
      addPoint(Object.fromEntries(Object.entries(doc.data).map(([k, v]) => [k, v[i]])), t),
    );
  } else if (name === "stop" && doc.run_start === run.start.uid) {
    run.exitStatus = doc.exit_status;
  }
  if (dropped !== undefined) run.dropped = dropped;
  drawPlot();
}

/** The x field (the first dimension of the primary stream) and the y field (a hinted detector field). */
function plotFields(start, descriptor) {
  const dimensions = start.hints?.dimensions ?? [];
  const primary = dimensions.find(([, stream]) => stream === "primary");
  const x = primary?.[0]?.[0] ?? start.motors?.[0] ?? "time";
  const hinted = Object.values(descriptor.hints ?? {}).flatMap((hint) => hint.fields ?? []);
  const fields = hinted.length > 0 ? hinted : Object.keys(descriptor.data_keys ?? {});
  const y = fields.find((field) => field !== x && !dimensionFields(dimensions).includes(field));
  return [x, y];
}

function dimensionFields(dimensions) {
  return dimensions.flatMap(([fields]) => fields);
}

function addPoint(data, eventTime) {
  const x = run.x === "time" ? eventTime - (run.t0 ??= eventTime) : data[run.x];
  const y = data[run.y];
  if (typeof x === "number" && typeof y === "number") run.points.push([x, y]);
}

const svgNs = "http://www.w3.org/2000/svg";
const size = { width: 600, height: 300, left: 60, right: 15, top: 30, bottom: 40 };

function svg(name, attributes, text) {
  const element = document.createElementNS(svgNs, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

function range(values) {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? [low - 1, high + 1] : [low, high];
}

function drawPlot() {
  const plot = $("plot");
  const points = run?.points ?? [];
  plot.dataset.points = String(points.length);
  plot.dataset.runUid = run?.start.uid ?? "";
  plot.dataset.xField = run?.x ?? "";
  plot.dataset.yField = run?.y ?? "";
  const scanId = run?.start.scan_id === undefined ? "" : ` #${run.start.scan_id}`;
  const ended = run?.exitStatus ? ` — ${run.exitStatus}` : "";
  const lost = run?.dropped ? ` (${run.dropped} dropped)` : "";
  const plan = run ? `— ${run.start.plan_name ?? "run"}${scanId}${ended}${lost}` : "";
  $("plot-title").textContent = plan;

  const { width, height, left, right, top, bottom } = size;
  const [x0, x1] = range(points.length ? points.map(([x]) => x) : [0]);
  const [y0, y1] = range(points.length ? points.map(([, y]) => y) : [0]);
  const px = (x) => left + ((x - x0) / (x1 - x0)) * (width - left - right);
  const py = (y) => height - bottom - ((y - y0) / (y1 - y0)) * (height - top - bottom);
  const shapes = [
    svg("path", {
      class: "axis",
      d: `M${left},${top} V${height - bottom} H${width - right}`,
    }),
    svg("text", { x: left, y: height - bottom + 16, "text-anchor": "middle" }, fmt(x0)),
    svg("text", { x: width - right, y: height - bottom + 16, "text-anchor": "end" }, fmt(x1)),
    svg("text", { x: left - 6, y: height - bottom, "text-anchor": "end" }, fmt(y0)),
    svg("text", { x: left - 6, y: top + 10, "text-anchor": "end" }, fmt(y1)),
    svg("text", { x: (left + width) / 2, y: height - 8, "text-anchor": "middle" }, run?.x ?? ""),
    svg("text", { x: left, y: top - 14, "text-anchor": "middle" }, run?.y ?? ""),
  ];
  if (run === undefined) {
    const note = "the next scan is plotted here as it runs";
    shapes.push(
      svg("text", { class: "empty", x: width / 2, y: height / 2, "text-anchor": "middle" }, note),
    );
  }
  if (points.length > 0) {
    const line = points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ");
    shapes.push(svg("polyline", { class: "line", points: line }));
    for (const [x, y] of points) {
      const point = { class: "point", cx: px(x), cy: py(y), r: 3.5, "data-x": x, "data-y": y };
      shapes.push(svg("circle", point));
    }
  }
  plot.replaceChildren(...shapes);
}

function fmt(value) {
  return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : "";
}

// ---------------------------------------------------------------------------------------
// Start

function showConnection(name, open) {
  const element = $("connection");
  element.dataset[name] = open ? "open" : "closed";
  const live = element.dataset.status === "open" && element.dataset.documents === "open";
  element.textContent = live ? "live" : "connecting…";
}

for (const button of document.querySelectorAll("button[data-action]")) {
  button.addEventListener("click", async () => {
    const body = button.dataset.body === undefined ? undefined : JSON.parse(button.dataset.body);
    try {
      await call("POST", button.dataset.action, body);
      clearError();
    } catch (error) {
      showError(error);
    }
    refreshStatus().catch(showError);
  });
}

drawPlot();
refreshStatus().catch(showError);
// A status push is `{seq, kind, status}`; a bare `{seq, ...status}` is read as well.
const pushedStatus = (message) => {
  statusPushed = true;
  showStatus(message.status ?? message);
};
follow("/api/status/ws", {}, pushedStatus, (open) => {
  showConnection("status", open);
  // While the pushes are away, read the status once so the page is not stale.
  if (!open) {
    statusPushed = false;
    refreshStatus().catch(showError);
  }
});
follow("/api/documents/ws", { mode: "lossy" }, onDocument, (open) =>
  showConnection("documents", open),
);
