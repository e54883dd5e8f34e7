import { readFile, writeFile } from 'node:fs/promises';
import { bakePng, bakeSvg, sniffCredentialFile, unbakeCredential } from '../../core/baking.ts';
import { isAppError } from '../../core/errors.ts';
import { CliError, defineCommand, EXIT_OK, UsageError } from '../command.ts';

const MAX_FILE_BYTES = 10 * 1024 * 1024;

async function readInput(path: string, what: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${(error as Error).message}`,
    );
  }
  if (bytes.length > MAX_FILE_BYTES) throw new CliError(`${what} ${path} is larger than 10 MiB`);
  return bytes;
}

/** Runs a baking step, turning its validation errors into one clean `error:` line. */
function baking<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isAppError(error)) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}

export const credentialBakeCommand = defineCommand({
  name: 'credential bake',
  summary:
    'Bake a credential into a PNG or SVG image (Open Badges 3.0 baked badge). Works offline, on files only.',
  options: {
    in: {
      type: 'string',
      placeholder: 'FILE',
      description: 'The credential: JSON, or a compact vc+jwt',
      required: true,
    },
    image: {
      type: 'string',
      placeholder: 'IMG',
      description: 'The image to bake into: a .png or .svg file',
      required: true,
    },
    out: {
      type: 'string',
      placeholder: 'OUT',
      description: 'Where to write the baked image',
      required: true,
    },
  },
  details: [
    'A credential already baked into the image is replaced (a badge carries one credential).',
    'Check the result with: credstack verify OUT',
  ],
  examples: ['credstack credential bake --in badge.json --image badge.png --out baked.png'],
  async run(ctx) {
    const inPath = ctx.required('in');
    const imagePath = ctx.required('image');
    const outPath = ctx.required('out');
    const credentialFile = await readInput(inPath, 'the credential');
    if (sniffCredentialFile(credentialFile) !== 'json') {
      throw new UsageError(`${inPath} is not a credential file (JSON or a compact vc+jwt)`);
    }
    const { credential } = baking(inPath, () => unbakeCredential(credentialFile));
    const image = await readInput(imagePath, 'the image');
    const format = sniffCredentialFile(image);
    let baked: Uint8Array | string;
    if (format === 'png') baked = baking(imagePath, () => bakePng(image, credential));
    else if (format === 'svg') baked = baking(imagePath, () => bakeSvg(image.toString('utf8'), credential));
    else throw new UsageError(`${imagePath} is neither a PNG nor an SVG image`);
    await writeFile(outPath, baked).catch((error: unknown) => {
      throw new CliError(`cannot write ${outPath}: ${(error as Error).message}`);
    });
    ctx.io.out(
      `baked ${typeof credential === 'string' ? 'a vc+jwt' : 'a JSON'} credential into ${outPath} (${format})\n`,
    );
    return EXIT_OK;
  },
});
