// Test runner configuration: every *.test.ts under src/ and test/ runs; nothing is skipped silently.
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // A source tree the import-direction test reads as data; its `*.test.ts` is not a test to run.
    exclude: [...configDefaults.exclude, "test/architecture/fixture/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
