// The temperature of an input: KRDG? and RDGST? asked on one line, so each reading carries
// its own status as alarm severity (a 336 sends +0.0000 for a sensor it cannot read).
import type { Clock, Reading } from "../../src/core/index.js";
import { datatype } from "../../src/core/index.js";
import { QuerySignalBackend } from "../../src/transports/index.js";
import type { LakeShore336Exchanges } from "./lakeshore-336-exchanges.js";
import type { Input } from "./protocol.js";
import {
  checkedRequest,
  commands,
  parseKelvin,
  parseReadingStatus,
  readingSeverity,
} from "./protocol.js";

export class KelvinBackend extends QuerySignalBackend<number> {
  private readonly exchanges: LakeShore336Exchanges;
  private readonly input: Input;
  private readonly live: () => boolean;

  constructor(exchanges: LakeShore336Exchanges, input: Input, clock: Clock, live: () => boolean) {
    super(datatype.float, {
      clock,
      live,
      units: "K",
      precision: 3,
      initial: Number.NaN,
      source: `lakeshore336://${exchanges.port}/KRDG/${input}`,
    });
    this.exchanges = exchanges;
    this.input = input;
    this.live = live;
  }

  override async getReading(): Promise<Reading<number>> {
    if (this.live()) {
      const parts = [commands.kelvin(this.input), commands.readingStatus(this.input)];
      const [kelvin, status] = await this.exchanges.request(parts);
      const command = checkedRequest(parts);
      const value = this.exchanges.parse(() => parseKelvin(kelvin!, command));
      const bits = this.exchanges.parse(() => parseReadingStatus(status!, command));
      this.update(value, readingSeverity(bits));
    }
    return super.getReading();
  }
}
