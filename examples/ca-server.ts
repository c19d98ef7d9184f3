// Serves five demo PVs over Channel Access on loopback, for caget, camonitor, pyepics or
// examples/ca-get.ts:
//   demo:ai     a double in mm (precision 3, display 0..10, alarms at 1/2/8/9) moving at 10 Hz
//   demo:ao     a writable double in V, control limits -10..10
//   demo:mode   an enum: Off, Slow, Fast
//   demo:wave   100,000 doubles
//   demo:motor  a position whose put-with-callback completes 2 s later, when it arrives
// The port is EPICS_CAS_SERVER_PORT (5064 by default); the EPICS_CAS_* variables override
// the loopback interface and beacon address. Ctrl-C stops it.
import { CaAlarmSeverity, CaAlarmStatus, CaServer, SoftPv, pvProvider } from "../src/ca/index.js";
import { realClock } from "../src/core/index.js";

const loopback = {
  EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
  EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
  EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
};

const limits = {
  lowerDisplayLimit: 0,
  upperDisplayLimit: 10,
  lowerAlarmLimit: 1,
  lowerWarningLimit: 2,
  upperWarningLimit: 8,
  upperAlarmLimit: 9,
};

/** The alarm an ai record with these limits raises (HIHI, LOLO, HIGH, LOW in that order). */
function alarmOf(value: number): { status: number; severity: number } {
  if (value >= limits.upperAlarmLimit)
    return { status: CaAlarmStatus.HIHI, severity: CaAlarmSeverity.MAJOR };
  if (value <= limits.lowerAlarmLimit)
    return { status: CaAlarmStatus.LOLO, severity: CaAlarmSeverity.MAJOR };
  if (value >= limits.upperWarningLimit)
    return { status: CaAlarmStatus.HIGH, severity: CaAlarmSeverity.MINOR };
  if (value <= limits.lowerWarningLimit)
    return { status: CaAlarmStatus.LOW, severity: CaAlarmSeverity.MINOR };
  return { status: CaAlarmStatus.NO_ALARM, severity: CaAlarmSeverity.NO_ALARM };
}

const signal = (t: number): number => 5 + 4.5 * Math.sin((2 * Math.PI * t) / 20);

const ai = new SoftPv({
  value: signal(0),
  writable: false,
  className: "ai",
  metadata: { units: "mm", precision: 3, ...limits, ...alarmOf(signal(0)) },
});
const ao = new SoftPv({
  value: 0,
  className: "ao",
  metadata: {
    units: "V",
    precision: 2,
    lowerDisplayLimit: -10,
    upperDisplayLimit: 10,
    lowerControlLimit: -10,
    upperControlLimit: 10,
  },
});
const mode = new SoftPv({
  value: 0,
  className: "mbbo",
  metadata: { enumStrings: ["Off", "Slow", "Fast"] },
});
const wave = new SoftPv({
  value: Float64Array.from({ length: 100_000 }, (_, i) => Math.sin(i / 1000)),
  className: "waveform",
  metadata: { units: "counts", precision: 4 },
});
const motor = new SoftPv({
  value: 0,
  className: "motor",
  metadata: { units: "mm", precision: 4, lowerControlLimit: -100, upperControlLimit: 100 },
  onWrite: () => realClock.sleep(2),
});

const server = new CaServer({
  provider: pvProvider({
    "demo:ai": ai,
    "demo:ao": ao,
    "demo:mode": mode,
    "demo:wave": wave,
    "demo:motor": motor,
  }),
  env: { ...loopback, ...process.env },
  log: (line) => console.error(line),
});
await server.start();
console.log(
  `serving demo:ai demo:ao demo:mode demo:wave demo:motor on 127.0.0.1, ` +
    `UDP ${server.udpPort}, TCP ${server.tcpPort}`,
);

const started = realClock.now();
const ticker = setInterval(() => {
  const value = signal(realClock.now() - started);
  ai.post(value, alarmOf(value));
}, 100);

process.once("SIGINT", () => {
  clearInterval(ticker);
  void server.close().then(() => process.exit(0));
});
