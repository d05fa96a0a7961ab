// What the CLI needs from outside the CLI adapter, as a port: the composition root
// (src/compose.ts) implements it and src/adapters/cli/main.ts hands it to the program, so no
// command imports the HTTP or database adapters for it (docs/architecture.md's import rule).

export interface ServeRequest {
  readonly port: number;
  readonly hostname: string;
  /** --evaluate-threads as typed (validated by the server's wiring). */
  readonly evaluateThreads: string | undefined;
}

/** A running API server on the configured store. */
export interface RunningServer {
  readonly url: string;
  readonly evaluateThreads: number;
  readonly storeDriver: string;
  readonly storeLocation: string;
  /** Stops the server and closes its store. */
  close(): Promise<void>;
}

export interface CliWiring {
  /** `sluice serve`: serves the HTTP API on the configured store. */
  serve(request: ServeRequest): Promise<RunningServer>;
}
