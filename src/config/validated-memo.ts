/**
 * The last config value that passed validation, with what validation made of it, kept in the
 * persistent cache: an up-to-date build then never loads zod (~100 ms of ~700 at 10,000
 * agents). The config module still runs on every build (it may read the environment); only
 * the validation, a pure function of the value, is remembered.
 *
 * Only plain data is remembered (objects, arrays, strings, finite numbers, booleans, null), so
 * the value's JSON text is exactly what validation saw: a function, a plugin target, a class
 * instance, `undefined`, a sparse array or a cycle makes the value validate every time.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { VERSION } from '../version.js';
import type { ConfigValues } from './place.js';

const MEMO_FORMAT = 1;

interface ValidatedMemo {
  format: number;
  version: string;
  /** The config value as JSON, exactly (key order included: validation keeps it in records). */
  value: string;
  values: ConfigValues;
}

/** The remembered validation of this value, or undefined (none, another value, unreadable). */
export function recallValidated(memoFile: string, value: unknown): ConfigValues | undefined {
  const text = plainJson(value);
  if (text === undefined) return undefined;
  try {
    const memo = JSON.parse(readFileSync(memoFile, 'utf8')) as ValidatedMemo;
    if (memo?.format !== MEMO_FORMAT || memo.version !== VERSION || memo.value !== text) return undefined;
    return memo.values;
  } catch {
    return undefined;
  }
}

/** Best effort (temp + rename): a memo that cannot be written only means validating again. */
export function rememberValidated(memoFile: string, value: unknown, values: ConfigValues): void {
  const text = plainJson(value);
  if (text === undefined || plainJson(values) === undefined) return;
  const temp = `${memoFile}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(path.dirname(memoFile), { recursive: true });
    writeFileSync(temp, JSON.stringify({ format: MEMO_FORMAT, version: VERSION, value: text, values } satisfies ValidatedMemo));
    renameSync(temp, memoFile);
  } catch {
    rmSync(temp, { force: true });
  }
}

/** JSON of a value that JSON carries exactly, else undefined. */
export function plainJson(value: unknown): string | undefined {
  return isPlainData(value, new Set(), 0) ? JSON.stringify(value) : undefined;
}

const MAX_DEPTH = 64;

function isPlainData(value: unknown, path: Set<object>, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  // -0 would come back as 0.
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object' || depth > MAX_DEPTH || path.has(value)) return false;
  path.add(value);
  try {
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) return false;
      for (let index = 0; index < value.length; index++) {
        // A hole reads as undefined but is written as null.
        if (!(index in value) || !isPlainData(value[index], path, depth + 1)) return false;
      }
      return true;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    if (Object.getOwnPropertySymbols(value).length > 0) return false;
    for (const key of Object.keys(value)) {
      // JSON.parse would make `__proto__` an own key where validation may have set a prototype.
      if (key === '__proto__') return false;
      const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
      if (!('value' in descriptor) || !isPlainData(descriptor.value, path, depth + 1)) return false;
    }
    return Object.getOwnPropertyNames(value).length === Object.keys(value).length;
  } finally {
    path.delete(value);
  }
}
