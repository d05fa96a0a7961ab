// The body size limit over real HTTP (@hono/node-server): a declared Content-Length over the limit
// and a chunked body that grows past it are both refused with the refusal's error before the
// handler runs; bodies within the limit reach the handler intact, whichever way they were sent.
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodySizeLimit } from "../../src/adapters/http/body-limit.ts";

const bodyBytesMax = 1000;
let port = 0;
let close: () => void = () => {};
let handled = 0;

beforeAll(async () => {
  const app = new Hono();
  app.onError((error, c) => c.text(error.message, 413));
  app.use(
    "*",
    bodySizeLimit(bodyBytesMax, () => {
      throw new Error("too large");
    }),
  );
  app.all("/echo", async (c) => {
    handled++;
    return c.text(c.req.method === "GET" ? "get" : await c.req.text());
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  port = (server.address() as AddressInfo).port;
  close = () => server.close();
});
afterAll(() => close());

/** Sends `chunks` to /echo, chunked (no Content-Length) or with the total length declared. */
function send(method: string, chunks: string[], chunked: boolean): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const length = chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk), 0);
    const headers: Record<string, string | number> = chunked
      ? { "transfer-encoding": "chunked" }
      : { "content-length": length };
    const req = request({ host: "127.0.0.1", port, path: "/echo", method, headers }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe("bodySizeLimit", () => {
  it("passes bodies within the limit, with or without Content-Length", async () => {
    const body = ["a".repeat(600), "b".repeat(400)];
    expect(await send("POST", body, false)).toEqual({ status: 200, text: body.join("") });
    expect(await send("POST", body, true)).toEqual({ status: 200, text: body.join("") });
    expect(await send("GET", [], false)).toEqual({ status: 200, text: "get" });
  });

  it("refuses a declared length over the limit before the handler runs", async () => {
    const before = handled;
    expect(await send("POST", ["x".repeat(bodyBytesMax + 1)], false)).toEqual({
      status: 413,
      text: "too large",
    });
    expect(handled).toBe(before);
  });

  it("refuses a chunked body once it grows past the limit, before the handler runs", async () => {
    const before = handled;
    expect(await send("POST", ["x".repeat(600), "y".repeat(600)], true)).toEqual({
      status: 413,
      text: "too large",
    });
    expect(handled).toBe(before);
  });
});
