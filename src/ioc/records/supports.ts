// The record support of each record type this IOC serves.
import type { RecordSupport } from "./support.js";
import { aiSupport, aoSupport } from "./types/analog.js";
import { aaiSupport, aaoSupport, waveformSupport } from "./types/arrays.js";
import { calcoutSupport, calcSupport } from "./types/calc.js";
import { biSupport, boSupport, mbbiSupport, mbboSupport } from "./types/discrete.js";
import { integerInSupport, integerOutSupport } from "./types/integer.js";
import { motorSupport } from "./types/motor.js";
import { fanoutSupport, seqSupport } from "./types/selection.js";
import { lsiSupport, lsoSupport, stringinSupport, stringoutSupport } from "./types/text.js";

export const recordSupports: Readonly<Record<string, RecordSupport>> = {
  ai: aiSupport,
  ao: aoSupport,
  bi: biSupport,
  bo: boSupport,
  mbbi: mbbiSupport,
  mbbo: mbboSupport,
  longin: integerInSupport,
  longout: integerOutSupport,
  int64in: integerInSupport,
  int64out: integerOutSupport,
  stringin: stringinSupport,
  stringout: stringoutSupport,
  lsi: lsiSupport,
  lso: lsoSupport,
  waveform: waveformSupport,
  aai: aaiSupport,
  aao: aaoSupport,
  calc: calcSupport,
  calcout: calcoutSupport,
  seq: seqSupport,
  fanout: fanoutSupport,
  // Sim motors unless the IOC is given devices (IocDatabaseOptions.supports).
  motor: motorSupport(),
};
