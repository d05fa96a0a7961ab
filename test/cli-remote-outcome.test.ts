// The remote CLI's postOutcome: a release the cap ledger refused is answered with a non-2xx status
// and the release's JSON, which the CLI prints and exits on like the local command; a problem
// (application/problem+json) still raises the error of its kind, and post() still raises on both.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { remoteClient } from "../src/adapters/cli/remote.ts";
import { SluiceError } from "../src/core/errors.ts";

let server: Server;
let url = "";

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === "/refused") {
      response.writeHead(403, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ shipmentId: "s-1", status: "reservations_blocked", shipmentStatus: "planned" }),
      );
      return;
    }
    response.writeHead(404, { "content-type": "application/problem+json" });
    response.end(JSON.stringify({ status: 404, code: "not_found", detail: "shipment `s-2`: not found" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("remote postOutcome", () => {
  it("returns a refused outcome's JSON whatever its status", async () => {
    const remote = remoteClient({ server: url });
    expect(await remote.postOutcome("/refused", {})).toEqual({
      shipmentId: "s-1",
      status: "reservations_blocked",
      shipmentStatus: "planned",
    });
  });

  it("raises a problem as the error of its kind, and post() raises on any non-2xx", async () => {
    const remote = remoteClient({ server: url });
    const problem = await remote.postOutcome("/missing", {}).catch((error: unknown) => error);
    expect(problem).toBeInstanceOf(SluiceError);
    expect((problem as SluiceError).kind).toBe("not_found");
    const refused = await remote.post("/refused", {}).catch((error: unknown) => error);
    expect((refused as SluiceError).kind).toBe("forbidden");
  });
});
