// The command-line flags that send documents out of `hil run` and `hil serve`; kept apart
// from their checks so the program's option table loads no transport.
import type { Command } from "commander";

export interface OutletOptions {
  /** A 0MQ proxy's in-port, HOST:PORT. */
  zmq?: string;
  /** "msgpack" (default) or "json". */
  zmqSerializer?: string;
  /** Kafka bootstrap servers, HOST:PORT[,HOST:PORT...]. */
  kafka?: string;
  /** Default `<beamline_id>.bluesky.runengine.documents`. */
  kafkaTopic?: string;
}

/** Adds --zmq, --zmq-serializer, --kafka and --kafka-topic to a command. */
export function addOutletOptions(command: Command): Command {
  return command
    .option("--zmq <host:port>", "also publish the documents to a 0MQ proxy's in-port (lossy)")
    .option("--zmq-serializer <format>", '"msgpack" (default) or "json" for --zmq')
    .option(
      "--kafka <brokers>",
      "also publish the documents to Kafka, HOST:PORT[,...] (lossless: spooled while away)",
    )
    .option("--kafka-topic <topic>", "default <beamline_id>.bluesky.runengine.documents");
}
