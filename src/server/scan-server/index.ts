/**
 * The CSS/Phoebus Scan Server face. Pure parts: the command model and XML (read what a scan
 * client submits, write what the server answers, number commands, apply patches), the REST
 * paths as a request-to-reply function. Around them: a submitted scan as one plan on the
 * server's one RunEngine (through the ScanEngine port), the scan list, and the HTTP shell.
 */
export {
  COMMAND_CLASS_NAMES,
  COMMAND_TYPES,
  COMPARISONS,
  COMPARISON_LABELS,
  findRefused,
  hasBody,
  isComparison,
  type CommandWithBody,
  type CommentCommand,
  type Comparison,
  type ConfigLogCommand,
  type DelayCommand,
  type IfCommand,
  type IncludeCommand,
  type LogCommand,
  type LoopCommand,
  type ParallelCommand,
  type ScanCommand,
  type ScanCommandType,
  type ScriptCommand,
  type SequenceCommand,
  type SetCommand,
  type WaitCommand,
} from "./commands.ts";
export {
  assignAddresses,
  findPatchTarget,
  flattenCommands,
  lastAddress,
  loopSteps,
  totalWorkUnits,
  workUnits,
} from "./addresses.ts";
export { describeCommand } from "./describe.ts";
export { ScanPatchError, ScanXmlError } from "./errors.ts";
export {
  javaDouble,
  parseJavaDouble,
  parseStringOrDouble,
  quoteStringOrDouble,
  type ScanValue,
} from "./java-text.ts";
export { parseCommandsXml } from "./parse-commands.ts";
export {
  applyPatch,
  parsePatchXml,
  type PatchProgress,
  type PatchResult,
  type ScanPatch,
} from "./patch.ts";
export {
  SCAN_STATES,
  dataXml,
  devicesXml,
  isDoneState,
  lastSerialXml,
  sampleValue,
  sampleValueText,
  scanIdXml,
  scanInfoXml,
  scanPercentage,
  scansXml,
  serverInfoXml,
  simulationXml,
  submitErrorXml,
  type DeviceInfo,
  type SampleValue,
  type ScanInfo,
  type ScanSample,
  type ScanState,
  type ServerInfo,
} from "./replies.ts";
export { writeCommandsXml } from "./write-commands.ts";
export { compare } from "./conditions.ts";
export { ScanDevices, UnknownScanDeviceError, valueIn, type ScanDevice } from "./scan-devices.ts";
export {
  runEnd,
  type ScanEngine,
  type ScanRun,
  type ScanRunEnd,
  type ScanRunListener,
} from "./scan-engine.ts";
export { managerScanEngine, type ManagerScanEngineOptions } from "./manager-scan-engine.ts";
export {
  answerScanQuery,
  readScanItem,
  scanCommandsJson,
  scanQuerySchema,
  scanSimulationSchema,
  scanControlSchema,
  scanItemKwargs,
  scanItemPlan,
  scanItemSchema,
  scanProgressSchema,
  withScanItemChecker,
  withScanItems,
  type ScanControlMessage,
  type ScanItem,
  type ScanItemPlansOptions,
  type ScanProgressMessage,
} from "./scan-item.ts";
export {
  SCAN_PLAN_NAME,
  ScanCommandError,
  loggedNames,
  loopValues,
  scanPlan,
  usedNames,
  type ScanPlanOptions,
  type ScanProgress,
} from "./scan-plan.ts";
export {
  SCAN_SERVER_VERSION,
  ScanRequestError,
  ScanService,
  type ScanServiceOptions,
  type SubmitOptions,
} from "./scan-service.ts";
export {
  formatDuration,
  simulateScan,
  type ScanSimulation,
  type SimulateScanOptions,
} from "./simulate-scan.ts";
export {
  SCAN_SERVER_PORT,
  startScanServer,
  type RunningScanServer,
  type ScanServerOptions,
} from "./scan-http.ts";
export {
  ScanHttpError,
  errorPage,
  handleScanRequest,
  type ScanHttpReply,
  type ScanHttpRequest,
} from "./scan-routes.ts";
