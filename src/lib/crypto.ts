import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** A ciphertext that no configured key opens (wrong key, rotated away, or corrupted). */
export class UndecryptableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndecryptableError';
  }
}

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

/**
 * AES-256-GCM for tokens at rest, with a key ring: the first key encrypts, every key decrypts (rotation lists the
 * new key first, then the old ones). Ciphertext: `v2:<key id>:base64(iv).base64(tag).base64(data)`; the older
 * unprefixed form `iv.tag.data` is still read (every key is tried).
 */
export class TokenCipher {
  private readonly keys: { id: string; key: Buffer }[];
  constructor(hexKeys: string | readonly string[]) {
    const list = (typeof hexKeys === 'string' ? hexKeys.split(',') : [...hexKeys]).map((k) => k.trim()).filter(Boolean);
    if (list.length === 0) throw new Error('at least one token encryption key is required');
    this.keys = list.map((hex) => {
      const key = Buffer.from(hex, 'hex');
      if (key.length !== 32) throw new Error('token encryption key must be 32 bytes (64 hex characters)');
      return { id: keyId(key), key };
    });
  }

  /** Id of the key new ciphertexts are made with. */
  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  encrypt(plain: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `v2:${id}:${[iv, c.getAuthTag(), data].map((b) => b.toString('base64')).join('.')}`;
  }

  decrypt(box: string): string {
    const m = /^v2:([0-9a-f]{8}):(.*)$/.exec(box);
    const body = m ? m[2]! : box;
    const candidates = m ? this.keys.filter((k) => k.id === m[1]) : this.keys;
    const [iv, tag, data] = body.split('.').map((p) => Buffer.from(p, 'base64'));
    if (!iv || !tag || !data) throw new UndecryptableError('malformed ciphertext');
    for (const { key } of candidates) {
      try {
        const d = createDecipheriv('aes-256-gcm', key, iv);
        d.setAuthTag(tag);
        return Buffer.concat([d.update(data), d.final()]).toString('utf8');
      } catch {
        /* next key */
      }
    }
    throw new UndecryptableError(m ? `no configured key has id ${m[1]}` : 'no configured key decrypts this token');
  }

  /** True when the ciphertext was not made with the current key (background re-encryption picks it up). */
  isStale(box: string): boolean {
    return !box.startsWith(`v2:${this.currentKeyId}:`);
  }

  /** A 32-byte key for another purpose (signing OAuth state), derived from the current key. */
  derive(label: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.keys[0]!.key, Buffer.alloc(0), `closeloop:${label}`, 32));
  }
}
