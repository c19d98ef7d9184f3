/**
 * What a Modbus driver needs of its client: the transactions of ModbusClient and the names
 * its signals use. ModbusClient has it, and so do the cassette's recorder and player, so a
 * driver typed on this runs on a live link, a recording one or a replayed one alike.
 */
export interface ModbusClientLike {
  /** The unit (slave) id requests go to. */
  readonly unitId: number;
  /** Names the port in errors: "modbus-tcp:127.0.0.1:502". */
  readonly port: string;
  /** Base of signal sources: "modbus://127.0.0.1:502". */
  readonly url: string;
  connect(timeout?: number): Promise<void>;
  close(): Promise<void>;
  readHoldingRegisters(address: number, count?: number): Promise<number[]>;
  readInputRegisters(address: number, count?: number): Promise<number[]>;
  readCoils(address: number, count?: number): Promise<boolean[]>;
  readDiscreteInputs(address: number, count?: number): Promise<boolean[]>;
  writeRegister(address: number, value: number): Promise<void>;
  writeRegisters(address: number, values: readonly number[]): Promise<void>;
  writeCoil(address: number, value: boolean): Promise<void>;
  writeCoils(address: number, values: readonly boolean[]): Promise<void>;
}
