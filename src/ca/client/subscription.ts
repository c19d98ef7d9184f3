/**
 * One monitor of a channel. It outlives circuits: each time its channel connects it is
 * sent again (EVENT_ADD with the same id), so updates resume after a reconnection.
 */
import {
  DEFAULT_EVENT_MASK,
  ECA,
  caVersionSupports,
  dbrTypeName,
  isEcaSuccess,
  type DbrData,
  type DbrType,
  type DbrValueType,
  type EventAddResponse,
} from "../codec/index.js";
import type { Circuit } from "./circuit.js";
import { CaStatusError } from "./errors.js";
import { payloadBytes, resolveRequestType, type CaRequestType } from "./request-type.js";

export interface CaMonitorOptions {
  /** A DBR type or a form of the native type (default "time"). */
  type?: CaRequestType;
  /** Elements per update (default: the current length, or the native count before V4.13). */
  count?: number;
  /** DBE bits (default DBE.VALUE | DBE.ALARM). */
  mask?: number;
  /** Failed updates (an ECA status, an array over EPICS_CA_MAX_ARRAY_BYTES). */
  onError?: (error: CaStatusError) => void;
}

/** Called with every update. */
export type CaMonitorListener = (data: DbrData) => void;

/** What a subscription needs from its channel when it (re)starts. */
export interface SubscriptionTarget {
  readonly name: string;
  readonly circuit: Circuit;
  readonly sid: number;
  readonly nativeType: DbrValueType;
  readonly nativeCount: number;
  readonly maxArrayBytes: number;
}

export class CaSubscription {
  /** The subscription id on the wire. */
  readonly id: number;
  readonly pv: string;
  readonly #options: CaMonitorOptions;
  readonly #listener: CaMonitorListener;
  readonly #onCancel: (subscription: CaSubscription) => void;
  readonly #reportError: (error: CaStatusError) => void;
  #active: { circuit: Circuit; sid: number; type: DbrType; count: number } | undefined;
  #cancelled = false;

  /** @internal Made by CaChannel.monitor. */
  constructor(
    id: number,
    pv: string,
    options: CaMonitorOptions,
    listener: CaMonitorListener,
    onCancel: (subscription: CaSubscription) => void,
    reportError: (error: CaStatusError) => void,
  ) {
    this.id = id;
    this.pv = pv;
    this.#options = options;
    this.#listener = listener;
    this.#onCancel = onCancel;
    this.#reportError = reportError;
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** The DBR type of the updates while connected, e.g. "DBR_TIME_DOUBLE". */
  get typeName(): string | undefined {
    return this.#active && dbrTypeName(this.#active.type);
  }

  /** Stops the updates (EVENT_CANCEL when connected). Safe to call twice. */
  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    const active = this.#active;
    this.#active = undefined;
    if (active && !active.circuit.closed) {
      active.circuit.send({
        type: "EventCancelRequest",
        dataType: active.type,
        dataCount: active.count,
        sid: active.sid,
        subscriptionId: this.id,
      });
    }
    this.#onCancel(this);
  }

  /** @internal Sends the EVENT_ADD on the channel's new circuit. */
  start(target: SubscriptionTarget): void {
    if (this.#cancelled) return;
    const type = resolveRequestType(this.#options.type, "time", target.nativeType);
    const zeroCount = caVersionSupports.zeroCountRequests(target.circuit.minorVersion);
    const count = this.#options.count ?? (zeroCount ? 0 : target.nativeCount);
    if (payloadBytes(type, count || target.nativeCount) > target.maxArrayBytes) {
      this.#active = undefined;
      this.#reportError(
        new CaStatusError(
          this.pv,
          "monitor",
          ECA.TOLARGE,
          `${count || target.nativeCount} elements exceed EPICS_CA_MAX_ARRAY_BYTES=${target.maxArrayBytes}`,
        ),
      );
      return;
    }
    this.#active = { circuit: target.circuit, sid: target.sid, type, count };
    target.circuit.send({
      type: "EventAddRequest",
      dataType: type,
      dataCount: count,
      sid: target.sid,
      subscriptionId: this.id,
      mask: this.#options.mask ?? DEFAULT_EVENT_MASK,
    });
  }

  /** @internal The circuit is gone; the next start() sends the EVENT_ADD again. */
  stop(): void {
    this.#active = undefined;
  }

  /** @internal An update (or a failed one) from `circuit`. */
  deliver(circuit: Circuit, update: EventAddResponse): void {
    if (this.#active?.circuit !== circuit) return;
    const status = isEcaSuccess(update.ecaStatus)
      ? (update.dataStatus ?? ECA.NORMAL)
      : update.ecaStatus;
    if (isEcaSuccess(status) && update.data) this.#listener(update.data);
    else this.#fail(status);
  }

  /** @internal An ERROR about this subscription's EVENT_ADD, from `circuit`. */
  refused(circuit: Circuit, ecaStatus: number, message: string): void {
    // Subscription ids are the client's, not the circuit's: another server's ERROR naming
    // this id is about something else.
    if (this.#active?.circuit !== circuit) return;
    this.#fail(ecaStatus, message);
  }

  #fail(ecaStatus: number, message?: string): void {
    this.#reportError(new CaStatusError(this.pv, "monitor", ecaStatus, message));
  }
}
