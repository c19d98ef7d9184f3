// The plans layer: plan stubs, plans, preprocessors and simulate(). Plans only yield
// messages; the engine acts on them.
export {
  asReadings,
  checkpoint,
  clearCheckpoint,
  closeRun,
  configure,
  create,
  declareStream,
  drop,
  locate,
  nullMsg,
  openRun,
  pause,
  read,
  save,
  sleep,
  stage,
  stageAll,
  stop,
  subscribe,
  unstage,
  unstageAll,
  unsubscribe,
  wait,
} from "./stubs.js";
export type { AbsSetOptions } from "./move-stubs.js";
export { absSet, mv, mvr, originOf, positionOf, relSet } from "./move-stubs.js";
export type { PerStep, PositionCache, Step, TriggerAndReadOptions } from "./step-stubs.js";
export { movePerStep, oneNdStep, triggerAndRead } from "./step-stubs.js";
export type { ProductOptions } from "./cycler.js";
export { Cycler, cycler, linspace } from "./cycler.js";
export type { Interceptor } from "./intercept-messages.js";
export { interceptMessages, mapMessages } from "./intercept-messages.js";
export type { BaselineOptions, Subscriptions } from "./preprocessors.js";
export {
  baselineWrapper,
  finalizeWrapper,
  injectMdWrapper,
  relativeSetWrapper,
  resetPositionsWrapper,
  runWrapper,
  stageWrapper,
  subsWrapper,
} from "./preprocessors.js";
export type { CollectWhileCompletingOptions, StatusStubOptions } from "./fly-stubs.js";
export {
  collect,
  collectWhileCompleting,
  complete,
  completeAll,
  kickoff,
  kickoffAll,
  monitor,
  prepare,
  rd,
  unmonitor,
  waitFor,
} from "./fly-stubs.js";
export { SupplementalData, flyDuringWrapper, monitorDuringWrapper } from "./supplemental-data.js";
export type { FlyScanOptions, FlyingMotor, TriggeredDetector } from "./fly.js";
export { fly, flyScan } from "./fly.js";
export type { Metadata } from "./plan-metadata.js";
export type { CountOptions } from "./count.js";
export { count } from "./count.js";
export type { ScanOptions } from "./scan-nd.js";
export { scanNd } from "./scan-nd.js";
export { listScan, relScan, scan } from "./scan.js";
export type { GridAxis, GridScanOptions, ListGridAxis } from "./grid-scan.js";
export { gridScan, listGridScan, relGridScan } from "./grid-scan.js";
export type { SpiralOptions, SpiralPattern } from "./spiral.js";
export { spiral, spiralPattern } from "./spiral.js";
export type { AdaptiveScanOptions } from "./adaptive-scan.js";
export { adaptiveScan } from "./adaptive-scan.js";
export type { TuneCentroidOptions } from "./tune-centroid.js";
export { tuneCentroid } from "./tune-centroid.js";
export type { RampOptions } from "./ramp-plan.js";
export { rampPlan } from "./ramp-plan.js";
export type { Simulation, SimulateOptions } from "./simulate.js";
export { simulate } from "./simulate.js";
export { MissingReadingError, RampTimeoutError } from "./errors.js";
export * from "./catalog/index.js";
