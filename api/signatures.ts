/**
 * Electronic signatures (21 CFR Part 11 §11.200 style): a signed action needs the signer's
 * password again; the signature records signer, role, meaning, time and the SHA-256 of
 * exactly what was signed (case, action, data). The workflow refuses a signed step without
 * one, and the PDFs print it.
 */
import { canonicalJson, sha256 } from '../activities/hash';
import type { Actor, Signature } from '../workflows/types';
import type { Auth } from './auth';
import { HttpError } from './errors';

export async function signAs(
  auth: Auth,
  actor: Actor,
  password: string | undefined,
  meaning: string,
  content: { caseNo: string; action: string; data: unknown },
): Promise<Signature> {
  if (!password) {
    throw new HttpError(400, 'invalid_request', 'password: is required — this action is signed electronically', [
      { field: 'password', reason: 'is required — this action is signed electronically' },
    ]);
  }
  const { at } = await auth.reauthenticate(actor.id, password);
  return {
    signerId: actor.id,
    signerName: actor.name ?? actor.id,
    role: actor.role,
    meaning,
    at: at.toISOString(),
    contentHash: sha256(canonicalJson(content)),
  };
}
