// The log's signing key: given by configuration (SLUICE_LOG_KEY, a C2SP signer key
// `PRIVATE+KEY+<name>+<id>+<key>`, or SLUICE_LOG_KEY_FILE, a file holding one), else generated on
// first start into the data directory as `log.key`, readable by its owner only (0600). The key's
// name is the log's origin (SLUICE_LOG_ORIGIN, default `sluice.local/log`). Rotation: docs/log.md.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { quote, SluiceError } from "../../../core/errors.ts";
import { formatSignerKey, parseSignerKey, type Signer, signerFromSeed } from "../../../core/log/note.ts";

export const logOriginDefault = "sluice.local/log";
export const logKeyFileName = "log.key";

function parsed(text: string, where: string): Signer {
  const result = parseSignerKey(text);
  if (!result.ok) throw new SluiceError("bad_input", where, result.why, "bad_log_key");
  return result.value;
}

/** The log's signer from the environment, or the data directory's key (made on first use). */
export function loadLogSigner(env: NodeJS.ProcessEnv = process.env, dataDir?: string): Signer {
  if (env.SLUICE_LOG_KEY) return parsed(env.SLUICE_LOG_KEY, "SLUICE_LOG_KEY");
  if (env.SLUICE_LOG_KEY_FILE) {
    return parsed(
      readFileSync(env.SLUICE_LOG_KEY_FILE, "utf8"),
      `log key file ${quote(env.SLUICE_LOG_KEY_FILE)}`,
    );
  }
  const dir = resolve(dataDir ?? env.SLUICE_DATA_DIR ?? ".sluice");
  const file = join(dir, logKeyFileName);
  if (existsSync(file)) {
    // A key others can read is a key others may have copied: refuse rather than sign with it.
    if ((statSync(file).mode & 0o077) !== 0) {
      throw new SluiceError("bad_input", `log key file ${quote(file)}`, "readable by others (chmod 600 it)");
    }
    return parsed(readFileSync(file, "utf8"), `log key file ${quote(file)}`);
  }
  const signer = signerFromSeed(env.SLUICE_LOG_ORIGIN || logOriginDefault, randomBytes(32));
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${formatSignerKey(signer)}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return signer;
}

/** A new signer key text (for `sluice log keygen`, witnesses and rotation). */
export const newSignerKey = (name: string, type: 1 | 4 = 1): string =>
  formatSignerKey(signerFromSeed(name, randomBytes(32), type));
