// The request body size limit (413) that leaves the body alone when the headers settle it. Hono's
// bodyLimit reads `c.req.raw.body`, which makes @hono/node-server build a web Request with a
// ReadableStream body for every request (a GET too) and so turns off its direct read of the
// IncomingMessage: a third of the cost of a small POST. Here a GET or HEAD passes, a body with a
// Content-Length is judged by it (Node's parser delivers exactly that many bytes and refuses a
// request that also says Transfer-Encoding), and only a chunked body is counted as it streams, by
// Hono's bodyLimit.
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

export function bodySizeLimit(bodyBytesMax: number, refuse: () => never): MiddlewareHandler {
  const streamed = bodyLimit({ maxSize: bodyBytesMax, onError: refuse });
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    const declared = c.req.header("content-length");
    if (declared === undefined || c.req.header("transfer-encoding") !== undefined) return streamed(c, next);
    if (Number.parseInt(declared, 10) > bodyBytesMax) refuse();
    return next();
  };
}
