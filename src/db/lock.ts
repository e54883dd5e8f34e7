import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * PGlite serves one process at a time: two processes opening the same data directory corrupt it. The
 * server and every CLI command that opens an embedded database take this lock first; a stale lock (its
 * process is gone) is taken over.
 */
export interface DataDirLock {
  release(): void;
  /** Records where the holder can be reached (a server learns its port only after listening). */
  setUrl(url: string): void;
}

export interface LockOwner {
  pid: number;
  purpose: string;
  url?: string;
  startedAt: string;
}

export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    const where = owner.url ? ` at ${owner.url}` : '';
    super(
      `The data directory ${dataDir} is in use by another Credstack process (pid ${owner.pid}, ${owner.purpose}${where}). ` +
        'The embedded database serves one process at a time: stop that process first, use its HTTP API, ' +
        'or run Credstack on PostgreSQL (DATABASE_URL) to share the database.',
    );
    this.name = 'DataDirBusyError';
  }
}

export function acquireDataDirLock(dataDir: string, info: Omit<LockOwner, 'pid' | 'startedAt'>): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'credstack.lock');
  const owner: LockOwner = { pid: process.pid, startedAt: new Date().toISOString(), ...info };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          const current = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
          if (current.pid === process.pid) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.once('exit', release);
      const setUrl = (url: string) => {
        if (released) return;
        // Written beside and renamed over, so a reader never sees a half-written lock.
        const next = `${path}.${process.pid}.tmp`;
        writeFileSync(next, JSON.stringify({ ...owner, url }), { mode: 0o600 });
        renameSync(next, path);
      };
      return { release, setUrl };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const existing = readOwner(path);
      if (existing && existing.pid !== process.pid && isAlive(existing.pid)) {
        throw new DataDirBusyError(dataDir, existing);
      }
      // Stale (crashed process) or unreadable lock: remove it and try again.
      try {
        unlinkSync(path);
      } catch {
        // Another process removed it first; loop and race for it fairly.
      }
    }
  }
  const existing = readOwner(path);
  throw new DataDirBusyError(dataDir, existing ?? { pid: -1, purpose: 'unknown', startedAt: '' });
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
