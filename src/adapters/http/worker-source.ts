// The source a TypeScript worker thread starts from. Node 20 does not apply `--import` hooks to a
// worker's entry, so the worker registers tsx first and then imports its module; the server's
// worker threads (audit verification, the evaluation pool) all start this way.
const tsxApi = import.meta.resolve("tsx/esm/api");

/** Source for `new Worker(source, { eval: true })` that runs the TypeScript `module`. */
export const typescriptWorkerSource = (module: URL): string =>
  `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); })`;
