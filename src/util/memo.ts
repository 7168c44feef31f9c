/**
 * Memoize a pure function of an object by identity. The builder keeps each compiled agent as the
 * same object across watch rebuilds (see targets/json.ts `withHash`), so targets emit only the
 * agents that changed; fresh objects simply miss the memo.
 */
export function memoByIdentity<K extends object, V>(fn: (key: K) => V): (key: K) => V {
  const memo = new WeakMap<K, V>();
  return (key) => {
    let value = memo.get(key);
    if (value === undefined && !memo.has(key)) {
      value = fn(key);
      memo.set(key, value);
    }
    return value as V;
  };
}
