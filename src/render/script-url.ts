/**
 * Setting a script's `src` under `require-trusted-types-for 'script'`: one
 * Trusted Types policy named `onetoone` (allow it with
 * `trusted-types onetoone`) that accepts only the URLs the SDK itself
 * computed for its lazily loaded files (second stage, dialog, debug panel).
 */

declare global {
  interface Window {
    trustedTypes?: { createPolicy(name: string, rules: { createScriptURL(url: string): string }): { createScriptURL(url: string): unknown } };
  }
}

const allowed = new Set<string>();
let policy: { createScriptURL(url: string): unknown } | undefined;

/** Points `script` at `url` through the `onetoone` policy where Trusted Types exist. */
export function setScriptSrc(script: HTMLScriptElement, url: string): void {
  allowed.add(url);
  policy ??= window.trustedTypes?.createPolicy('onetoone', { createScriptURL: (u) => (allowed.has(u) ? u : '') });
  script.src = (policy ? policy.createScriptURL(url) : url) as string;
}

/**
 * Loads the script at `url` (through the policy) and resolves with what it
 * published, as `published()` reads it after the load; rejects when it failed
 * to load or published nothing.
 */
export function loadScript<T>(url: string, published: () => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    setScriptSrc(script, url);
    script.onload = () => {
      const value = published();
      if (value) resolve(value);
      else reject(Error(url));
    };
    script.onerror = reject;
    document.head.append(script);
  });
}
