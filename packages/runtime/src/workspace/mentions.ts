/** A user a comment may mention. */
export interface Mentionable {
  id: string;
  email: string;
  name: string;
}

export interface MentionResult {
  /** Ids of the users mentioned, each once, in order of first mention. */
  userIds: string[];
  /** Handles that name nobody (`@bob` when there is no bob). */
  unknown: string[];
}

// "@" at the start or after a space or an opening bracket, so "a@b.com" inside text is not one
const MENTION = /(^|[\s([{,;])@([A-Za-z0-9][A-Za-z0-9._+-]*(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)/g;

/**
 * Finds the @mentions in a comment and resolves them against the tenant's users: `@analyst2`
 * names the user whose e-mail starts `analyst2@`, `@analyst2@demo.exflow` the full address.
 * Matching ignores case; a trailing full stop or comma is not part of the handle.
 * @example parseMentions('Ask @analyst2, please', users) // { userIds: ['u-analyst2'], unknown: [] }
 */
export function parseMentions(text: string, users: readonly Mentionable[]): MentionResult {
  const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u.id]));
  const byLocal = new Map<string, string | null>();
  for (const u of users) {
    const local = u.email.toLowerCase().split('@')[0];
    byLocal.set(local, byLocal.has(local) ? null : u.id); // ambiguous local parts resolve to nobody
  }
  const userIds: string[] = [];
  const unknown: string[] = [];
  for (const match of text.matchAll(MENTION)) {
    const handle = match[2].replace(/[._-]+$/, '').toLowerCase();
    const id = handle.includes('@') ? byEmail.get(handle) : byLocal.get(handle);
    if (id) {
      if (!userIds.includes(id)) userIds.push(id);
    } else if (!unknown.includes(`@${handle}`)) {
      unknown.push(`@${handle}`);
    }
  }
  return { userIds, unknown };
}
