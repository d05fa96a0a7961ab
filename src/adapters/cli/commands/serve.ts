// CLI: `sluice serve [--port] [--host] [--evaluate-threads]`, the HTTP API on the configured
// database (DATABASE_URL or SLUICE_DATA_DIR) until SIGINT/SIGTERM. The server itself comes through
// the CLI's wiring port (src/compose.ts), so this command imports no other adapter.
import type { Command } from "commander";
import { badInput, quote } from "../../../core/errors.ts";
import { action, println } from "../io.ts";
import type { CliWiring } from "../wiring.ts";

const portDefault = 8080;

function parsePort(value: string | undefined): number {
  const text = value ?? process.env.PORT ?? String(portDefault);
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw badInput(`port ${quote(text)}`, "expected 0–65535");
  return port;
}

export function register(program: Command, wiring: CliWiring): void {
  program
    .command("serve")
    .description("serve the HTTP API (/v1, /openapi.json, /docs) on the configured database")
    .option("--port <port>", `TCP port (default PORT, else ${portDefault})`)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option(
      "--evaluate-threads <n>",
      "worker threads for POST /v1/evaluate, 0 for inline (default SLUICE_EVALUATE_THREADS, else the cores less one)",
    )
    .action(
      action(async (options: { port?: string; host: string; evaluateThreads?: string }) => {
        const port = parsePort(options.port);
        const server = await wiring.serve({
          port,
          hostname: options.host,
          evaluateThreads: options.evaluateThreads,
        });
        println(
          `sluice: serving ${server.url} (docs ${server.url}/docs) on ${server.storeDriver} ${server.storeLocation}, ${server.evaluateThreads} evaluation thread${server.evaluateThreads === 1 ? "" : "s"}`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
        await server.close();
      }),
    );
}
