/**
 * The Scan Server's REST paths as one function from a request to a reply, with no sockets:
 * `/server/info`, `/scans`, `/scan/{name}` (submit), `/scan/{id}[/object]`,
 * `PUT /scan/{id}/{command}`, `DELETE /scan/{id}`, `/simulate`. Status codes and error
 * bodies are the server's: a Jetty error page for a refused request, `<error>` for a
 * failed submit or simulation.
 */
import { parseJavaLong } from "./java-text.ts";
import {
  dataXml,
  devicesXml,
  lastSerialXml,
  scanIdXml,
  scanInfoXml,
  scansXml,
  serverInfoXml,
  simulationXml,
  submitErrorXml,
} from "./replies.ts";
import type { ScanService } from "./scan-service.ts";
import { writeCommandsXml } from "./write-commands.ts";

export interface ScanHttpRequest {
  readonly method: string;
  /** The path with its query, as sent (still percent-encoded). */
  readonly url: string;
  /** The Content-Type header, if any. */
  readonly contentType?: string;
  readonly body: string;
  /** The client's address: a scan submitted without a name is named after it. */
  readonly remote?: string;
}

export interface ScanHttpReply {
  readonly status: number;
  /** Absent for an empty reply. */
  readonly contentType?: string;
  readonly body: string;
}

export const XML_TYPE = "text/xml";
const HTML_TYPE = "text/html;charset=iso-8859-1";

/** A refused request: Jetty's error page carrying the message. */
export class ScanHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ScanHttpError";
  }
}

const ok = (): ScanHttpReply => ({ status: 200, body: "" });
const xml = (body: string): ScanHttpReply => ({ status: 200, contentType: XML_TYPE, body });

/** Jetty's error page for `sendError(status, message)`. */
export function errorPage(status: number, message: string, path: string): string {
  const m = escapeHtml(message);
  return (
    `<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>\n` +
    `<title>Error ${status} ${m}</title>\n</head>\n<body>\n<h2>HTTP ERROR ${status} ${m}</h2>\n` +
    `<table>\n<tr><th>URI:</th><td>${escapeHtml(path)}</td></tr>\n` +
    `<tr><th>STATUS:</th><td>${status}</td></tr>\n` +
    `<tr><th>MESSAGE:</th><td>${m}</td></tr>\n</table>\n\n</body>\n</html>\n`
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export async function handleScanRequest(
  service: ScanService,
  request: ScanHttpRequest,
): Promise<ScanHttpReply> {
  const at = request.url.indexOf("?");
  const path = at < 0 ? request.url : request.url.slice(0, at);
  const query = new URLSearchParams(at < 0 ? "" : request.url.slice(at + 1));
  try {
    return await route(service, request, path, query);
  } catch (error) {
    if (error instanceof ScanHttpError) {
      return {
        status: error.status,
        contentType: HTML_TYPE,
        body: errorPage(error.status, error.message, path),
      };
    }
    throw error;
  }
}

/** The part of `path` after `prefix`, or undefined when `path` is not under it. */
function under(path: string, prefix: string): string | undefined {
  if (path === prefix) return "";
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : undefined;
}

async function route(
  service: ScanService,
  request: ScanHttpRequest,
  path: string,
  query: URLSearchParams,
): Promise<ScanHttpReply> {
  const { method } = request;
  let rest: string | undefined;
  if ((rest = under(path, "/server")) !== undefined) {
    if (method !== "GET") throw notSupported(method);
    if (rest === "/info") return xml(serverInfoXml(service.serverInfo()));
    throw new ScanHttpError(400, `Invalid request ${path}`);
  }
  if ((rest = under(path, "/scans")) !== undefined) {
    if (method === "GET") return xml(scansXml(service.infos()));
    if (method === "DELETE") {
      if (rest !== "/completed") throw new ScanHttpError(400, `Illegal path '${path}'`);
      service.clearCompleted();
      return ok();
    }
    throw notSupported(method);
  }
  if (under(path, "/simulate") !== undefined) {
    if (method !== "POST") throw notSupported(method);
    const body = xmlBody(request);
    try {
      const simulation = await service.simulate(body);
      return xml(simulationXml(simulation.log, simulation.seconds));
    } catch (error) {
      return submitError("Failed to simulate", error);
    }
  }
  if ((rest = under(path, "/scan")) !== undefined) {
    switch (method) {
      case "POST":
        return submit(service, request, rest, query);
      case "GET":
        return getScan(service, rest);
      case "PUT":
        return putScan(service, request, rest);
      case "DELETE":
        return deleteScan(service, rest);
      default:
        throw notSupported(method);
    }
  }
  throw new ScanHttpError(404, "Not Found");
}

function notSupported(method: string): ScanHttpError {
  return new ScanHttpError(405, `HTTP method ${method} is not supported by this URL`);
}

function xmlBody(request: ScanHttpRequest): string {
  if (request.contentType === undefined) {
    throw new ScanHttpError(500, "Expecting XML content with scan, got no content type");
  }
  if (!request.contentType.includes("/xml")) {
    throw new ScanHttpError(
      400,
      `Expecting XML content with scan, got format '${request.contentType}'`,
    );
  }
  return request.body;
}

function submitError(message: string, error: unknown): ScanHttpReply {
  const trace =
    error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return { status: 400, contentType: XML_TYPE, body: submitErrorXml(message, trace) };
}

/** `yyyy-MM-dd HH:mm:ss` in local time, as epoch ms. */
function parseDeadline(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return new Date(y!, mo! - 1, d!, h!, mi!, s!).getTime();
}

async function submit(
  service: ScanService,
  request: ScanHttpRequest,
  rest: string,
  query: URLSearchParams,
): Promise<ScanHttpReply> {
  const body = xmlBody(request);
  const name =
    rest.length > 1 ? decodeURIComponent(rest.slice(1)) : `Scan from ${request.remote ?? ""}`;
  try {
    const queue = (query.get("queue") ?? "").toLowerCase() !== "false";
    const timeoutText = query.get("timeout");
    const deadlineText = query.get("deadline");
    let timeout = 0;
    if (timeoutText !== null) {
      const parsed = parseJavaLong(timeoutText);
      if (parsed === undefined || parsed < 0) throw new Error(`Invalid timeout '${timeoutText}'`);
      timeout = parsed;
    }
    let deadline: number | undefined;
    if (deadlineText !== null && deadlineText !== "0000-00-00 00:00:00") {
      deadline = parseDeadline(deadlineText);
      if (deadline === undefined) throw new Error(`Invalid deadline '${deadlineText}'`);
    }
    if (timeout > 0 && deadline !== undefined) {
      throw new Error("Cannot specify both timeout and deadline");
    }
    return xml(
      scanIdXml(
        await service.submit(body, name, {
          queue,
          timeout,
          ...(deadline === undefined ? {} : { deadline }),
        }),
      ),
    );
  } catch (error) {
    return submitError(`${name} failed to submit`, error);
  }
}

/** The path elements after /scan: `/7/data` → ["7", "data"]. */
function elements(rest: string): string[] {
  return rest.split("/").filter((part) => part !== "");
}

function scanId(text: string): number {
  const id = parseJavaLong(text);
  if (id === undefined) throw new ScanHttpError(400, `Cannot parse path element '${text}'`);
  return id;
}

/** A service call whose refusal becomes `status` with the service's message. */
function asked<T>(status: number, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new ScanHttpError(status, error instanceof Error ? error.message : String(error));
  }
}

async function getScan(service: ScanService, rest: string): Promise<ScanHttpReply> {
  const parts = elements(rest);
  if (parts.length === 0) throw new ScanHttpError(400, "Missing scan ID");
  const id = scanId(parts[0]!);
  const object = parts.slice(1).join("/");
  if (object === "devices") {
    if (id !== -1) asked(500, () => service.info(id));
    return xml(devicesXml(await service.deviceInfos(id)));
  }
  const info = asked(500, () => service.info(id));
  switch (object) {
    case "":
      return xml(scanInfoXml(info));
    case "commands":
      return xml(writeCommandsXml(service.commands(id)));
    case "data":
      return xml(dataXml(service.data(id)));
    case "last_serial":
      return xml(lastSerialXml(service.lastSerial(id)));
    default:
      throw new ScanHttpError(500, `Unknown request object ${object}`);
  }
}

async function putScan(
  service: ScanService,
  request: ScanHttpRequest,
  rest: string,
): Promise<ScanHttpReply> {
  const parts = elements(rest);
  if (parts.length < 2) throw new ScanHttpError(400, "Missing scan ID and command");
  const command = parts[1]!;
  if (parts.length > 2 && command !== "move") {
    throw new ScanHttpError(400, `Expecting scan ID and command, got ${rest}`);
  }
  const id = scanId(parts[0]!);
  if (id !== -1) asked(400, () => service.info(id));
  switch (command) {
    case "pause":
      await asyncAsked(() => service.pause(id));
      return ok();
    case "resume":
      await asyncAsked(() => service.resume(id));
      return ok();
    case "abort":
      await asyncAsked(() => service.abort(id));
      return ok();
    case "next":
      asked(400, () => service.next(id));
      return ok();
    case "patch":
      asked(400, () => service.patch(id, request.body));
      return ok();
    case "move": {
      const steps = parts.length === 3 ? parseJavaLong(parts[2]!) : undefined;
      if (steps === undefined) {
        throw new ScanHttpError(400, `Expecting scan ID and command, got ${rest}`);
      }
      asked(400, () => service.move(id, steps));
      return ok();
    }
    default:
      throw new ScanHttpError(400, `Unknown command '${command}'`);
  }
}

async function asyncAsked(call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (error) {
    throw new ScanHttpError(400, error instanceof Error ? error.message : String(error));
  }
}

function deleteScan(service: ScanService, rest: string): ScanHttpReply {
  const parts = elements(rest);
  if (parts.length === 0) throw new ScanHttpError(400, "Missing scan ID");
  const id = scanId(parts[0]!);
  asked(400, () => service.delete(id));
  return ok();
}
