// What --zmq and --kafka ask of `hil run` and `hil serve`, checked before any device connects.
import { z } from "zod";
import type { OutletsConfig } from "../callbacks/index.js";
import { kafkaTopic, parseZmqAddress } from "../callbacks/index.js";
import type { OutletOptions } from "./outlet-flags.js";
import { UsageError } from "./usage-error.js";

const brokerList = z.string().regex(/^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/);

/** What the options ask for; `metadata` is the config's, whose beamline_id names the topic. */
export function outletsFromOptions(
  options: OutletOptions,
  metadata: Readonly<Record<string, unknown>>,
): OutletsConfig {
  const config: OutletsConfig = {};
  if (options.zmq === undefined && options.zmqSerializer !== undefined) {
    throw new UsageError("--zmq-serializer needs --zmq HOST:PORT");
  }
  if (options.zmq !== undefined) {
    const serializer = options.zmqSerializer ?? "msgpack";
    if (serializer !== "msgpack" && serializer !== "json") {
      throw new UsageError(`--zmq-serializer ${serializer}: expected "msgpack" or "json"`);
    }
    parseZmqAddress(options.zmq);
    config.zmq = { address: options.zmq, serializer };
  }
  if (options.kafka === undefined && options.kafkaTopic !== undefined) {
    throw new UsageError("--kafka-topic needs --kafka HOST:PORT[,...]");
  }
  if (options.kafka !== undefined) {
    if (!brokerList.safeParse(options.kafka).success) {
      throw new UsageError(`--kafka ${options.kafka}: expected HOST:PORT[,HOST:PORT...]`);
    }
    config.kafka = { brokers: options.kafka, topic: options.kafkaTopic ?? topicOf(metadata) };
  }
  return config;
}

function topicOf(metadata: Readonly<Record<string, unknown>>): string {
  const beamline = metadata.beamline_id;
  if (typeof beamline !== "string" || beamline === "") {
    throw new UsageError(
      "--kafka needs --kafka-topic TOPIC, or beamline_id in the config's metadata (topic <beamline_id>.bluesky.runengine.documents)",
    );
  }
  return kafkaTopic(beamline);
}
