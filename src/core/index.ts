export type { Clock, Timer } from "./clock.js";
export { sleepOn } from "./clock.js";
export { RealClock, realClock } from "./real-clock.js";
export type { VirtualClockOptions } from "./virtual-clock.js";
export { VirtualClock } from "./virtual-clock.js";
export type { ProgressReport, StatusOptions, Watcher, WatcherUpdate } from "./status.js";
export { Status } from "./status.js";
export type { Datatype } from "./datatype.js";
export { datatype } from "./datatype.js";
export type {
  AlarmSeverity,
  DataKey,
  DataKeys,
  Dtype,
  LimitRange,
  Limits,
  Reading,
  Readings,
} from "./reading.js";
export type { ReadingCallback, SignalBackend, SignalMetadata } from "./signal-backend.js";
export { makeDataKey } from "./signal-backend.js";
export type { SoftSignalBackendOptions } from "./soft-signal-backend.js";
export { SoftSignalBackend } from "./soft-signal-backend.js";
export type { SimSignalBackendOptions } from "./sim-signal-backend.js";
export { SimSignalBackend } from "./sim-signal-backend.js";
export type { ConnectOptions, DeviceOptions, Hints, Kind } from "./device.js";
export { Device } from "./device.js";
export type { TemperatureController } from "./temperature-controller.js";
export { isTemperatureController } from "./temperature-controller.js";
export type { SettlerOptions, Settling, TemperatureSource } from "./settling.js";
export { Settler } from "./settling.js";
export type { SetOptions, SignalOptions, SignalSubscribeOptions } from "./signal.js";
export { SignalR, SignalRW } from "./signal.js";
export type { SimSignalOptions, SoftSignalOptions } from "./signal-factories.js";
export { simSignalR, simSignalRW, softSignalRAndSetter, softSignalRW } from "./signal-factories.js";
export type {
  Collectable,
  Configurable,
  EventCollectable,
  EventPageCollectable,
  Flyable,
  HasHints,
  PartialEvent,
  PartialEventPage,
  Pausable,
  Preparable,
  StreamAsset,
  Subscribable,
  WritesStreamAssets,
  Locatable,
  Location,
  Movable,
  MoveEstimator,
  Readable,
  Reconfigurable,
  Stageable,
  StopOptions,
  Stoppable,
  TriggerEstimator,
  Triggerable,
} from "./protocols.js";
export {
  hasHints,
  isCollectable,
  isConfigurable,
  isEventCollectable,
  isEventPageCollectable,
  isFlyable,
  isPausable,
  isPreparable,
  isSubscribable,
  writesStreamAssets,
  isLocatable,
  isMovable,
  isMoveEstimator,
  isReadable,
  isReconfigurable,
  isStageable,
  isStoppable,
  isTriggerEstimator,
  isTriggerable,
} from "./protocols.js";
export type { FlyMotorInfo, TriggerInfo } from "./fly-info.js";
export type { MotorOptions } from "./motor.js";
export { Motor } from "./motor.js";
export type { DetectorOptions } from "./detector.js";
export { Detector } from "./detector.js";
export {
  ConfigurationError,
  DatatypeError,
  HilError,
  LimitError,
  MoveInterruptedError,
  NotConnectedError,
  ReadOnlyError,
  SignalReadError,
  StagingError,
  StatusTimeoutError,
} from "./errors.js";
export type {
  DescriptorDataKey,
  Dimensions,
  DocumentCallback,
  DocumentMap,
  DocumentName,
  Event,
  EventDescriptor,
  EventPage,
  ExitStatus,
  NamedDocument,
  ObjectConfiguration,
  RunStart,
  RunStop,
  StreamDatum,
  StreamRange,
  StreamResource,
} from "./documents.js";
export { packEventPage, unpackEventPage } from "./documents.js";
export type { Command, Msg, MsgOf, Plan } from "./msg.js";
export {
  dataKeySchema,
  documentSchema,
  eventDescriptorSchema,
  eventPageSchema,
  eventSchema,
  parseDocument,
  runStartSchema,
  runStopSchema,
  streamDatumSchema,
  streamResourceSchema,
} from "./document-schemas.js";
export type { MockPut, MockPutCallback } from "./mock-signal-backend.js";
export { MockSignalBackend } from "./mock-signal-backend.js";
export type { NamedMockPut } from "./mock.js";
export {
  callbackOnMockPut,
  getMockPutLog,
  getMockPuts,
  mockOf,
  resetMockPuts,
  setMockValue,
} from "./mock.js";
export type { ObserveValueOptions, WaitForValueOptions } from "./observe.js";
export { SignalTimeoutError, observeValue, waitForValue } from "./observe.js";
export type { JsonValue } from "./json-value.js";
