// The EPICS_CA_* and EPICS_CAS_* environment: defaults, fall-backs and bad values.
import { describe, expect, it } from "vitest";
import {
  CaEnvironmentError,
  parseAddressList,
  readClientEnvironment,
  readServerEnvironment,
} from "../../src/ca/index.js";

describe("the client's environment", () => {
  it("has libca's defaults", () => {
    expect(readClientEnvironment({})).toEqual({
      addressList: [],
      autoAddressList: true,
      serverPort: 5064,
      repeaterPort: 5065,
      connectionTimeout: 30,
      maxSearchPeriod: 300,
      maxArrayBytes: 16384,
    });
  });

  it("reads host[:port] lists, NO, and raises the search period to 60 s at least", () => {
    const env = readClientEnvironment({
      EPICS_CA_ADDR_LIST: " 127.0.0.1:25074  10.0.0.255 ",
      EPICS_CA_AUTO_ADDR_LIST: "no",
      EPICS_CA_SERVER_PORT: "6064",
      EPICS_CA_MAX_SEARCH_PERIOD: "5",
    });
    expect(env.addressList).toEqual([
      { host: "127.0.0.1", port: 25074 },
      { host: "10.0.0.255", port: 6064 },
    ]);
    expect(env).toMatchObject({ autoAddressList: false, maxSearchPeriod: 60 });
  });

  it("names the variable of a bad value", () => {
    expect(() => readClientEnvironment({ EPICS_CA_SERVER_PORT: "70000" })).toThrow(
      new CaEnvironmentError("EPICS_CA_SERVER_PORT", "70000", "a port number from 1 to 65535"),
    );
    expect(() => parseAddressList("a:b:c", 5064, "EPICS_CA_ADDR_LIST")).toThrow(
      /EPICS_CA_ADDR_LIST="a:b:c"/,
    );
  });
});

describe("the server's environment", () => {
  it("falls back to the client's variables", () => {
    const env = readServerEnvironment({
      EPICS_CA_SERVER_PORT: "7064",
      EPICS_CA_REPEATER_PORT: "7065",
      EPICS_CA_AUTO_ADDR_LIST: "NO",
      EPICS_CA_BEACON_PERIOD: "5",
    });
    expect(env).toMatchObject({
      serverPort: 7064,
      beaconPort: 7065,
      autoBeaconAddressList: false,
      beaconPeriod: 5,
    });
  });

  it("beacons to the hosts of EPICS_CA_ADDR_LIST on the beacon port, not their search ports", () => {
    const env = readServerEnvironment({ EPICS_CA_ADDR_LIST: "127.0.0.1:25064 10.0.0.255" });
    expect(env.beaconAddressList).toEqual([
      { host: "127.0.0.1", port: 5065 },
      { host: "10.0.0.255", port: 5065 },
    ]);
  });

  it("takes its own lists first", () => {
    const env = readServerEnvironment({
      EPICS_CA_ADDR_LIST: "10.0.0.255",
      EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1:9999",
      EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
      EPICS_CAS_SERVER_PORT: "8064",
      EPICS_CAS_IGNORE_ADDR_LIST: "10.1.1.1 10.1.1.2",
    });
    expect(env).toMatchObject({
      beaconAddressList: [{ host: "127.0.0.1", port: 9999 }],
      interfaces: ["127.0.0.1"],
      serverPort: 8064,
      ignoreAddressList: ["10.1.1.1", "10.1.1.2"],
    });
  });
});
