/**
 * Memoize a pure function of an object by identity. The builder keeps each compiled agent as the
 * same object across watch rebuilds (see targets/json.ts `withHash`), so targets emit only the
 * agents that changed; fresh objects simply miss the memo.
 *
 * Inside `withoutRetaining` (a one-shot build writing as it goes) values are computed but not
 * kept, except the last one of each memo: the targets of one agent often need the same value
 * (its JSON text) one after the other, and nothing needs it once the next agent starts.
 */
let retaining = true;

export function memoByIdentity<K extends object, V>(fn: (key: K) => V): (key: K) => V {
  const memo = new WeakMap<K, V>();
  let lastKey: K | undefined;
  let lastValue: V | undefined;
  return (key) => {
    let value = memo.get(key);
    if (value !== undefined || memo.has(key)) return value as V;
    if (!retaining) {
      if (key !== lastKey) {
        lastValue = fn(key);
        lastKey = key;
      }
      return lastValue as V;
    }
    value = fn(key);
    memo.set(key, value);
    return value;
  };
}

/**
 * Whether values made now may be kept for a later build: false inside `withoutRetaining`, a
 * one-shot build, where targets keep no cache of their shared files either.
 */
export function isRetaining(): boolean {
  return retaining;
}

/** Run fn with memos that keep nothing past the next key (see above). Synchronous only. */
export function withoutRetaining<T>(fn: () => T): T {
  const before = retaining;
  retaining = false;
  try {
    return fn();
  } finally {
    retaining = before;
  }
}

/** `target[key]` computed by `compute` on first read, then kept: what a caller may never ask for is never made. */
export function defineLazy<T extends object, K extends keyof T>(target: T, key: K, compute: () => T[K]): void {
  let value: T[K];
  let done = false;
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!done) {
        value = compute();
        done = true;
      }
      return value;
    },
  });
}
