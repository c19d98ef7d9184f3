#!/usr/bin/env node
// The package ships TypeScript sources; tsx compiles them as they load.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
