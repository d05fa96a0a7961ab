// The report signing key (Ed25519): read from SLUICE_REPORT_KEY_FILE when set, else from
// `report-key.pem` in the data directory, generated there on first use with owner-only permissions
// (0600). The private key never leaves this module; the public key is served at GET /v1/reports/key.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ReportSigner } from "../../app/reports/ports.ts";
import { quote, SluiceError } from "../../core/errors.ts";
import { reportKeyIdOf } from "../../core/reports/signature.ts";

export const reportKeyFileName = "report-key.pem";

/** Where the key lives: the configured file, or the data directory's. */
export function reportKeyPath(
  env: NodeJS.ProcessEnv = process.env,
  dataDir = env.SLUICE_DATA_DIR || ".sluice",
): string {
  return env.SLUICE_REPORT_KEY_FILE || join(dataDir, reportKeyFileName);
}

function readKey(path: string): KeyObject {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0)
    throw new SluiceError(
      "bad_input",
      `report key ${quote(path)}`,
      `readable by others (mode ${mode.toString(8)}); chmod 600 it`,
    );
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(path));
  } catch {
    throw new SluiceError("bad_input", `report key ${quote(path)}`, "not a PEM private key");
  }
  if (key.asymmetricKeyType !== "ed25519")
    throw new SluiceError(
      "bad_input",
      `report key ${quote(path)}`,
      `an ${key.asymmetricKeyType} key, expected ed25519`,
    );
  return key;
}

/** The key at `path`, generated (0600, directory created) when the file does not exist yet. */
export function loadOrCreateReportKey(path: string): KeyObject {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    const { privateKey } = generateKeyPairSync("ed25519");
    // `wx`: never overwrite a key another process wrote in the meantime; read that one instead.
    try {
      writeFileSync(path, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
      chmodSync(path, 0o600);
    } catch (error) {
      if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
    }
  }
  return readKey(path);
}

export function reportSigner(privateKey: KeyObject): ReportSigner {
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: reportKeyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    sign: (bytes) => sign(null, bytes, privateKey).toString("base64"),
  };
}

/** The public key (PEM) in a key file: a public key as is, or the public half of a private key. */
export function publicKeyPemOf(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new SluiceError("bad_input", `key file ${quote(path)}`, "cannot be read");
  }
  try {
    const key = text.includes("PRIVATE KEY")
      ? createPublicKey(createPrivateKey(text))
      : createPublicKey(text);
    return key.export({ type: "spki", format: "pem" }).toString();
  } catch {
    throw new SluiceError("bad_input", `key file ${quote(path)}`, "not a PEM key");
  }
}
