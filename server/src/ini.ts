/** An INI file: section name → key → value. Names are lower-cased; values are trimmed. */
export type Ini = Record<string, Record<string, string>>;

export class IniSyntaxError extends Error {
  override name = 'IniSyntaxError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/**
 * The small INI dialect of the AWS tutorial's config file: `[section]` headers, `key = value`
 * lines, and whole-line comments starting with `;` or `#`. A value is everything after the
 * first `=`, so secrets and URLs may contain `;`, `#` or `=`.
 */
export function parseIni(source: string): Ini {
  const ini: Ini = {};
  let section: Record<string, string> | undefined;
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const number = index + 1;
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const name = (header[1] ?? '').trim().toLowerCase();
      if (name === '') throw new IniSyntaxError(number, 'a section needs a name, as in [dynamodb]');
      section = ini[name] ?? {};
      ini[name] = section;
      return;
    }
    const equals = line.indexOf('=');
    if (equals === -1) {
      // The line itself is not quoted: it may hold a secret.
      throw new IniSyntaxError(number, 'expected "[section]", "key = value" or a comment');
    }
    const key = line.slice(0, equals).trim().toLowerCase();
    if (!/^[a-z0-9_.-]+$/.test(key)) throw new IniSyntaxError(number, 'a setting needs a name before "="');
    if (!section) throw new IniSyntaxError(number, `"${key}" comes before any [section]`);
    section[key] = line.slice(equals + 1).trim();
  });
  return ini;
}
