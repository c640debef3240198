import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';

// PGlite allows one process per data folder. The process that opens it leaves an owner file beside
// it; another arflow command finds it and, when the owner is a running server, hands its work to
// that server over the local API instead of opening the folder itself.

export interface OwnerInfo {
  pid: number;
  kind: 'server' | 'cli';
  url?: string;
  token?: string;
  startedAt: string;
}

export function ownerFilePath(dataDir: string): string {
  const abs = resolve(dataDir);
  return join(dirname(abs), `.${basename(abs)}.owner.json`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readOwner(dataDir: string): OwnerInfo | null {
  try {
    const info = JSON.parse(readFileSync(ownerFilePath(dataDir), 'utf8')) as OwnerInfo;
    return isAlive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

/** Takes ownership of the folder; returns the current owner instead when another live process has it. */
export function tryAcquire(dataDir: string, info: Omit<OwnerInfo, 'pid' | 'startedAt'>): { acquired: true; release: () => void; update: (i: Partial<OwnerInfo>) => void } | { acquired: false; owner: OwnerInfo } {
  const path = ownerFilePath(dataDir);
  const mine: OwnerInfo = { pid: process.pid, startedAt: new Date().toISOString(), ...info };
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const current = JSON.parse(readFileSync(path, 'utf8')) as OwnerInfo;
          if (current.pid === process.pid) unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      const update = (i: Partial<OwnerInfo>) => {
        Object.assign(mine, i);
        writeFileSync(path, JSON.stringify(mine), { mode: 0o600 });
      };
      return { acquired: true, release, update };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readOwner(dataDir);
      if (owner) return { acquired: false, owner };
      // A stale owner file of a process that is gone: remove it and try again.
      try {
        unlinkSync(path);
      } catch {
        /* someone else removed it */
      }
    }
  }
  throw new Error(`Cannot take the data folder ${dataDir}: its owner file ${path} keeps coming back.`);
}
