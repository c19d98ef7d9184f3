// `hil sockets`: serves a config's `sockets:` section, PyExpLabSys's UDP data sockets fed
// from its devices, until Ctrl-C or SIGTERM.
import { z } from "zod";
import { buildDevices, loadConfig } from "../config/index.js";
import { realClock } from "../core/index.js";
import { DataSockets, pyRepr } from "../server/index.js";
import { UsageError } from "./usage-error.js";
import { untilSignal } from "./until-signal.js";

const optionsSchema = z.object({
  config: z.string(),
  profile: z.string().optional(),
});

export type SocketsCommandOptions = z.input<typeof optionsSchema>;

const kinds = {
  date: "DateDataPullSocket",
  data: "DataPullSocket",
  push: "DataPushSocket",
  live: "LiveSocket",
} as const;

export async function socketsCommand(raw: SocketsCommandOptions): Promise<number> {
  const options = optionsSchema.parse(raw);
  const config = await loadConfig(options.config, { profile: options.profile });
  if (!config.sockets || config.sockets.length === 0) {
    throw new UsageError(`hil sockets: ${config.file} has no sockets: section to serve`);
  }
  const beamline = await buildDevices(config, { clock: realClock, seed: 0 });
  let sockets: DataSockets;
  try {
    sockets = await DataSockets.serve(beamline, config.sockets, {
      onError: (error) => console.error(`hil sockets: ${error.message}`),
      onPush: (socket, data) => console.log(`hil sockets: ${socket.key} received ${pyRepr(data)}`),
    });
  } catch (error) {
    await beamline.close();
    throw error;
  }
  for (const { config: socket, host, port } of sockets.sockets) {
    const sends = socket.liveServer
      ? `, sending to ${socket.liveServer.host}:${socket.liveServer.port}`
      : "";
    console.log(
      `hil sockets: ${socket.key}: ${kinds[socket.type]} "${socket.name}" on ${host}:${port}${sends}`,
    );
  }
  console.log(`hil sockets: serving ${sockets.sockets.length} sockets; Ctrl-C stops it`);
  await untilSignal();
  await sockets.close();
  await beamline.close();
  return 0;
}
