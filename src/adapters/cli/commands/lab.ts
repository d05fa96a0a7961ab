// CLI for labs: `sluice lab keygen|register|revoke|certify|submit`. A lab makes its Ed25519 key
// pair, the exporter's officer registers the public key, the lab certifies a shipment (the sample
// is drawn from the stored serials by the rule's plan) and the certificate is submitted; a
// rejected certificate prints one line with its status and exits non-zero. Through --server,
// register, revoke and submit send the lab routes, and certify reads the shipment's serials with
// GET /v1/shipments/{id} (signing stays on this machine: the private key never leaves it); keygen
// is local by nature.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import type { RevertRelease, Revocation, SubmitResult } from "../../../app/evidence/service.ts";
import { ShipmentService } from "../../../app/shipments/service.ts";
import { chipSpecSchema } from "../../../core/classification/spec.ts";
import { badInput, exitCodeByKind, exitCodes, notFound, quote, SluiceError } from "../../../core/errors.ts";
import { keyIdOf, signCertificate } from "../../../core/evidence/certificate.ts";
import type { CertificateRules } from "../../../core/evidence/checks.ts";
import { draftCertificate } from "../../../core/evidence/issue.ts";
import { labInputSchema, labRevocationSchema } from "../../../core/evidence/labs.ts";
import { isoDateSchema } from "../../../core/shared.ts";
import type { SerialRange } from "../../../core/shipments/model.ts";
import { parseInput } from "../../../core/validation.ts";
import { action, printJson, readInput, readJsonInput } from "../io.ts";
import { cliEvaluator } from "../reference.ts";
import { pathPart, type Remote, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";
import { checkedBody, reportCreate, sentOrRefused, todayOf, withEvidence } from "./evidence-shared.ts";

const measurementsSchema = z.strictObject({
  denseTops: chipSpecSchema.shape.denseTops,
  dramBandwidthGBs: z.number().positive().finite(),
});

function keygen(options: { out: string; json?: boolean }): number {
  // Absolute paths, so the message says exactly where the private key went (#13).
  const privateFile = resolve(options.out, "lab-private.pem");
  const publicFile = resolve(options.out, "lab-public.pem");
  for (const file of [privateFile, publicFile])
    if (existsSync(file)) throw badInput(`file ${quote(file)}`, "already exists; keys are never overwritten");
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  mkdirSync(options.out, { recursive: true });
  const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  writeFileSync(privateFile, privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { mode: 0o600 });
  writeFileSync(publicFile, publicPem);
  const keyId = keyIdOf(publicKey);
  if (options.json)
    printJson({ keyId, publicKey: publicPem, privateKeyFile: privateFile, publicKeyFile: publicFile });
  else
    process.stdout.write(
      `${publicPem}key id ${keyId}\nprivate key: ${privateFile} (owner read/write only: keep it secret)\npublic key: ${publicFile}\n`,
    );
  return exitCodes.ok;
}

interface CertifyOptions {
  measurements: string;
  key: string;
  lab: string;
  id?: string;
  testedOn?: string;
  testCountry: string;
  testSite?: string;
  nonce?: string;
}

/** The lot a certificate is drawn from: the stored shipment and its order's product. */
interface Lot {
  shipment: { id: string; quantityUnits: number; serials: SerialRange[] };
  productId: string;
}

/** Reads the measurements and the key, draws the sample by `plan` and prints the signed certificate. */
function certifyLot(
  shipmentId: string,
  options: CertifyOptions,
  loadLot: () => Promise<Lot>,
  planOn: (testedOn: string) => CertificateRules["samplingPlan"],
): Promise<void> {
  const measured = parseInput(
    measurementsSchema,
    readJsonInput(options.measurements),
    `measurements ${quote(options.measurements)}`,
  );
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(readInput(options.key));
  } catch {
    throw badInput(`key ${quote(options.key)}`, "not a PEM private key");
  }
  if (privateKey.asymmetricKeyType !== "ed25519")
    throw badInput(`key ${quote(options.key)}`, "not an Ed25519 key");
  const testedOn = options.testedOn ? parseInput(isoDateSchema, options.testedOn, "--tested-on") : todayOf();
  const nonce = options.nonce ?? randomBytes(16).toString("hex");
  return loadLot().then(({ shipment, productId }) => {
    const body = draftCertificate({
      id: options.id ?? `${options.lab}:${shipmentId}:${nonce.slice(0, 8)}`,
      labId: options.lab,
      keyId: keyIdOf(createPublicKey(privateKey)),
      shipment: { ...shipment, productId },
      nonce,
      testCountry: options.testCountry,
      ...(options.testSite ? { testSite: options.testSite } : {}),
      testedOn,
      measured,
      plan: planOn(testedOn),
    });
    printJson(signCertificate(body, privateKey));
  });
}

function certify(wiring: CliWiring, shipmentId: string, options: CertifyOptions): Promise<void> {
  return withEvidence(wiring, (evidence) =>
    certifyLot(
      shipmentId,
      options,
      async () => {
        const lot = await evidence.lot(shipmentId);
        if (!lot) throw notFound(`shipment ${quote(shipmentId)}`);
        const { shipment, order } = lot;
        if (!order) throw notFound(`order ${quote(shipment.orderId)}`);
        const { id, quantityUnits, serials } = shipment;
        return { shipment: { id, quantityUnits, serials }, productId: order.doc.productId };
      },
      (testedOn) => evidence.certificateRules(testedOn).samplingPlan,
    ),
  );
}

/** The sampling plan of the lab-certificate rule in force on `at`, from the shipped rulebooks. */
function samplingPlanOn(at: string): CertificateRules["samplingPlan"] {
  const found = cliEvaluator()
    .rulesFor(parseInput(isoDateSchema, at, "--tested-on"))
    .rules.find((entry) => entry.rule.kind === "lab-certificate");
  if (found?.rule.kind !== "lab-certificate")
    throw new SluiceError(
      "conflict",
      `certificate check on ${at}`,
      "no lab-certificate rule is in force",
      "no_rule_in_force",
    );
  return found.rule.params.samplingPlan;
}

/** The lot through the server: the shipment (its serials) and its order's product. */
function certifyRemote(remote: Remote, shipmentId: string, options: CertifyOptions): Promise<void> {
  return certifyLot(
    shipmentId,
    options,
    async () => {
      const shipment = (await remote.get(`/v1/shipments/${pathPart(shipmentId)}`)) as Lot["shipment"] & {
        orderId: string;
      };
      const order = (await remote.get(`/v1/orders/${pathPart(shipment.orderId)}`)) as { productId: string };
      const { id, quantityUnits, serials } = shipment;
      return { shipment: { id, quantityUnits, serials }, productId: order.productId };
    },
    samplingPlanOn,
  );
}

/** ok/exists succeed; a rejection is one line (or JSON) and an exit code by its kind. */
export function reportSubmit(result: SubmitResult, json: boolean | undefined): number {
  const success = result.status === "ok" || result.status === "exists";
  const kind =
    result.status === "malformed"
      ? "bad_input"
      : result.status.startsWith("exists_with_different_")
        ? "conflict"
        : "forbidden";
  if (json) {
    printJson(result);
    return success ? exitCodes.ok : exitCodeByKind[kind];
  }
  const what = result.certificateId ? `certificate ${quote(result.certificateId)}` : "certificate";
  if (!success) throw new SluiceError(kind, what, `${result.status}: ${result.detail}`, result.status);
  process.stdout.write(
    `${what}: ${result.status} (shipment ${result.shipmentId}, hash ${result.hash?.slice(0, 16)}…)\n`,
  );
  return exitCodes.ok;
}

/** Puts a released shipment back to planned through the shipment path (quota voided, licence restored). */
function revertReleaseOf(service: ShipmentService): RevertRelease {
  return (shipmentId, reason) => service.revertRelease(shipmentId, { reason });
}

type LabFlags = Record<string, string | boolean | undefined>;

const labOf = (options: LabFlags) => ({
  id: options.id,
  name: options.name,
  headquartersCountry: options.hq,
  publicKey: readInput(String(options.publicKey)),
  qualifiedFrom: options.qualifiedFrom,
  ...(options.qualifiedTo ? { qualifiedTo: options.qualifiedTo } : {}),
  ...(options.controlCountry ? { controlCountry: options.controlCountry } : {}),
});

/** A lab registered through the server; a replay with other fields reports the key on file, as locally. */
async function registerRemote(remote: Remote, options: LabFlags): Promise<number> {
  const input = checkedBody(labInputSchema, labOf(options), "lab") as { id: string };
  const answer = await sentOrRefused<{ status: string; labId: string; keyId: string }>(() =>
    remote.post("/v1/labs", input),
  );
  const keyId =
    answer.keyId ?? ((await remote.get(`/v1/labs/${pathPart(input.id)}`)) as { keyId: string }).keyId;
  return reportCreate("lab", input.id, answer.status, options.json === true, { keyId });
}

interface RevokeFlags {
  reason: string;
  on: string;
  json?: boolean;
}

function reportRevocation(labId: string, result: Revocation, json: boolean | undefined): number {
  if (json) printJson(result);
  else
    process.stdout.write(
      `lab ${labId}: ${result.status} (certificates revoked ${result.certificatesRevoked}, reverted ${result.reverted.join(", ") || "none"}${result.relying ? `, still released: ${result.relying.join(", ") || "none"}` : ""})\n`,
    );
  return result.status.startsWith("exists_with_different_") ? exitCodes.conflict : exitCodes.ok;
}

/** A revocation through the server (which reverts the releases relying on the lab, as locally). */
async function revokeRemote(remote: Remote, labId: string, options: RevokeFlags): Promise<number> {
  const input = { labId, reason: options.reason, revokedOn: options.on };
  checkedBody(labRevocationSchema, input, "lab revocation");
  const { labId: _labId, ...answer } = await sentOrRefused<Revocation & { labId: string }>(() =>
    remote.post(`/v1/labs/${pathPart(labId)}/revoke`, { reason: input.reason, revokedOn: input.revokedOn }),
  );
  // A replay with other fields revokes nothing and reverts nothing (the use case's own answer).
  return reportRevocation(
    labId,
    { certificatesRevoked: 0, reverted: [], ...answer } as Revocation,
    options.json,
  );
}

export function registerLab(program: Command, wiring: CliWiring): void {
  const lab = program.command("lab").description("qualified test labs: keys, registry, certificates");
  lab
    .command("keygen")
    .description("make an Ed25519 key pair: lab-private.pem and lab-public.pem in --out")
    .option("--out <dir>", "directory for the key files", ".")
    .option("--json", "print JSON")
    .action(action((options: { out: string; json?: boolean }) => keygen(options)));
  serve(
    lab
      .command("register")
      .description("register a qualified lab with its public key")
      .requiredOption("--id <id>")
      .requiredOption("--name <name>")
      .requiredOption("--hq <country>", "headquarters country (ISO alpha-2)")
      .requiredOption("--public-key <file>", "PEM public key file")
      .requiredOption("--qualified-from <date>")
      .option("--qualified-to <date>")
      .option("--control-country <country>", "country of the controlling capital, if not --hq")
      .option("--json", "print JSON"),
    (options: LabFlags) =>
      withEvidence(wiring, async (evidence) => {
        const result = await evidence.registerLab(labOf(options));
        return reportCreate("lab", result.labId, result.status, options.json === true, {
          keyId: result.keyId,
        });
      }),
    registerRemote,
  );
  serve(
    lab
      .command("revoke")
      .description("revoke a lab: its released, unshipped lots go back on hold")
      .argument("<lab>")
      .requiredOption("--reason <text>")
      .requiredOption("--on <date>", "revocation date")
      .option("--json", "print JSON"),
    (labId: string, options: RevokeFlags) =>
      withEvidence(wiring, async (evidence, shipments) => {
        const revert = revertReleaseOf(new ShipmentService(shipments));
        const result = await evidence.revokeLab(
          { labId, reason: options.reason, revokedOn: options.on },
          revert,
        );
        return reportRevocation(labId, result, options.json);
      }),
    revokeRemote,
  );
  registerCertificates(lab, wiring);
}

interface SubmitFlags {
  shipment?: string;
  at?: string;
  json?: boolean;
}

/**
 * A certificate submitted through the server, which checks it on its own day for the shipment it
 * names (the route takes neither --at nor --shipment). A refusal comes back as a problem coded by
 * its status, whose detail follows `<status>: `; it is reported as the local command reports it.
 */
async function submitRemote(remote: Remote, file: string, options: SubmitFlags): Promise<number> {
  for (const [flag, value] of [
    ["--at", options.at],
    ["--shipment", options.shipment],
  ] as const)
    if (value !== undefined)
      throw badInput(
        flag,
        "not available through --server (the server checks on its day, for the shipment named)",
      );
  const document = readJsonInput(file);
  let result: SubmitResult;
  try {
    result = (await remote.post("/v1/certificates", document)) as SubmitResult;
  } catch (error) {
    if (!(error instanceof SluiceError) || !error.why.startsWith(`${error.code}: `)) throw error;
    const certificateId = /^certificate `(.+)`$/.exec(error.what)?.[1];
    result = {
      status: error.code as SubmitResult["status"],
      detail: error.why.slice(error.code.length + 2),
      ...(certificateId === undefined ? {} : { certificateId }),
    };
  }
  return reportSubmit(result, options.json);
}

function registerCertificates(lab: Command, wiring: CliWiring): void {
  serve(
    lab
      .command("certify")
      .description(
        "draw the sample of a stored shipment by the rule's plan and sign a certificate (prints it)",
      )
      .argument("<shipment>")
      .requiredOption("--measurements <file>", "JSON {denseTops: {fp8, fp16, …}, dramBandwidthGBs}")
      .requiredOption("--key <file>", "the lab's PEM private key")
      .requiredOption("--lab <id>")
      .option("--id <id>", "certificate id")
      .option("--tested-on <date>")
      .option("--test-country <country>", "where the test took place", "US")
      .option("--test-site <text>")
      .option("--nonce <hex>", "the lab's nonce (default: 16 random bytes)"),
    (shipmentId: string, options: CertifyOptions) => certify(wiring, shipmentId, options),
    certifyRemote,
  );
  serve(
    lab
      .command("submit")
      .description("check a signed certificate and file it for its shipment")
      .argument("<certificate>", "file or - for stdin")
      .option(
        "--shipment <id>",
        "the shipment it is filed for (default: the one it names; not with --server)",
      )
      .option("--at <date>", "refused: a submission is checked on the clock's day (#13)")
      .option("--json", "print JSON"),
    (file: string, options: SubmitFlags) =>
      withEvidence(wiring, async (evidence) => {
        // Filing a certificate changes state: it is checked on the clock's day, never a given one.
        if (options.at !== undefined)
          throw badInput(
            "`sluice lab submit --at`",
            `a state change takes the clock, not a date given on the command line (${quote(options.at)})`,
            "client_time_refused",
          );
        const result = await evidence.submitCertificate(readJsonInput(file), {
          at: todayOf(),
          ...(options.shipment ? { shipmentId: options.shipment } : {}),
        });
        return reportSubmit(result, options.json);
      }),
    submitRemote,
  );
}
