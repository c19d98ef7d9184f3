import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    // Test files share no global state, so one module graph per worker is safe and spares
    // a fresh import of the whole project for each of ~60 files on a 2-core machine.
    isolate: false,
  },
});
