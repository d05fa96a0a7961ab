// Readable API docs at /docs, rendered on the server from the OpenAPI document: plain HTML and a
// little CSS, no scripts, no fonts, no CDN, so they work offline. One section per operation with
// its roles, parameters, body schema and responses; one anchor per problem kind (problem `type`s).
import { type ErrorKind, errorKinds, httpStatusByKind } from "../../core/errors.ts";
import { problemTitles } from "./problem.ts";

type Json = Record<string, unknown>;

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch,
  );

const problemMeaning: Record<ErrorKind, string> = {
  bad_input: "the request cannot be processed as sent; `errors` lists the paths when a schema failed",
  not_found: "no such object, or one the token may not see",
  conflict: "the request conflicts with the current state, e.g. an Idempotency-Key reused with another body",
  unauthorized: "no token, or an unknown or revoked one",
  forbidden: "the token's role may not do this",
  precondition_failed: "If-Match named an old version (412) or was missing on an update (428)",
  payload_too_large: "the body is larger than the limit",
  unavailable: "the database is not reachable or not ready",
  locked: "the embedded data directory is held by another process",
  internal: "a bug: the request was not completed; nothing about it is revealed",
};

const pre = (value: unknown): string => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

function parametersHtml(parameters: Json[] | undefined): string {
  if (!parameters || parameters.length === 0) return "";
  const rows = parameters.map((p) => {
    const schema = JSON.stringify(p.schema ?? {});
    const note = typeof p.description === "string" ? ` — ${escapeHtml(p.description)}` : "";
    return `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}</td><td>${p.required ? "yes" : "no"}</td><td><code>${escapeHtml(schema)}</code>${note}</td></tr>`;
  });
  return `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${rows.join("")}</table>`;
}

function operationHtml(path: string, method: string, op: Json): string {
  const id = `op-${method}-${path.replace(/[^a-zA-Z0-9]+/g, "-")}`;
  const roles = Array.isArray(op["x-sluice-roles"])
    ? (op["x-sluice-roles"] as string[]).join(", ")
    : "public";
  const action =
    typeof op["x-sluice-action"] === "string"
      ? ` (action <code>${escapeHtml(op["x-sluice-action"])}</code>)`
      : "";
  const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
  const bodyHtml = body
    ? Object.entries(body)
        .map(
          ([type, media]) =>
            `<details><summary>request body ${escapeHtml(type)}</summary>${pre(media.schema)}</details>`,
        )
        .join("")
    : "";
  const responses = Object.entries((op.responses as Record<string, Json>) ?? {})
    .map(([status, response]) => {
      const content = response.content as Record<string, Json> | undefined;
      const schema = content ? Object.values(content)[0]?.schema : undefined;
      const detail = schema ? `<details><summary>schema</summary>${pre(schema)}</details>` : "";
      return `<li><b>${escapeHtml(status)}</b> ${escapeHtml(String(response.description ?? ""))}${detail}</li>`;
    })
    .join("");
  return `<section id="${id}"><h3><span class="m">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(String(op.summary ?? ""))}</p>${op.description ? `<p>${escapeHtml(String(op.description))}</p>` : ""}
<p>roles: ${escapeHtml(roles)}${action}</p>${parametersHtml(op.parameters as Json[] | undefined)}${bodyHtml}<ul>${responses}</ul></section>`;
}

const style = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f5f5;padding:.5rem;overflow:auto;max-height:30rem}
section{border-top:1px solid #ddd;padding:.5rem 0}.m{background:#334;color:#fff;padding:0 .4rem;border-radius:3px}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .4rem;text-align:left;vertical-align:top}`;

/** The whole page for `document` (an OpenAPI 3.1 document built by buildOpenApiDocument). */
export function renderDocs(document: Json): string {
  const info = document.info as { title: string; version: string; description: string };
  const paths = document.paths as Record<string, Record<string, Json>>;
  const operations = Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );
  const toc = operations
    .map(({ path, method, op }) => {
      const id = `op-${method}-${path.replace(/[^a-zA-Z0-9]+/g, "-")}`;
      return `<li><a href="#${id}">${method.toUpperCase()} ${escapeHtml(path)}</a> ${escapeHtml(String(op.summary ?? ""))}</li>`;
    })
    .join("");
  const problems = errorKinds
    .map(
      (kind) =>
        `<li id="problem-${kind}"><b>${escapeHtml(problemTitles[kind])}</b> (<code>${kind}</code>, ${httpStatusByKind[kind]}): ${escapeHtml(problemMeaning[kind])}</li>`,
    )
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title)}</title><style>${style}</style></head><body>
<h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1><p>${escapeHtml(info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>.</p>
<h2>Operations</h2><ul>${toc}</ul>
${operations.map(({ path, method, op }) => operationHtml(path, method, op)).join("\n")}
<h2>Problems</h2><p>Errors are <code>application/problem+json</code> (RFC 9457) with a domain <code>code</code>.</p><ul>${problems}</ul>
</body></html>`;
}
