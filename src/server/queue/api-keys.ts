import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { QueueError } from "./errors.js";
import type { QueueDb } from "./queue-database.js";
import { parseColumn, parseRow } from "./queue-database.js";

/** What a key may do, without its secret. */
export interface ApiKeyInfo {
  /** The secret's first eight characters: enough to name a key in a list, not to use it. */
  first_eight: string;
  principal: string;
  scopes: string[];
  role: string | null;
  note: string | null;
  time_created: number;
  /** Seconds since the epoch, or null for a key that does not expire. */
  expires_at: number | null;
}

export interface ApiKeyRequest {
  principal: string;
  scopes: readonly string[];
  role?: string;
  note?: string;
  /** Seconds from now; a key without it does not expire. */
  expiresIn?: number;
}

const keyRow = z.object({
  first_eight: z.string(),
  principal: z.string(),
  scopes: z.string(),
  role: z.string().nullable(),
  note: z.string().nullable(),
  time_created: z.number(),
  expires_at: z.number().nullable(),
});

// Secrets are 32 random bytes, so one SHA-256 is enough: there is nothing to guess.
function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** API keys: only the hash of each secret is stored; the secret is shown once, at creation. */
export class ApiKeyStore {
  readonly #db: QueueDb;
  readonly #now: () => number;

  constructor(db: QueueDb, now: () => number) {
    this.#db = db;
    this.#now = now;
  }

  create(request: ApiKeyRequest): { secret: string; info: ApiKeyInfo } {
    const { principal, scopes, role, note, expiresIn } = request;
    if (expiresIn !== undefined && !(expiresIn > 0)) {
      throw new QueueError(`api key: expires_in ${expiresIn} is not a positive number of seconds`);
    }
    const secret = randomBytes(32).toString("hex");
    const now = this.#now();
    const info: ApiKeyInfo = {
      first_eight: secret.slice(0, 8),
      principal,
      scopes: [...scopes],
      role: role ?? null,
      note: note ?? null,
      time_created: now,
      expires_at: expiresIn === undefined ? null : now + expiresIn,
    };
    this.#db
      .prepare(
        `INSERT INTO api_keys (first_eight, secret_hash, principal, scopes, role, note, time_created, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        info.first_eight,
        hashSecret(secret),
        principal,
        JSON.stringify(info.scopes),
        info.role,
        info.note,
        now,
        info.expires_at,
      );
    return { secret, info };
  }

  /** The key's grants, or undefined for an unknown, revoked or expired secret. */
  verify(secret: string): ApiKeyInfo | undefined {
    const row: unknown = this.#db
      .prepare("SELECT * FROM api_keys WHERE secret_hash = ?")
      .get(hashSecret(secret));
    if (row === undefined) return undefined;
    const info = this.#parse(row);
    return info.expires_at !== null && info.expires_at <= this.#now() ? undefined : info;
  }

  list(principal?: string): ApiKeyInfo[] {
    const rows: unknown[] =
      principal === undefined
        ? this.#db.prepare("SELECT * FROM api_keys ORDER BY time_created").all()
        : this.#db
            .prepare("SELECT * FROM api_keys WHERE principal = ? ORDER BY time_created")
            .all(principal);
    return rows.map((row) => this.#parse(row));
  }

  /** Revokes the keys whose secret starts with `firstEight`; returns how many. */
  revoke(firstEight: string, principal?: string): number {
    const sql =
      principal === undefined
        ? "DELETE FROM api_keys WHERE first_eight = ?"
        : "DELETE FROM api_keys WHERE first_eight = ? AND principal = ?";
    const args = principal === undefined ? [firstEight] : [firstEight, principal];
    return this.#db.prepare(sql).run(...args).changes;
  }

  /** Drops expired keys, which verify() already refuses. */
  purgeExpired(): number {
    return this.#db
      .prepare("DELETE FROM api_keys WHERE expires_at IS NOT NULL AND expires_at <= ?")
      .run(this.#now()).changes;
  }

  #parse(row: unknown): ApiKeyInfo {
    const { scopes, ...rest } = parseRow(keyRow, row, "an api_keys row");
    return {
      ...rest,
      scopes: parseColumn(z.array(z.string()), scopes, `api key ${rest.first_eight}`),
    };
  }
}
