import { NUL_MESSAGE } from "./schema.ts";

export const LONE_SURROGATE_MESSAGE =
  "must be valid Unicode: it has a lone surrogate (a \\uD800–\\uDFFF escape without its pair), which UTF-8 cannot store";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Strings (values or keys) that the databases cannot store as sent, with their paths
 * ("post.props.a.0"): NUL, which PostgreSQL text refuses, and lone surrogates, which both
 * drivers would silently turn into U+FFFD. At most `limit` of them.
 */
export function findUnstorableText(
  value: unknown,
  limit = 10,
): Array<{ field: string; message: string }> {
  const found: Array<{ field: string; message: string }> = [];
  const check = (text: string, field: string) => {
    if (text.includes("\u0000")) found.push({ field, message: NUL_MESSAGE });
    else if (LONE_SURROGATE.test(text)) found.push({ field, message: LONE_SURROGATE_MESSAGE });
  };
  // Iterative, so a deeply nested document cannot overflow the stack.
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: "" }];
  while (stack.length > 0 && found.length < limit) {
    const item = stack.pop()!;
    if (typeof item.value === "string") {
      check(item.value, item.path);
    } else if (Array.isArray(item.value)) {
      for (let i = item.value.length - 1; i >= 0; i--)
        stack.push({ value: item.value[i], path: join(item.path, String(i)) });
    } else if (typeof item.value === "object" && item.value !== null) {
      const entries = Object.entries(item.value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        check(key, join(item.path, JSON.stringify(key)));
        stack.push({ value: child, path: join(item.path, key) });
      }
    }
  }
  return found.slice(0, limit);
}

function join(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}
