// One CA client for the devices of a beamline that reach IOCs: each device takes a lease
// when it is built and gives it back when it disconnects; the last one back closes the
// client's sockets, so a process whose devices are all closed can end.
import { CaClient, type CaClientOptions } from "../client/index.js";

export class SharedCaClient {
  #client: CaClient | undefined;
  #leases = 0;

  constructor(private readonly options: CaClientOptions = {}) {}

  /** The client, made on the first lease. */
  lease(): CaClient {
    this.#leases += 1;
    this.#client ??= new CaClient(this.options);
    return this.#client;
  }

  /** Gives a lease back; the last one closes the client. */
  async release(): Promise<void> {
    this.#leases = Math.max(0, this.#leases - 1);
    if (this.#leases > 0 || !this.#client) return;
    const client = this.#client;
    this.#client = undefined;
    await client.close();
  }
}
