import { XMLValidator } from 'fast-xml-parser';
import encodeChunks from 'png-chunks-encode';
import extractChunks from 'png-chunks-extract';
import { AppError } from './errors.ts';

/**
 * Open Badges 3.0 "baking" (docformat §Baked Badge): a credential carried inside a PNG (an uncompressed
 * iTXt chunk with keyword `openbadgecredential`) or an SVG (an `<openbadges:credential>` element right after
 * the `<svg>` tag). A Data Integrity credential goes in as its JSON; a VC-JWT credential as the compact JWS
 * (the iTXt text, or the SVG element's `verify` attribute). A file carries at most one baked credential:
 * baking replaces an existing one, unbaking refuses a file with more than one.
 */

export type BakedFormat = 'png' | 'svg';
/** `json` also covers a bare compact JWS (VC-JWT) in a text file. */
export type CredentialFileFormat = BakedFormat | 'json';

export const PNG_CREDENTIAL_KEYWORD = 'openbadgecredential';
export const OPEN_BADGES_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0';
const OB2_PNG_KEYWORD = 'openbadges';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
const PNG_TEXT_CHUNKS = new Set(['iTXt', 'tEXt', 'zTXt']);
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;

export interface UnbakedCredential {
  format: CredentialFileFormat;
  /** The credential's JSON (embedded proof) or its compact JWS (VC-JWT). */
  credential: object | string;
}

// ---------------------------------------------------------------------------------------------- credential text

function credentialText(credential: object | string): string {
  if (typeof credential === 'string') {
    if (!COMPACT_JWS.test(credential)) {
      throw AppError.validation('A credential given as a string must be a compact JWS (VC-JWT)');
    }
    return credential;
  }
  return JSON.stringify(credential);
}

function parseCredentialText(text: string, where: string): object | string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw AppError.validation(`The credential in ${where} is not valid JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw AppError.validation(`The credential in ${where} must be a JSON object`);
    }
    return parsed;
  }
  if (COMPACT_JWS.test(trimmed)) return trimmed;
  throw AppError.validation(
    `The credential in ${where} is neither a JSON credential nor a compact JWS (VC-JWT)`,
  );
}

// ------------------------------------------------------------------------------------------------------ sniffing

function hasPngSignature(bytes: Uint8Array): boolean {
  return bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((byte, index) => bytes[index] === byte);
}

function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw AppError.validation(`The ${what} is not valid UTF-8 text`);
  }
}

/** Tells a PNG, an SVG and a JSON (or bare VC-JWT) credential file apart by content; `null` for anything else. */
export function sniffCredentialFile(bytes: Uint8Array): CredentialFileFormat | null {
  if (hasPngSignature(bytes)) return 'png';
  const head = new TextDecoder('utf-8')
    .decode(bytes.subarray(0, 4096))
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('{')) return 'json';
  if (head.startsWith('<')) return /<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]/.test(head) ? 'svg' : null;
  const firstLine = head.split(/\s/, 1)[0] ?? '';
  return COMPACT_JWS.test(firstLine) ? 'json' : null;
}

/**
 * Extracts the credential from a JSON file, a baked PNG or a baked SVG. Throws `unsupported_media_type` for
 * other files and `validation_failed` (with a message saying what is wrong) for a broken or unbaked one.
 */
export function unbakeCredential(bytes: Uint8Array): UnbakedCredential {
  const format = sniffCredentialFile(bytes);
  switch (format) {
    case 'png':
      return { format, credential: unbakePng(bytes) };
    case 'svg':
      return { format, credential: unbakeSvg(decodeUtf8(bytes, 'SVG')) };
    case 'json':
      return { format, credential: parseCredentialText(decodeUtf8(bytes, 'file'), 'the file') };
    default:
      throw new AppError('unsupported_media_type', 'Not a credential file', {
        detail:
          'Not a credential file: upload a credential as JSON (or a bare vc+jwt), a baked PNG or a baked SVG',
      });
  }
}

// ----------------------------------------------------------------------------------------------------------- PNG

interface PngChunk {
  name: string;
  data: Uint8Array;
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset] ?? 0) * 0x1000000 +
      ((bytes[offset + 1] ?? 0) << 16) +
      ((bytes[offset + 2] ?? 0) << 8) +
      (bytes[offset + 3] ?? 0)) >>>
    0
  );
}

function readPngChunks(bytes: Uint8Array): PngChunk[] {
  if (!hasPngSignature(bytes)) throw AppError.validation('The image is not a PNG');
  // png-chunks-extract allocates whatever length a chunk header declares, so walk the lengths first: a
  // forged 4 GB length must not become a 4 GB allocation.
  let offset = PNG_SIGNATURE.length;
  let ended = false;
  while (offset + 12 <= bytes.length) {
    const length = readUint32(bytes, offset);
    const name = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (offset + 12 + length > bytes.length) break;
    offset += 12 + length;
    if (name === 'IEND') {
      ended = true;
      break;
    }
  }
  if (!ended) throw AppError.validation('The PNG is truncated or corrupt (no complete IEND chunk)');
  try {
    return extractChunks(bytes);
  } catch (error) {
    throw AppError.validation(`The PNG is corrupt: ${(error as Error).message}`);
  }
}

interface TextChunk {
  keyword: string;
  compressed: boolean;
  /** Only for iTXt: the UTF-8 text. */
  text: Uint8Array;
}

/** Splits a tEXt/zTXt/iTXt chunk into keyword and text; `null` when it is malformed. */
function parseTextChunk(chunk: PngChunk): TextChunk | null {
  const { data } = chunk;
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 1 || keywordEnd > 79) return null;
  const keyword = String.fromCharCode(...data.subarray(0, keywordEnd));
  if (chunk.name !== 'iTXt') return { keyword, compressed: chunk.name === 'zTXt', text: new Uint8Array() };
  const compressed = data[keywordEnd + 1] !== 0;
  const languageEnd = data.indexOf(0, keywordEnd + 3);
  if (languageEnd < 0) return null;
  const translatedEnd = data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) return null;
  return { keyword, compressed, text: data.subarray(translatedEnd + 1) };
}

function credentialITxt(text: string): PngChunk {
  const keyword = new TextEncoder().encode(PNG_CREDENTIAL_KEYWORD);
  const body = new TextEncoder().encode(text);
  // keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, text.
  const data = new Uint8Array(keyword.length + 5 + body.length);
  data.set(keyword, 0);
  data.set(body, keyword.length + 5);
  return { name: 'iTXt', data };
}

function isCredentialChunk(chunk: PngChunk): boolean {
  return PNG_TEXT_CHUNKS.has(chunk.name) && parseTextChunk(chunk)?.keyword === PNG_CREDENTIAL_KEYWORD;
}

/** Bakes the credential into a PNG, replacing any credential already baked in (the spec allows one). */
export function bakePng(image: Uint8Array, credential: object | string): Uint8Array {
  const text = credentialText(credential);
  const chunks = readPngChunks(image).filter((chunk) => !isCredentialChunk(chunk));
  // Right after IHDR, so a reader that stops at the first openbadgecredential chunk finds it early.
  chunks.splice(1, 0, credentialITxt(text));
  return encodeChunks(chunks);
}

function unbakePng(bytes: Uint8Array): object | string {
  const texts = readPngChunks(bytes)
    .filter((chunk) => PNG_TEXT_CHUNKS.has(chunk.name))
    .map((chunk) => ({ name: chunk.name, parsed: parseTextChunk(chunk) }));
  const baked = texts.filter((entry) => entry.parsed?.keyword === PNG_CREDENTIAL_KEYWORD);
  if (baked.length === 0) {
    if (texts.some((entry) => entry.parsed?.keyword === OB2_PNG_KEYWORD)) {
      throw AppError.validation(
        'This PNG carries an Open Badges 2.0 assertion; only 3.0 credentials are read',
      );
    }
    throw AppError.validation(
      `The PNG carries no baked credential (no iTXt chunk with keyword "${PNG_CREDENTIAL_KEYWORD}")`,
    );
  }
  if (baked.length > 1) {
    throw AppError.validation(
      `The PNG carries ${baked.length} baked credentials; Open Badges allows only one per file`,
    );
  }
  const [only] = baked;
  if (!only?.parsed || only.name !== 'iTXt') {
    throw AppError.validation(`The "${PNG_CREDENTIAL_KEYWORD}" chunk must be an iTXt chunk`);
  }
  if (only.parsed.compressed) {
    throw AppError.validation(`The "${PNG_CREDENTIAL_KEYWORD}" chunk is compressed; the spec forbids that`);
  }
  return parseCredentialText(decodeUtf8(only.parsed.text, 'baked credential text'), 'the PNG');
}

// ----------------------------------------------------------------------------------------------------------- SVG

interface StartTag {
  qualifiedName: string;
  prefix: string;
  localName: string;
  start: number;
  /** Index just past the tag's `>`. */
  end: number;
  selfClosing: boolean;
  attributes: Map<string, string>;
}

interface CredentialElement {
  start: number;
  /** Index just past the element's end tag (or its `/>`). */
  end: number;
  verify: string | undefined;
  content: string;
}

interface ScannedSvg {
  root: StartTag;
  credentials: CredentialElement[];
}

const NAME = /^[A-Za-z_:][\w.:-]*/;
const PREDEFINED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function xmlError(detail: string): AppError {
  return AppError.validation(`The SVG is not well-formed XML: ${detail}`);
}

function decodeEntities(text: string): string {
  return text.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw xmlError('a bare "&" must be written "&amp;"');
    if (name in PREDEFINED_ENTITIES) return PREDEFINED_ENTITIES[name] as string;
    const code = name.startsWith('#x')
      ? Number.parseInt(name.slice(2), 16)
      : name.startsWith('#')
        ? Number(name.slice(1))
        : Number.NaN;
    if (!Number.isInteger(code) || code < 1 || code > 0x10ffff) throw xmlError(`unknown entity "&${name};"`);
    return String.fromCodePoint(code);
  });
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

function parseStartTag(svg: string, start: number): StartTag {
  let index = start + 1;
  const name = NAME.exec(svg.slice(index, index + 200))?.[0];
  if (!name) throw xmlError(`bad tag at offset ${start}`);
  index += name.length;
  const attributes = new Map<string, string>();
  for (;;) {
    const afterSpace = index + (/^\s*/.exec(svg.slice(index, index + 10_000))?.[0].length ?? 0);
    const hadSpace = afterSpace > index;
    index = afterSpace;
    if (svg.startsWith('/>', index) || svg[index] === '>') {
      const selfClosing = svg[index] === '/';
      const [prefix, localName] = name.includes(':') ? name.split(':', 2) : ['', name];
      return {
        qualifiedName: name,
        prefix: prefix ?? '',
        localName: localName ?? name,
        start,
        end: index + (selfClosing ? 2 : 1),
        selfClosing,
        attributes,
      };
    }
    const attributeName = NAME.exec(svg.slice(index, index + 200))?.[0];
    if (!attributeName || !hadSpace) throw xmlError(`bad attribute in <${name}> at offset ${index}`);
    index += attributeName.length;
    index += /^\s*/.exec(svg.slice(index, index + 10_000))?.[0].length ?? 0;
    if (svg[index] !== '=') throw xmlError(`attribute "${attributeName}" has no value`);
    index += 1;
    index += /^\s*/.exec(svg.slice(index, index + 10_000))?.[0].length ?? 0;
    const quote = svg[index];
    if (quote !== '"' && quote !== "'") throw xmlError(`attribute "${attributeName}" is not quoted`);
    const valueEnd = svg.indexOf(quote, index + 1);
    if (valueEnd < 0) throw xmlError(`attribute "${attributeName}" is not closed`);
    const raw = svg.slice(index + 1, valueEnd);
    if (raw.includes('<')) throw xmlError(`"<" inside attribute "${attributeName}"`);
    if (attributes.has(attributeName)) throw xmlError(`duplicate attribute "${attributeName}"`);
    attributes.set(attributeName, decodeEntities(raw));
    index = valueEnd + 1;
  }
}

/**
 * A small, strict XML tokenizer: comments, CDATA and processing instructions are skipped as units (so a
 * `<openbadges:credential>` inside a comment is not one), DOCTYPE and entity declarations are refused (no
 * entity expansion, ever), namespace prefixes are resolved per element.
 */
function scanSvg(svg: string): ScannedSvg {
  const stack: { tag: StartTag; namespaces: Map<string, string> }[] = [];
  const credentials: CredentialElement[] = [];
  let root: StartTag | undefined;
  let rootClosed = false;
  let open: { element: CredentialElement; depth: number } | undefined;
  let index = svg.charCodeAt(0) === 0xfeff ? 1 : 0;

  const addText = (text: string): void => {
    if (open) open.element.content += decodeEntities(text);
    else if (text.trim() !== '' && (stack.length === 0 || rootClosed))
      throw xmlError('text outside the root element');
  };

  while (index < svg.length) {
    const lt = svg.indexOf('<', index);
    if (lt < 0) {
      addText(svg.slice(index));
      break;
    }
    addText(svg.slice(index, lt));
    if (svg.startsWith('<!--', lt)) {
      const end = svg.indexOf('-->', lt + 4);
      if (end < 0) throw xmlError('unclosed comment');
      index = end + 3;
    } else if (svg.startsWith('<![CDATA[', lt)) {
      const end = svg.indexOf(']]>', lt + 9);
      if (end < 0) throw xmlError('unclosed CDATA section');
      if (stack.length === 0) throw xmlError('CDATA outside the root element');
      if (open) open.element.content += svg.slice(lt + 9, end);
      index = end + 3;
    } else if (svg.startsWith('<?', lt)) {
      const end = svg.indexOf('?>', lt + 2);
      if (end < 0) throw xmlError('unclosed processing instruction');
      index = end + 2;
    } else if (svg.startsWith('<!', lt)) {
      throw AppError.validation('SVGs with a DOCTYPE or entity declarations are not accepted');
    } else if (svg.startsWith('</', lt)) {
      const end = svg.indexOf('>', lt);
      if (end < 0) throw xmlError('unclosed end tag');
      const name = svg.slice(lt + 2, end).trim();
      const top = stack.pop();
      if (!top || top.tag.qualifiedName !== name) throw xmlError(`unexpected </${name}> at offset ${lt}`);
      if (open && open.depth === stack.length) {
        open.element.end = end + 1;
        open = undefined;
      }
      if (stack.length === 0) rootClosed = true;
      index = end + 1;
    } else {
      if (rootClosed) throw xmlError('more than one root element');
      const tag = parseStartTag(svg, lt);
      if (open) throw AppError.validation('The <openbadges:credential> element must hold only text');
      const namespaces = new Map(stack.at(-1)?.namespaces);
      for (const [name, value] of tag.attributes) {
        if (name.startsWith('xmlns:')) namespaces.set(name.slice(6), value);
      }
      if (!root) {
        if (tag.localName !== 'svg') throw AppError.validation('The root element of the file is not <svg>');
        root = tag;
      }
      if (
        tag.localName === 'credential' &&
        tag.prefix !== '' &&
        namespaces.get(tag.prefix) === OPEN_BADGES_NAMESPACE
      ) {
        const element: CredentialElement = {
          start: lt,
          end: tag.end,
          verify: tag.attributes.get('verify'),
          content: '',
        };
        credentials.push(element);
        if (!tag.selfClosing) open = { element, depth: stack.length };
      }
      if (tag.selfClosing) {
        if (stack.length === 0) rootClosed = true;
      } else {
        stack.push({ tag, namespaces });
      }
      index = tag.end;
    }
  }
  if (!root || !rootClosed) throw xmlError('the <svg> element is not closed');
  // A second opinion on well-formedness (names, nesting) from a real parser; entities were refused above.
  const validation = XMLValidator.validate(svg, { allowBooleanAttributes: false });
  if (validation !== true) throw xmlError(`${validation.err.msg} (line ${validation.err.line})`);
  return { root, credentials };
}

/** Bakes the credential into an SVG, replacing any credential already baked in (the spec allows one). */
export function bakeSvg(svg: string, credential: object | string): string {
  const text = credentialText(credential);
  const { root, credentials } = scanSvg(svg);
  const boundTo = root.attributes.get('xmlns:openbadges');
  if (boundTo !== undefined && boundTo !== OPEN_BADGES_NAMESPACE) {
    throw AppError.validation(
      `The SVG binds the "openbadges" prefix to ${boundTo} (an Open Badges 2.0 badge?); bake into an unbaked image`,
    );
  }
  const element =
    typeof credential === 'string'
      ? `<openbadges:credential verify="${escapeAttribute(text)}"></openbadges:credential>`
      : // "]]>" cannot appear inside CDATA: close the section and open a new one around its ">".
        `<openbadges:credential><![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]></openbadges:credential>`;

  let result = svg;
  for (const old of [...credentials].reverse()) result = result.slice(0, old.start) + result.slice(old.end);
  const tagBody = result.slice(root.start, root.end - (root.selfClosing ? 2 : 1));
  const declaration = boundTo === undefined ? ` xmlns:openbadges="${OPEN_BADGES_NAMESPACE}"` : '';
  const closing = root.selfClosing ? `</${root.qualifiedName}>` : '';
  return `${result.slice(0, root.start)}${tagBody}${declaration}>${element}${closing}${result.slice(root.end)}`;
}

function unbakeSvg(svg: string): object | string {
  const { credentials } = scanSvg(svg);
  if (credentials.length === 0) {
    throw AppError.validation(
      `The SVG carries no baked credential (no <openbadges:credential> element in namespace ${OPEN_BADGES_NAMESPACE})`,
    );
  }
  if (credentials.length > 1) {
    throw AppError.validation(
      `The SVG carries ${credentials.length} baked credentials; Open Badges allows only one per file`,
    );
  }
  const [only] = credentials as [CredentialElement];
  if (only.verify !== undefined) {
    const jws = only.verify.trim();
    if (!COMPACT_JWS.test(jws))
      throw AppError.validation('The "verify" attribute is not a compact JWS (VC-JWT)');
    return jws;
  }
  return parseCredentialText(only.content, 'the SVG');
}
