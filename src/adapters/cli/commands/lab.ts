// CLI for labs: `sluice lab keygen|register|revoke|certify|submit`. A lab makes its Ed25519 key
// pair, the exporter's officer registers the public key, the lab certifies a shipment (the sample
// is drawn from the stored serials by the rule's plan) and the certificate is submitted; a
// rejected certificate prints one line with its status and exits non-zero.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import type { RevertRelease, SubmitResult } from "../../../app/evidence.ts";
import { shipmentContext } from "../../../app/shipment-context.ts";
import * as rows from "../../../app/shipment-rows.ts";
import { ShipmentService } from "../../../app/shipments.ts";
import { chipSpecSchema } from "../../../core/classification/spec.ts";
import { badInput, exitCodeByKind, exitCodes, notFound, quote, SluiceError } from "../../../core/errors.ts";
import { keyIdOf, signCertificate } from "../../../core/evidence/certificate.ts";
import { draftCertificate } from "../../../core/evidence/issue.ts";
import { isoDateSchema } from "../../../core/shared.ts";
import { parseInput } from "../../../core/validation.ts";
import { action, printJson, readInput, readJsonInput } from "../io.ts";
import { withStore } from "../ledger-context.ts";
import { newEvidence, reportCreate, todayOf, withEvidence } from "./evidence-shared.ts";

const measurementsSchema = z.strictObject({
  denseTops: chipSpecSchema.shape.denseTops,
  dramBandwidthGBs: z.number().positive().finite(),
});

function keygen(options: { out: string; json?: boolean }): number {
  const privateFile = join(options.out, "lab-private.pem");
  const publicFile = join(options.out, "lab-public.pem");
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
  else process.stdout.write(`${publicPem}key id ${keyId}\nprivate key: ${privateFile}\n`);
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

async function certify(shipmentId: string, options: CertifyOptions): Promise<void> {
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
  await withEvidence(async (evidence, store) => {
    const { shipment, productId } = await store.transaction(async (tx) => {
      const found = await rows.loadShipment(tx, shipmentId);
      if (!found) throw notFound(`shipment ${quote(shipmentId)}`);
      const order = await rows.loadOrder(tx, found.orderId);
      if (!order) throw notFound(`order ${quote(found.orderId)}`);
      return { shipment: found, productId: order.doc.productId };
    });
    const body = draftCertificate({
      id: options.id ?? `${options.lab}:${shipmentId}:${nonce.slice(0, 8)}`,
      labId: options.lab,
      keyId: keyIdOf(createPublicKey(privateKey)),
      shipment: {
        id: shipment.id,
        productId,
        quantityUnits: shipment.quantityUnits,
        serials: shipment.serials,
      },
      nonce,
      testCountry: options.testCountry,
      ...(options.testSite ? { testSite: options.testSite } : {}),
      testedOn,
      measured,
      plan: evidence.certificateRules(testedOn).samplingPlan,
    });
    printJson(signCertificate(body, privateKey));
  });
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

export function registerLab(program: Command): void {
  const lab = program.command("lab").description("qualified test labs: keys, registry, certificates");
  lab
    .command("keygen")
    .description("make an Ed25519 key pair: lab-private.pem and lab-public.pem in --out")
    .option("--out <dir>", "directory for the key files", ".")
    .option("--json", "print JSON")
    .action(action((options: { out: string; json?: boolean }) => keygen(options)));
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
    .option("--json", "print JSON")
    .action(
      action((options: Record<string, string | boolean | undefined>) =>
        withEvidence(async (evidence) => {
          const result = await evidence.registerLab({
            id: options.id,
            name: options.name,
            headquartersCountry: options.hq,
            publicKey: readInput(String(options.publicKey)),
            qualifiedFrom: options.qualifiedFrom,
            ...(options.qualifiedTo ? { qualifiedTo: options.qualifiedTo } : {}),
            ...(options.controlCountry ? { controlCountry: options.controlCountry } : {}),
          });
          return reportCreate("lab", result.labId, result.status, options.json === true, {
            keyId: result.keyId,
          });
        }),
      ),
    );
  lab
    .command("revoke")
    .description("revoke a lab: its released, unshipped lots go back on hold")
    .argument("<lab>")
    .requiredOption("--reason <text>")
    .requiredOption("--on <date>", "revocation date")
    .option("--json", "print JSON")
    .action(
      action((labId: string, options: { reason: string; on: string; json?: boolean }) =>
        withStore(async (store) => {
          const evidence = newEvidence(store);
          const revert = revertReleaseOf(new ShipmentService(shipmentContext(store)));
          const result = await evidence.revokeLab(
            { labId, reason: options.reason, revokedOn: options.on },
            revert,
          );
          if (options.json) printJson(result);
          else
            process.stdout.write(
              `lab ${labId}: ${result.status} (certificates revoked ${result.certificatesRevoked}, reverted ${result.reverted.join(", ") || "none"}${result.relying ? `, still released: ${result.relying.join(", ") || "none"}` : ""})\n`,
            );
          return result.status.startsWith("exists_with_different_") ? exitCodes.conflict : exitCodes.ok;
        }),
      ),
    );
  registerCertificates(lab);
}

function registerCertificates(lab: Command): void {
  lab
    .command("certify")
    .description("draw the sample of a stored shipment by the rule's plan and sign a certificate (prints it)")
    .argument("<shipment>")
    .requiredOption("--measurements <file>", "JSON {denseTops: {fp8, fp16, …}, dramBandwidthGBs}")
    .requiredOption("--key <file>", "the lab's PEM private key")
    .requiredOption("--lab <id>")
    .option("--id <id>", "certificate id")
    .option("--tested-on <date>")
    .option("--test-country <country>", "where the test took place", "US")
    .option("--test-site <text>")
    .option("--nonce <hex>", "the lab's nonce (default: 16 random bytes)")
    .action(action((shipmentId: string, options: CertifyOptions) => certify(shipmentId, options)));
  lab
    .command("submit")
    .description("check a signed certificate and file it for its shipment")
    .argument("<certificate>", "file or - for stdin")
    .option("--shipment <id>", "the shipment it is filed for (default: the one it names)")
    .option("--at <date>", "day of the check (default: today)")
    .option("--json", "print JSON")
    .action(
      action((file: string, options: { shipment?: string; at?: string; json?: boolean }) =>
        withEvidence(async (evidence) => {
          const result = await evidence.submitCertificate(readJsonInput(file), {
            at: options.at ? parseInput(isoDateSchema, options.at, "--at") : todayOf(),
            ...(options.shipment ? { shipmentId: options.shipment } : {}),
          });
          return reportSubmit(result, options.json);
        }),
      ),
    );
}
