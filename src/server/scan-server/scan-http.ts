/**
 * The Scan Server face on its own port (4810 by default): a Fastify shell that hands each
 * request, its body read as text, to handleScanRequest.
 */
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import { handleScanRequest } from "./scan-routes.ts";
import type { ScanService } from "./scan-service.ts";

/** The Scan Server's port. */
export const SCAN_SERVER_PORT = 4810;

export interface ScanServerOptions {
  readonly service: ScanService;
  /** 127.0.0.1 unless the server is meant to be reached from elsewhere. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
}

export interface RunningScanServer {
  readonly port: number;
  /** Stops listening; the service and its scans are the caller's. */
  close(): Promise<void>;
}

export async function startScanServer(options: ScanServerOptions): Promise<RunningScanServer> {
  const { service, host = "127.0.0.1", port = SCAN_SERVER_PORT } = options;
  const app = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => {
    done(null, body);
  });
  app.all("/*", async (request, reply) => {
    const contentType = request.headers["content-type"];
    const result = await handleScanRequest(service, {
      method: request.method,
      url: request.raw.url ?? request.url,
      ...(contentType === undefined ? {} : { contentType }),
      body: typeof request.body === "string" ? request.body : "",
      remote: request.ip,
    });
    reply.code(result.status);
    if (result.contentType !== undefined) reply.header("content-type", result.contentType);
    return reply.send(result.body);
  });
  await app.listen({ host, port });
  const address = app.server.address() as AddressInfo;
  return {
    port: address.port,
    close: () => app.close(),
  };
}
