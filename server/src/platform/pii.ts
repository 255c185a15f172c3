/**
 * Personal data protection for phone numbers (and other identifiers): a keyed hash for lookup (recognise a
 * repeat caller without storing the number in the clear), AES-256-GCM encryption at rest, and masking for
 * display. Reveals of the clear number are the caller's business to audit (see `recordAudit`).
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomBytes } from 'node:crypto';

export type ProtectedPhone = { hash: string; encrypted: string; masked: string; lastFour: string };

export type PiiVault = {
  /** Canonical form: digits only, with China's +86 / 0086 prefix removed for domestic numbers. */
  normalisePhone(raw: string): string;
  protectPhone(raw: string): ProtectedPhone;
  hashPhone(raw: string): string;
  reveal(encrypted: string): string;
};

/** Builds the vault from one master key (32+ bytes, base64url); lookup and encryption keys are derived from it. */
export function createPiiVault(masterKey: string): PiiVault {
  const master = Buffer.from(masterKey, 'base64url');
  if (master.length < 32) throw new Error('the data key must be at least 32 bytes (base64url)');
  // Key objects made once: a raw key buffer would be imported again on every hash and cipher, which costs an
  // incoming call more than the hashing and the encryption themselves.
  const hashKey = createSecretKey(Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'hotline/phone-hash/v1', 32)));
  const encKey = createSecretKey(Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'hotline/phone-enc/v1', 32)));

  const normalisePhone = (raw: string) => {
    let digits = raw.replace(/[^\d+]/g, '');
    if (digits.startsWith('+86')) digits = digits.slice(3);
    else if (digits.startsWith('0086')) digits = digits.slice(4);
    return digits.replace(/^\+/, '00');
  };
  const hashPhone = (raw: string) => createHmac('sha256', hashKey).update(normalisePhone(raw)).digest('hex');

  return {
    normalisePhone,
    hashPhone,
    protectPhone(raw) {
      const phone = normalisePhone(raw);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(phone, 'utf8'), cipher.final()]);
      return {
        hash: hashPhone(phone),
        encrypted: `v1.${iv.toString('base64url')}.${body.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`,
        masked: maskPhone(phone),
        lastFour: phone.slice(-4),
      };
    },
    reveal(encrypted) {
      const [version, iv, body, tag] = encrypted.split('.');
      if (version !== 'v1' || !iv || !body || !tag) throw new Error('unknown encrypted value format');
      const decipher = createDecipheriv('aes-256-gcm', encKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/** 13800138000 → 138****8000; 057187001234 → 0571****1234; short numbers (110, 12345) stay as they are. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 6) return digits;
  if (/^1\d{10}$/.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  const keep = Math.min(4, Math.floor((digits.length - 4) / 2));
  return `${digits.slice(0, keep)}${'*'.repeat(digits.length - keep - 4)}${digits.slice(-4)}`;
}

export function newDataKey(): string {
  return randomBytes(32).toString('base64url');
}
